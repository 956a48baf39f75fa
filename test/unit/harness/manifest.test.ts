import assert from 'node:assert/strict'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HarnessError } from '../../../src/harness/errors.js'
import { loadManifest, nodeNames, parseManifest } from '../../../src/harness/manifest.js'
import { tempDir } from '../../helpers/chain.js'

const MANIFESTS = join(import.meta.dirname, '..', '..', 'e2e', 'manifests')
const BASE = 'name = "t"\n[network]\nvalidators = [10, 10, 10, 10]\nfull_nodes = 1\n'
const refused = (code: HarnessError['code'], field: string | RegExp) => (e: unknown) =>
  e instanceof HarnessError && e.code === code && (typeof field === 'string' ? e.context.field === field : field.test(e.message))
const step = (body: string) => `${BASE}[[step]]\n${body}\n`

describe('harness manifests: parsed and checked', () => {
  it('reads every manifest in test/e2e/manifests', () => {
    const files = readdirSync(MANIFESTS).filter((f) => f.endsWith('.toml') || f.endsWith('.json'))
    assert.ok(files.length >= 5, `only ${files.length} manifests`)
    for (const file of files) assert.ok(loadManifest(join(MANIFESTS, file)).name.length > 0, file)
  })

  it('takes TOML and JSON to the same manifest', () => {
    const toml = parseManifest(`${BASE}[load]\ntx_per_second = 3\n[[step]]\nkind = "kill"\nnode = "validator1"\ndown_blocks = 2\n`, 'toml')
    const json = parseManifest(
      JSON.stringify({
        name: 't',
        network: { validators: [10, 10, 10, 10], full_nodes: 1 },
        load: { tx_per_second: 3 },
        step: [{ kind: 'kill', node: 'validator1', down_blocks: 2 }],
      }),
      'json',
    )
    assert.deepEqual(toml, json)
    assert.deepEqual(nodeNames(toml), ['validator0', 'validator1', 'validator2', 'validator3', 'full0'])
    assert.deepEqual(toml.steps, [{ kind: 'kill', node: 'validator1', downBlocks: 2, downMs: 0 }])
  })

  it('turns isolate into a two-group partition and counts a twin as an expected double signer', () => {
    const m = parseManifest(
      `${step('kind = "partition"\nisolate = "validator2"\nblocks = 3')}[[step]]\nkind = "twin"\nnode = "validator1"\n`,
      'toml',
    )
    assert.deepEqual(m.steps[0], {
      kind: 'partition',
      groups: [['validator2'], ['validator0', 'validator1', 'validator3', 'full0']],
      ms: 0,
      blocks: 3,
    })
    assert.deepEqual(m.checks.expectDoubleSign, ['validator1'])
  })

  it('refuses text that is not TOML', () => {
    assert.throws(() => parseManifest('name = = 1', 'toml'), refused('MANIFEST_INVALID', /not valid TOML/))
  })

  it('refuses JSON that is not an object', () => {
    assert.throws(() => parseManifest('[1, 2]', 'json'), refused('MANIFEST_INVALID', ''))
  })

  it('refuses an unknown top-level setting', () => {
    assert.throws(() => parseManifest(`nodes = 3\n${BASE}`, 'toml'), refused('MANIFEST_INVALID', 'nodes'))
  })

  it('refuses a manifest without a name', () => {
    assert.throws(() => parseManifest('[network]\nvalidators = [10]\n', 'toml'), refused('MANIFEST_INVALID', 'name'))
  })

  it('refuses a network without validators', () => {
    assert.throws(
      () => parseManifest('name = "t"\n[network]\nvalidators = []\n', 'toml'),
      refused('MANIFEST_INVALID', 'network.validators'),
    )
  })

  it('refuses a power that is not a positive integer', () => {
    assert.throws(
      () => parseManifest('name = "t"\n[network]\nvalidators = [10, 0.5]\n', 'toml'),
      refused('MANIFEST_INVALID', 'network.validators[1]'),
    )
  })

  it('refuses a step of an unknown kind', () => {
    assert.throws(() => parseManifest(step('kind = "explode"'), 'toml'), refused('MANIFEST_INVALID', 'step[0].kind'))
  })

  it('refuses a setting the step kind does not take', () => {
    assert.throws(
      () => parseManifest(step('kind = "pause"\nnode = "validator0"\nblocks = 3'), 'toml'),
      refused('MANIFEST_INVALID', 'step[0].blocks'),
    )
  })

  it('refuses a step naming a node the network does not have', () => {
    assert.throws(() => parseManifest(step('kind = "kill"\nnode = "validator9"'), 'toml'), refused('NODE_UNKNOWN', 'step[0].node'))
  })

  it('refuses a partition of one group', () => {
    assert.throws(
      () => parseManifest(step('kind = "partition"\ngroups = [["validator0", "validator1"]]\nms = 100'), 'toml'),
      refused('MANIFEST_INVALID', 'step[0].groups'),
    )
  })

  it('refuses a partition with both or neither of ms and blocks', () => {
    assert.throws(() => parseManifest(step('kind = "partition"\nisolate = "validator0"'), 'toml'), refused('MANIFEST_INVALID', 'step[0]'))
    assert.throws(
      () => parseManifest(step('kind = "partition"\nisolate = "validator0"\nms = 10\nblocks = 2'), 'toml'),
      refused('MANIFEST_INVALID', 'step[0]'),
    )
  })

  it('refuses a partition with both groups and isolate', () => {
    assert.throws(
      () => parseManifest(step('kind = "partition"\nisolate = "validator0"\ngroups = [["validator0"], ["validator1"]]\nms = 10'), 'toml'),
      refused('MANIFEST_INVALID', 'step[0]'),
    )
  })

  it('refuses to start a node that is not late', () => {
    assert.throws(() => parseManifest(step('kind = "start"\nnode = "full0"'), 'toml'), refused('MANIFEST_INVALID', 'step[0].node'))
  })

  it('refuses a twin of a full node', () => {
    assert.throws(() => parseManifest(step('kind = "twin"\nnode = "full0"'), 'toml'), refused('MANIFEST_INVALID', 'step[0].node'))
  })

  it('refuses to kill a training role without training', () => {
    assert.throws(() => parseManifest(step('kind = "kill_role"\nrole = "trainer0"'), 'toml'), refused('MANIFEST_INVALID', 'step[0].role'))
  })

  it('refuses as many liars as aggregators', () => {
    assert.throws(
      () => parseManifest(`${BASE}[training]\naggregators = 1\nliars = 1\n`, 'toml'),
      refused('MANIFEST_INVALID', 'training.liars'),
    )
  })

  it('takes a memory-growth bound (default 60 MiB/h) and refuses one that is not a positive integer', () => {
    assert.equal(parseManifest(BASE, 'toml').checks.maxRssGrowthMiBPerHour, 60)
    assert.equal(parseManifest(`${BASE}[checks]\nmax_rss_growth_mib_per_hour = 30\n`, 'toml').checks.maxRssGrowthMiBPerHour, 30)
    for (const bad of ['0', '2.5', '"60"'])
      assert.throws(
        () => parseManifest(`${BASE}[checks]\nmax_rss_growth_mib_per_hour = ${bad}\n`, 'toml'),
        refused('MANIFEST_INVALID', 'checks.max_rss_growth_mib_per_hour'),
        bad,
      )
  })

  it('refuses an unknown planted switch', () => {
    assert.throws(
      () => parseManifest(`${BASE}[network.plant]\nvalidator0 = "skip-everything"\n`, 'toml'),
      refused('MANIFEST_INVALID', 'network.plant.validator0[0]'),
    )
  })

  it('refuses an environment variable that is not FEDRA_*', () => {
    assert.throws(
      () => parseManifest(`${BASE}[network.env.validator0]\nPATH = "/tmp"\n`, 'toml'),
      refused('MANIFEST_INVALID', 'network.env.validator0'),
    )
  })

  it('refuses an unknown crash point and holding the crashing node', () => {
    assert.throws(
      () => parseManifest(step('kind = "crash"\nnode = "validator0"\nat = "lunch"'), 'toml'),
      refused('MANIFEST_INVALID', 'step[0].at'),
    )
    assert.throws(
      () => parseManifest(step('kind = "crash"\nnode = "validator0"\nhold = ["validator0"]'), 'toml'),
      refused('MANIFEST_INVALID', 'step[0].hold'),
    )
  })

  it('refuses a file that is neither .toml nor .json, and one that does not exist', () => {
    const dir = tempDir()
    try {
      writeFileSync(join(dir.path, 'm.yaml'), 'name: t')
      assert.throws(() => loadManifest(join(dir.path, 'm.yaml')), refused('MANIFEST_INVALID', /\.toml or \.json/))
      assert.throws(() => loadManifest(join(dir.path, 'none.toml')), refused('MANIFEST_INVALID', /cannot read/))
    } finally {
      dir.remove()
    }
  })
})

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { HarnessRun, type Manifest, type RunResult, formatResult, loadManifest } from '../../src/harness/index.js'
import type { TestSwitch } from '../../src/test-switch.js'
import { tempDir } from '../helpers/chain.js'

const MANIFESTS = join(import.meta.dirname, '..', 'e2e', 'manifests')

async function run(file: string, plant?: { node: string; bug: TestSwitch }): Promise<RunResult> {
  const manifest: Manifest = loadManifest(join(MANIFESTS, file))
  if (plant !== undefined) manifest.network.plants[plant.node] = [plant.bug]
  const dir = tempDir('fedra-harness-plant-')
  try {
    return await new HarnessRun(manifest, { dir: dir.path }).run()
  } finally {
    dir.remove()
  }
}

const check = (result: RunResult, name: string) => result.checks.find((c) => c.name === name)

/**
 * The harness can fail (issue 26): each planted bug (src/test-switch.ts, on only under
 * FEDRA_TEST=1) makes the same manifest fail that passes without it. `npm run e2e:faults:plants`,
 * about 12 minutes on a loaded 2-core machine.
 */
describe('fault harness: planted bugs are caught', function () {
  this.timeout(1_200_000)

  describe('a validator that skips the signer-state fsync before voting', () => {
    it('passes honest: crashes right after a precommit signature, WAL cut, no double sign', async () => {
      const result = await run('plant-signer.toml')
      assert.ok(result.ok, formatResult(result))
    })

    it('fails planted: the crashed validator signs a second prevote and the evidence names it', async () => {
      const result = await run('plant-signer.toml', { node: 'validator3', bug: 'skip-signer-fsync' })
      assert.equal(result.ok, false, formatResult(result))
      assert.equal(check(result, 'no-double-sign')?.ok, false, formatResult(result))
      assert.match(check(result, 'no-double-sign')!.detail, /unexpected double signer\(s\): validator3/)
    })
  })

  describe('a node that accepts an aggregate without recomputing it', () => {
    it('passes honest: the lying aggregator is rejected and slashed, every node in step', async () => {
      const result = await run('plant-aggregate.toml')
      assert.ok(result.ok, formatResult(result))
      assert.match(check(result, 'training-rounds')!.detail, /[1-9]\d* aggregates rejected/)
    })

    it('fails planted: full0 leaves the honest chain', async () => {
      const result = await run('plant-aggregate.toml', { node: 'full0', bug: 'accept-aggregate' })
      assert.equal(result.ok, false, formatResult(result))
      const diverged = [check(result, 'in-step'), check(result, 'agreement'), check(result, 'no-unexpected-exit')].filter(
        (c) => c !== undefined && !c.ok,
      )
      assert.ok(diverged.length > 0, formatResult(result))
      assert.match(diverged.map((c) => c!.detail).join(' '), /full0/)
    })
  })
})

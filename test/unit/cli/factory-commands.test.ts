import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Command } from 'commander'
import { parseFactoryJob, roundsOf } from '../../../src/cli/commands/factory-job.js'
import { registerFactoryCommand } from '../../../src/cli/commands/factory.js'
import { CliError } from '../../../src/cli/errors.js'
import { freePort } from '../../../src/devnet/layout.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { canonicalModelSpec } from '../../../src/modules/subnets/index.js'
import { tempDir } from '../../helpers/chain.js'

const JOB = { name: 'digits-shifted', base: '0/5', validation: '1@2', adapter: { layers: [0, 1], rank: 4 }, rule: 'fedavg', rounds: 3 }
const parse = (job: unknown) => parseFactoryJob(JSON.stringify(job), 'job.json')
const refusesField = (job: unknown, field: string, why: RegExp) =>
  assert.throws(
    () => parse(job),
    (e: CliError) =>
      e.code === 'USAGE' && e.context.name === field && why.test(e.message) && e.plainMessage.startsWith(`job.json: ${field}: `),
    field,
  )

describe('fedra factory: the job file', () => {
  it('reads a job with defaults: alpha 2·rank, seed 1, open membership, domain finetune/adapter', () => {
    const job = parse(JOB)
    assert.deepEqual(
      [job.base, job.validation, job.adapter, job.rule, job.rounds, job.membership, job.domain],
      [
        { subnet: '0', version: '5' },
        { datanet: '1', version: '2' },
        { layers: [0, 1], rank: 4, alpha: 8, seed: 1 },
        'fedavg',
        3,
        'open',
        'finetune/adapter',
      ],
    )
    assert.deepEqual(parse({ ...JOB, base: { subnet: '0', version: '5' }, validation: { datanet: '1', version: '2' } }).base, {
      subnet: '0',
      version: '5',
    })
  })
  it('names the field of every refusal', () => {
    assert.throws(() => parseFactoryJob('{', 'job.json'), /job\.json: \(file\): not JSON/)
    refusesField({ ...JOB, epochs: 2 }, 'epochs', /unknown field/)
    refusesField({ ...JOB, name: '' }, 'name', /non-empty string/)
    refusesField({ ...JOB, base: '0' }, 'base', /"A\/B"/)
    refusesField({ ...JOB, validation: undefined }, 'validation', /required/)
    refusesField({ ...JOB, adapter: undefined }, 'adapter', /required/)
    refusesField({ ...JOB, adapter: { layers: [], rank: 4 } }, 'adapter.layers', /indices of dense layers/)
    refusesField({ ...JOB, adapter: { layers: [0, 'x'], rank: 4 } }, 'adapter.layers[1]', /whole number/)
    refusesField({ ...JOB, adapter: { layers: [0], rank: 0 } }, 'adapter.rank', /1\.\.4096/)
    refusesField({ ...JOB, adapter: { layers: [0], rank: 2, alpha: 0.5 } }, 'adapter.alpha', /whole number/)
    refusesField({ ...JOB, adapter: { layers: [0], rank: 2, dropout: 0.1 } }, 'adapter.dropout', /unknown field/)
    refusesField({ ...JOB, rounds: 0 }, 'rounds', /whole number 1\.\./)
    refusesField({ ...JOB, reward_split: { trainers: 0.7 } }, 'reward_split.trainers', /decimal string/)
    refusesField({ ...JOB, membership: 'closed' }, 'membership', /"open" or "allow-list"/)
    refusesField({ ...JOB, membership: 'allow-list' }, 'allow', /at least one address/)
    refusesField({ ...JOB, allow: ['bob'] }, 'allow', /fedra1/)
    refusesField({ ...JOB, timing: { submit_window: 3, aggregate_window: 2 } }, 'timing.gap', /whole number/)
    refusesField({ ...JOB, domain: 'Vision Digits' }, 'domain', /a-z 0-9/)
  })
  it('keeps the rounds asked in a line status reads back', () => {
    assert.equal(roundsOf('tune digits\nfactory job: 3 rounds on 0/5, validated on datanet:1@2'), 3)
    assert.equal(roundsOf('a plain subnet'), null)
  })
})

describe('fedra factory: create and status against a stub node', () => {
  const dir = tempDir()
  let server: Server
  let url: string
  let closed: string
  const calls: { method: string; params: any }[] = []
  const blobs: Uint8Array[] = []
  const base = mlpSpec([784, 200, 10])
  const tunedText = canonicalModelSpec({
    ...base,
    adapter: { base: { subnet: '0', version: '5' }, rank: 4, alpha: 8, layers: [0, 1], seed: 1 },
  })
  const subnets: Record<string, any> = {
    '0': {
      id: '0',
      name: 'mnist',
      description: '',
      model_spec: canonicalModelSpec(base),
      parameter_count: '159010',
      trainers: 8,
      aggregators: 1,
      params: { validation_set: 'mnist:validation', aggregation_rule: 'fedavg' },
    },
    '1': {
      id: '1',
      name: 'digits-shifted',
      description: 'factory job: 3 rounds on 0/5, validated on datanet:1@2',
      model_spec: tunedText,
      parameter_count: '4776',
      trainers: 3,
      aggregators: 1,
      params: { validation_set: 'datanet:1@2', aggregation_rule: 'fedavg' },
    },
  }
  const file = (name: string, value: unknown) => {
    const path = join(dir.path, name)
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
    return path
  }
  async function run(args: string[], node = url): Promise<{ error: unknown; out: string }> {
    let out = ''
    const write = process.stdout.write
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write
    try {
      const p = new Command('fedra').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
      registerFactoryCommand(p)
      await p.parseAsync(['node', 'fedra', ...args, '--home', dir.path, '--node', node])
      return { error: undefined, out }
    } catch (error) {
      return { error, out }
    } finally {
      process.stdout.write = write
    }
  }
  before(async () => {
    closed = `127.0.0.1:${await freePort()}`
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        res.setHeader('content-type', 'application/json')
        if (req.url?.startsWith('/blobs')) {
          blobs.push(new Uint8Array(body))
          return res.end(JSON.stringify({ error: { message: 'stub stops here' } }))
        }
        const { method, params, id } = JSON.parse(body.toString('utf8'))
        calls.push({ method, params })
        const answer: Record<string, () => unknown> = {
          subnet_get: () => subnets[params.id],
          model_version: () => ({ subnet: params.subnet, version: params.version, global_cid: `bafy${params.subnet}v${params.version}` }),
          model_latest: () => ({ subnet: params.subnet, version: '2', global_cid: 'bafylatest' }),
          lineage_version: () => ({ kind: 'adapter', status: 'attributed', parents: [{ subnet: '1', version: '1' }] }),
        }
        const result = answer[method]?.()
        res.end(
          JSON.stringify(
            result === undefined
              ? {
                  jsonrpc: '2.0',
                  id,
                  error: { code: -32007, message: 'Query failed', data: { codespace: 'subnets', code: 'UNKNOWN_SUBNET' } },
                }
              : { jsonrpc: '2.0', id, result: { height: 9, ...(result as object) } },
          ),
        )
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => {
    server.close()
    dir.remove()
  })

  it('create: refuses a bad job file before calling the node, --from missing, and an adapter that does not fit the base', async () => {
    const bad = await run(['factory', 'create', file('bad.json', { ...JOB, rounds: -1 }), '--from', 'k'], closed)
    assert.ok(bad.error instanceof CliError && bad.error.code === 'USAGE' && /rounds/.test(bad.error.message), String(bad.error))
    const noKey = await run(['factory', 'create', file('job.json', JOB)], closed)
    assert.match(String(noKey.error), /--from KEY is required/)
    const tooWide = await run(['factory', 'create', file('wide.json', { ...JOB, adapter: { layers: [1], rank: 11 } }), '--from', 'k'])
    assert.ok(tooWide.error instanceof CliError && tooWide.error.code === 'USAGE', String(tooWide.error))
    assert.match(tooWide.error.message, /wide\.json: adapter: rank 11 exceeds min\(in 200, units 10\)/)
  })

  it("create: reads the base's spec and version, and stores the seeded initial adapter (its 4,776 values) on the node first", async () => {
    blobs.length = 0
    const { error } = await run(['factory', 'create', file('job.json', JOB), '--from', 'k'])
    assert.match(String(error), /the node refused the blob/, 'the stub refuses the blob: nothing is signed')
    assert.deepEqual(
      calls.slice(-2).map((c) => c.method),
      ['subnet_get', 'model_version'],
    )
    assert.equal(blobs.length, 1)
    const values = new DataView(blobs[0]!.buffer, blobs[0]!.byteOffset)
    assert.equal(values.getUint32(12, true), 4776, 'the blob is [4776]')
  })

  it('status: rounds done of those asked, the adapter and the latest version with its parents', async () => {
    const { error, out } = await run(['factory', 'status', '1'])
    assert.equal(error, undefined, String(error))
    assert.match(out, /rounds\s+2 done of 3/)
    assert.match(out, /adapter\s+rank 4, alpha 8, layers 0, 1: 4776 of 159010 parameters/)
    assert.match(out, /validation\s+datanet:1@2/)
    assert.match(out, /latest\s+version 2 \(adapter, attributed\), bafylatest/)
    const json = JSON.parse((await run(['factory', 'status', '1', '--json'])).out)
    assert.deepEqual(json.rounds, { done: 2, asked: 3, finished: false })
    assert.match(String((await run(['factory', 'status', '0'])).error), /subnet 0 is not a fine-tune job/)
    assert.match(String((await run(['factory', 'status', 'x'])).error), /is not a whole number/)
  })
})

import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FedraClient, type PrivateKey, buildTx, messages } from '../../src/client/index.js'
import { DATANET, DATANET_VERSION, contributorAccount } from '../../src/devnet/datanet.js'
import { DEVNET_PASSPHRASE, devnetAccount, devnetAccountName, devnetOperatorName, loadDevnet } from '../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../src/devnet/process.js'
import { loadMnist } from '../../src/fl/data/mnist.js'
import { tempDir } from '../helpers/chain.js'
import { fedraCli } from '../helpers/fedra-cli.js'
import { expectedSplit } from '../unit/modules/lineage/expected.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const TRAINERS = 2
const TX_FEE = 200n
const ROUNDS = 3

/**
 * Issue 23 end to end, on real processes (`npm run e2e:finetune`; not in `npm test`): a devnet
 * (nodes with serving.enabled) trains subnet 0 on MNIST with a Datanet; `fedra factory create`
 * makes a fine-tune job on the version of its second round (a rank-4 adapter on the last layer);
 * trainers, an aggregator and both validators' scorers run three rounds of the job through the
 * normal round flow; `model_infer` answers for the job's last version with its ancestry naming
 * the job's versions, the base and the Datanet version; a paid use of it is split along the
 * lineage down to the base, and the receipt is accepted by model_infer.
 */
describe('fine-tune job: base → three adapter rounds → model_infer with ancestry → a paid use split to the base (real processes)', function () {
  this.timeout(1_200_000)
  const work = tempDir('fedra-e2e-finetune-')
  const dir = join(work.path, 'devnet')
  let script: ChildProcess | null = null
  const roles: NodeProcess[] = []
  let output = ''
  let client: FedraClient
  let url = ''

  after(async () => {
    await Promise.all(roles.map((p) => p.stop()))
    client?.close()
    script?.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 3_000))
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  })

  const send = async (key: PrivateKey, msgs: Uint8Array[], gasLimit = 2_000_000n) => {
    const answer = await client.broadcastTx(await buildTx(client, key, msgs, { fee: TX_FEE, gasLimit }), 'commit', 30_000)
    assert.equal(answer.result?.code, 0, JSON.stringify(answer.result))
    return answer
  }
  const cli = (args: string[]) => fedraCli(args, dir, url, 120_000)
  const infer = async (params: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'model_infer', params }),
    })
    return (await response.json()) as { result?: any; error?: { code: number; message: string; data: any } }
  }

  it('creates the job, trains three adapter rounds, serves the result with its ancestry and splits a paid use down to the base', async () => {
    // 1. The base: subnet 0 trained on the devnet (nodes serving models).
    script = spawn(
      process.execPath,
      [
        '--import',
        TSX,
        join(REPO, 'scripts/devnet.ts'),
        '--dir',
        dir,
        '--validators',
        '2',
        '--trainers',
        String(TRAINERS),
        '--rows',
        '2000',
        '--rpc-port',
        '0',
        '--datanet',
      ],
      {
        cwd: work.path,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FEDRA_SERVING_ENABLED: 'true' },
      },
    )
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('two scored rounds of subnet 0', async () => /^\[ROUND 2\]/m.test(output), 600_000, 250)
    const layout = loadDevnet(dir)!
    url = `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`
    client = new FedraClient({ url, timeoutMs: 60_000 })
    const base = await client.call('model_version', {
      subnet: '0',
      version: (await client.call('round_get', { subnet: '0', round: '1' })).version!,
    })

    // 2. The job, as a user writes it and creates it from a terminal.
    const jobFile = join(work.path, 'job.json')
    writeFileSync(
      jobFile,
      JSON.stringify({
        name: 'mnist-adapter',
        description: 'a rank-4 adapter on the last layer',
        domain: 'vision/digits',
        base: `0/${base.version}`,
        validation: `${DATANET}@${DATANET_VERSION}`,
        adapter: { layers: [1], rank: 4 },
        rule: 'fedavg',
        rounds: ROUNDS,
        timing: { submit_window: 20, aggregate_window: 10, gap: 1 },
      }),
    )
    assert.match(await cli(['factory', 'create', jobFile, '--from', devnetAccountName(0)]), /adapter +rank 4 on layers 1: 840 parameters/)
    const job = (await client.call('subnet_list')).subnets.find((s) => s.name === 'mnist-adapter')!
    assert.equal(job.parameter_count, '840')
    // subnet 0's roles are done (the base is fixed): stop them before their accounts join the job,
    // and let two blocks pass so no transaction of theirs is still pending (its nonce would clash).
    spawnSync('pkill', ['-f', `subnet 0 .*--home ${dir}$`])
    const stoppedAt = (await client.status()).syncInfo.latestHeight
    await waitFor(
      'two blocks after the base roles stopped',
      async () => (await client.status()).syncInfo.latestHeight >= stoppedAt + 2,
      60_000,
      100,
    )
    await Promise.all([
      ...Array.from({ length: TRAINERS }, (_, i) => send(devnetAccount(1 + i), [messages.subnetsJoin(job.id, 'trainer', '1000000ufdr')])),
      send(devnetAccount(1 + TRAINERS), [messages.subnetsJoin(job.id, 'aggregator', '10000000ufdr')]),
    ])
    const role = (name: string, args: string[]) => {
      const p = new NodeProcess(
        { ...layout.nodes[0]!, name, home: dir },
        { entry: NodeProcess.fedra(...args), logFile: join(work.path, `${name}.log`) },
      )
      p.start({ FEDRA_PASSPHRASE: DEVNET_PASSPHRASE })
      roles.push(p)
    }
    for (let i = 0; i < TRAINERS; i++)
      role(`job-trainer${i}`, [
        'trainer',
        '--key',
        devnetAccountName(1 + i),
        '--subnet',
        job.id,
        '--node',
        url,
        '--data',
        `mnist:iid:${i}/${TRAINERS}`,
        '--rows',
        '2000',
        '--seed',
        '1',
        '--declare',
        `${DATANET}@${DATANET_VERSION}`,
      ])
    role('job-aggregator', ['aggregator', '--key', devnetAccountName(1 + TRAINERS), '--subnet', job.id, '--node', url])
    for (let v = 0; v < 2; v++)
      role(`job-scorer${v}`, [
        'scorer',
        '--key',
        devnetOperatorName(v),
        '--subnet',
        job.id,
        '--node',
        url,
        '--method',
        'marginal',
        '--validation',
        'mnist:last:1000',
        '--state-dir',
        join(work.path, `job-scorer${v}`),
      ])

    // 3. Three adapter rounds through the normal round flow, the last one attributed.
    // (a round in which no update arrived in time passes without a version: count versions, not rounds)
    const last = await waitFor(
      `version ${ROUNDS} of the job attributed`,
      async () => {
        const latest = await client.call('model_latest', { subnet: job.id })
        if (Number(latest.version) < ROUNDS) return undefined
        const v = await client.call('lineage_version', { subnet: job.id, version: String(ROUNDS) })
        return v.status === 'attributed' ? v : undefined
      },
      900_000,
      500,
    )
    await Promise.all(roles.map((p) => p.stop()))
    assert.equal(last.kind, 'adapter')
    assert.match(await cli(['factory', 'status', job.id]), new RegExp(`rounds +[0-9]+ done of ${ROUNDS} \\(finished\\)`))

    // 4. model_infer: probabilities of a real digit, the ancestry through the job to the base and its Datanet version.
    const test = loadMnist().test
    const input = Array.from(test.features.subarray(0, 784))
    const answer = await infer({ version: { subnet: job.id, version: last.version }, input })
    assert.equal(answer.error, undefined, JSON.stringify(answer.error))
    const a = answer.result
    assert.deepEqual([a.kind, a.base.subnet, a.base.version], ['adapter', '0', base.version])
    assert.equal(a.probabilities.length, 10)
    const names = a.ancestry.versions.map((v: { subnet: string; version: string }) => `${v.subnet}/${v.version}`)
    for (let v = Number(last.version); v >= 0; v--) assert.ok(names.includes(`${job.id}/${v}`), `${job.id}/${v} in ${names}`)
    assert.ok(names.includes(`0/${base.version}`), `the base in ${names}`)
    assert.deepEqual(a.ancestry.roots, [{ subnet: '0', version: '0' }])
    assert.ok(
      a.ancestry.datanet_versions.some(
        (d: { datanet: string; version: string }) => d.datanet === String(DATANET) && d.version === String(DATANET_VERSION),
      ),
    )
    const trainer0 = devnetAccount(1).publicKey.address
    assert.ok(
      a.ancestry.contributors.some((c: { contributor: string }) => c.contributor === trainer0),
      JSON.stringify(a.ancestry.contributors),
    )

    // 5. A paid use of the job's version: split along the lineage, the base's pool paid too; the receipt opens model_infer.
    const userAccount = contributorAccount({ trainers: TRAINERS, aggregators: 1 }, TRAINERS + 2) // funded, used by nobody else
    const user = devnetAccount(userAccount)
    const fee = 50_000_000n
    await cli([
      'tx',
      'model',
      'use',
      devnetAccountName(userAccount),
      job.id,
      last.version,
      '--pay',
      `${fee}ufdr`,
      '--purpose',
      'e2e fine-tune inference',
    ])
    const receipt = String(BigInt((await client.call('usage_totals')).receipts) - 1n)
    const params = await client.call('lineage_params')
    const parentsOf = new Map<string, string[]>()
    const walk = await client.call('lineage_getAncestry', { subnet: job.id, version: last.version })
    for (const e of walk.edges)
      parentsOf.set(`${e.child.subnet}/${e.child.version}`, [
        ...(parentsOf.get(`${e.child.subnet}/${e.child.version}`) ?? []),
        `${e.parent.subnet}/${e.parent.version}`,
      ])
    const split = expectedSplit(fee, `${job.id}/${last.version}`, (v) => parentsOf.get(v) ?? [], {
      parent: params.parent_share,
      validator: params.validator_share,
      depth: params.max_ancestry_depth,
    })
    assert.ok((split.pooled.get(`0/${base.version}`) ?? 0n) > 0n, 'the base gets a part of the fee')
    for (const [name, pooled] of split.pooled) {
      const [subnet, version] = name.split('/')
      assert.equal(BigInt((await client.call('usage_pool', { subnet: subnet!, version: version! })).accrued), pooled, `pool ${name}`)
    }
    const paid = await infer({ version: { subnet: job.id, version: last.version }, input, receipt })
    assert.equal(paid.error, undefined, JSON.stringify(paid.error))
    assert.deepEqual(
      [paid.result.receipt.id, paid.result.receipt.fee, paid.result.receipt.user],
      [receipt, String(fee), user.publicKey.address],
    )
    const wrong = await infer({ version: { subnet: '0', version: base.version }, input, receipt })
    assert.equal(wrong.error?.data.code, 'RECEIPT_MISMATCH')
  })
})

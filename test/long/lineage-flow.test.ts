import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FedraClient, type PrivateKey, type Result, buildTx, messages } from '../../src/client/index.js'
import { DATANET, DATANET_VERSION, contributorAccount } from '../../src/devnet/datanet.js'
import { DEVNET_PASSPHRASE, devnetAccount, devnetAccountName, devnetOperatorName, loadDevnet } from '../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../src/devnet/process.js'
import { Dec } from '../../src/state/index.js'
import { tempDir } from '../helpers/chain.js'
import { fedraCli } from '../helpers/fedra-cli.js'
import { expectedSplit, expectedWeights } from '../unit/modules/lineage/expected.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const TRAINERS = 2
const AGGREGATORS = 1
const TX_FEE = 200n

/**
 * Issue 22 end to end, on real processes (`npm run e2e:lineage`, 70–80 s; not in `npm test`, which
 * it would push past ten minutes; its pieces are there: the modules' unit tests and every
 * datanet_/lineage_/usage_ method against a running node): `npm run devnet -- --datanet` curates the trainers' MNIST parts into a private
 * Datanet (one record rejected), publishes version 1, and trains subnet 0 with every trainer
 * declaring its record; then, as a user would from a terminal, account0 creates subnet 1 on
 * the version of subnet 0's second round and forks it (`fedra tx model fork`), trainers, an aggregator and both
 * validators' scorers train it two rounds, and a user pays to use its last version
 * (`fedra tx model use`). Every share of that fee is computed here from the chain's records
 * (consensus scores, declarations, quality weights, parents) with the formulas of
 * docs/lineage.md written again in the test, checked against what the chain owes each
 * contributor, and withdrawn to the unit.
 */
describe('Datanet → training → fork → use: the fee reaches every contributor along the lineage (real processes)', function () {
  this.timeout(900_000)
  const work = tempDir('fedra-e2e-lineage-')
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
  const ufdr = async (address: string) => BigInt((await client.account(address)).balances.find((b) => b.denom === 'ufdr')?.amount ?? '0')
  const cli = (args: string[]) => fedraCli(args, dir, url)

  it('curates, trains, forks, trains again; a use fee is split exactly as computed from the receipts, and withdrawn', async () => {
    // 1. The devnet: the Datanet of the trainers' parts, then subnet 0 trained with declarations.
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
      },
    )
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('two scored rounds of subnet 0', async () => /^\[ROUND 2\]/m.test(output), 300_000, 250)
    assert.match(
      output,
      /^datanet: 0 "mnist-digits-parts" \(private, 2 of 2 curators\): 2 parts and the validation digits accepted, 1 record rejected/m,
      output,
    )
    const layout = loadDevnet(dir)!
    url = `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`
    client = new FedraClient({ url, timeoutMs: 60_000 })

    const datanet = await client.call('datanet_get', { id: String(DATANET) })
    assert.deepEqual(
      [datanet.accepted, datanet.records, datanet.treasury],
      ['3', '4', '500000'],
      'two parts and the validation digits accepted, one record rejected: half its bond kept',
    )
    assert.equal((await client.call('subnet_get', { id: '0' })).params.validation_set, `datanet:${DATANET}@${DATANET_VERSION}`)
    const trainers = Array.from({ length: TRAINERS }, (_, i) => devnetAccount(1 + i).publicKey.address)
    const contributors = Array.from(
      { length: TRAINERS },
      (_, i) => devnetAccount(contributorAccount({ trainers: TRAINERS, aggregators: AGGREGATORS }, i)).publicKey.address,
    )
    const declared = await client.call('datanet_declarations', { subnet: '0', round: '0' })
    assert.deepEqual(
      declared.declarations.map((d) => d.trainer).sort(),
      [...trainers].sort(),
      'every trainer declared its record in round 0',
    )

    // 2. Subnet 1 on subnet 0's latest model, forked from it (the CLI), trained two rounds.
    // The version of the last round the devnet reported (scored): a fixed point to build on while subnet 0 trains on.
    const source = await client.call('model_version', {
      subnet: '0',
      version: (await client.call('round_get', { subnet: '0', round: '1' })).version!,
    })
    const subnet0 = await client.call('subnet_get', { id: '0' })
    const admin = devnetAccount(0)
    await send(admin, [
      messages.subnetsCreate({
        name: 'mnist-fine-tune',
        domain: 'vision/digits',
        modelSpec: subnet0.model_spec,
        initialModelCid: source.global_cid,
        params: {
          validation_set: `datanet:${DATANET}@${DATANET_VERSION}`,
          aggregation_rule: 'fedavg',
          timing: { submit_window: 20, aggregate_window: 10, gap: 1 },
          max_trainers: 16,
        },
      }),
    ])
    const subnet = (await client.call('subnet_list')).subnets.find((s) => s.name === 'mnist-fine-tune')!.id
    assert.match(await cli(['tx', 'model', 'fork', devnetAccountName(0), '0', source.version, subnet]), /result +ok/)
    await Promise.all([
      ...trainers.map((_, i) => send(devnetAccount(1 + i), [messages.subnetsJoin(subnet, 'trainer', '1000000ufdr')])),
      send(devnetAccount(1 + TRAINERS), [messages.subnetsJoin(subnet, 'aggregator', '10000000ufdr')]),
    ])
    // subnet 0's roles are done (their versions are what subnet 1 builds on): stop them, to leave the cores to subnet 1's.
    spawnSync('pkill', ['-f', `subnet 0 .*--home ${dir}$`])
    const role = (name: string, args: string[]) => {
      const p = new NodeProcess(
        { ...layout.nodes[0]!, name, home: dir },
        { entry: NodeProcess.fedra(...args), logFile: join(work.path, `${name}.log`) },
      )
      p.start({ FEDRA_PASSPHRASE: DEVNET_PASSPHRASE })
      roles.push(p)
    }
    trainers.forEach((_, i) =>
      role(`s1-trainer${i}`, [
        'trainer',
        '--key',
        devnetAccountName(1 + i),
        '--subnet',
        subnet,
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
      ]),
    )
    role('s1-aggregator', ['aggregator', '--key', devnetAccountName(1 + TRAINERS), '--subnet', subnet, '--node', url])
    for (let v = 0; v < 2; v++)
      role(`s1-scorer${v}`, [
        'scorer',
        '--key',
        devnetOperatorName(v),
        '--subnet',
        subnet,
        '--node',
        url,
        '--method',
        'marginal',
        '--validation',
        'mnist:last:1000',
        '--state-dir',
        join(work.path, `s1-scorer${v}`),
      ])
    const used = await waitFor(
      'subnet 1 round 1 scored and its version attributed',
      async () => {
        const round = await client.call('round_get', { subnet, round: '1' }).catch(() => null)
        if (round === null || !round.closed || round.version === null) return undefined
        const v = await client.call('lineage_version', { subnet, version: round.version })
        return v.status === 'attributed' ? v : undefined
      },
      400_000,
      500,
    )
    await Promise.all(roles.map((p) => p.stop()))

    // 3. The lineage: subnet 1's versions, the fork, subnet 0's versions, the Datanet version.
    const tree = await cli(['query', 'lineage', subnet, used.version])
    assert.match(tree, new RegExp(`subnet 0 version ${source.version}`), tree)
    const walk = await client.call('lineage_getAncestry', { subnet, version: used.version })
    const names = walk.nodes.map((n) => `${n.subnet}/${n.version}`)
    for (let v = Number(used.version); v >= 0; v--) assert.ok(names.includes(`${subnet}/${v}`), `${subnet}/${v} in ${names}`)
    for (let v = Number(source.version); v >= 0; v--) assert.ok(names.includes(`0/${v}`), `0/${v} in ${names}`)
    assert.ok(
      walk.edges.some(
        (e) => e.child.subnet === subnet && e.child.version === '0' && e.parent.subnet === '0' && e.parent.version === source.version,
      ),
      'the fork edge',
    )
    assert.deepEqual(used.datanet_versions, [{ datanet: String(DATANET), version: String(DATANET_VERSION) }])

    // 4. Each version's weights as the test computes them from the chain's records.
    const params = await client.call('lineage_params')
    const shares = {
      trainer: params.trainer_share,
      data: params.data_share,
      aggregator: params.aggregator_share,
      treasury: params.treasury_share,
    }
    const records = new Map<string, Result<'datanet_record'>>()
    const record = async (id: string) =>
      records.get(id) ?? records.set(id, await client.call('datanet_record', { datanet: String(DATANET), record: id })).get(id)!
    const versions = new Map<string, Result<'lineage_version'>>()
    for (const n of walk.nodes)
      versions.set(`${n.subnet}/${n.version}`, await client.call('lineage_version', { subnet: n.subnet, version: n.version }))
    const weights = new Map<string, Map<string, bigint>>()
    for (const [name, v] of versions) {
      assert.equal(v.status, 'attributed', name)
      if (v.round === null) {
        weights.set(name, new Map([[`treasury:${v.subnet}`, BigInt(v.total_weight)]]))
        continue
      }
      const { receipts } = await client.call('contribution_receipts', { subnet: v.subnet, round: v.round })
      const { declarations } = await client.call('datanet_declarations', { subnet: v.subnet, round: v.round })
      const data: Record<string, { contributor: string; weight: bigint }[]> = {}
      for (const d of declarations)
        data[d.trainer] = await Promise.all(
          d.records.map(async (r) => ({
            contributor: (await record(r.record)).contributor,
            weight: BigInt(r.count) * BigInt((await record(r.record)).quality),
          })),
        )
      const scored = v.trainers.map((t) => ({
        trainer: t.trainer,
        score: Dec.parse(receipts.find((r) => r.trainer === t.trainer)!.consensus_score).raw,
        weight: t.weight,
      }))
      const expected = expectedWeights(shares, BigInt(v.subnet), scored, v.aggregator, data)
      assert.deepEqual(new Map(v.credits.map((c) => [c.contributor, BigInt(c.weight)])), expected, `weights of ${name}`)
      weights.set(name, expected)
    }

    // 5. A user pays for the fine-tuned version; the split, computed here, is what the chain owes.
    const userAccount = contributorAccount({ trainers: TRAINERS, aggregators: AGGREGATORS }, TRAINERS + 2) // funded, used by nobody else
    const user = devnetAccount(userAccount)
    const fee = 50_000_000n
    const totalsBefore = await client.call('usage_totals')
    const userBefore = await ufdr(user.publicKey.address)
    await cli([
      'tx',
      'model',
      'use',
      devnetAccountName(userAccount),
      subnet,
      used.version,
      '--pay',
      `${fee}ufdr`,
      '--purpose',
      'e2e inference',
    ])
    assert.equal(await ufdr(user.publicKey.address), userBefore - fee - TX_FEE)
    const parents = (name: string) => versions.get(name)!.parents.map((p) => `${p.subnet}/${p.version}`)
    const split = expectedSplit(fee, `${subnet}/${used.version}`, parents, {
      parent: params.parent_share,
      validator: params.validator_share,
      depth: params.max_ancestry_depth,
    })
    const owed = new Map<string, bigint>()
    let dust = 0n
    for (const [name, pooled] of split.pooled) {
      const w = weights.get(name)!
      const total = [...w.values()].reduce((a, b) => a + b, 0n)
      let paid = 0n
      for (const [who, weight] of w) {
        const share = (pooled * weight) / total
        owed.set(who, (owed.get(who) ?? 0n) + share)
        paid += share
      }
      dust += pooled - paid
    }
    const totals = await client.call('usage_totals')
    assert.equal(BigInt(totals.received) - BigInt(totalsBefore.received), fee)
    assert.equal(
      BigInt(totals.to_validators) - BigInt(totalsBefore.to_validators),
      split.validators,
      "the validators' part, to the fee collector",
    )
    // Everyone the fee reaches: the trainers, the data contributors, the aggregator, both subnets' treasuries.
    const reached = [...trainers, ...contributors, devnetAccount(1 + TRAINERS).publicKey.address, 'treasury:0', `treasury:${subnet}`]
    for (const who of reached) assert.ok((owed.get(who) ?? 0n) > 0n, `${who} gets a share: ${[...owed]}`)
    for (const [who, amount] of owed) {
      const answer = await client.call('usage_owed', who.startsWith('treasury:') ? { treasury: who.slice(9) } : { address: who })
      assert.equal(BigInt(answer.total), amount, `owed to ${who}`)
    }

    // What a user reads in a terminal: the Datanet, a record proven against its version's root, the receipt, the shares.
    assert.match(await cli(['query', 'datanet', String(DATANET), '--records']), /rejected/)
    const firstRecord = declared.declarations[0]!.records[0]!.record
    assert.match(
      await cli(['query', 'record', String(DATANET), firstRecord, '--proof', String(DATANET_VERSION)]),
      /verified +yes: leaf \d+ of 3 under root/,
    )
    assert.match(await cli(['query', 'usage', String(BigInt(totals.receipts) - 1n)]), new RegExp(`fee +${fee}ufdr`))
    assert.match(await cli(['query', 'owed', trainers[0]!]), new RegExp(`total ${owed.get(trainers[0]!)}ufdr`))
    assert.match(await cli(['query', 'contributors', subnet, used.version]), new RegExp(contributors[0]!))

    // 6. Withdrawn to the unit; what stays in the module is the floor divisions' dust.
    for (const [who, amount] of owed) {
      if (who.startsWith('treasury:')) continue
      const name =
        who === devnetAccount(1 + TRAINERS).publicKey.address
          ? devnetAccountName(1 + TRAINERS)
          : trainers.includes(who)
            ? devnetAccountName(1 + trainers.indexOf(who))
            : devnetAccountName(contributorAccount({ trainers: TRAINERS, aggregators: AGGREGATORS }, contributors.indexOf(who)))
      const before = await ufdr(who)
      await cli(['tx', 'model', 'withdraw', name])
      assert.equal(await ufdr(who), before + amount - TX_FEE, `${name} withdrew its share`)
    }
    for (const s of ['0', subnet]) {
      const before = await ufdr(admin.publicKey.address)
      await cli(['tx', 'model', 'withdraw-treasury', devnetAccountName(0), s])
      assert.equal(await ufdr(admin.publicKey.address), before + owed.get(`treasury:${s}`)! - TX_FEE, `treasury ${s}, to its admin`)
    }
    assert.equal(BigInt((await client.call('usage_totals')).held), BigInt(totals.held) - [...owed.values()].reduce((a, b) => a + b, 0n))
    assert.ok(dust <= BigInt([...weights.values()].reduce((n, w) => n + w.size, 0)), 'dust: under one unit per credit')
  })
})

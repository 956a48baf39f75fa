import assert from 'node:assert/strict'
import { LineageBooks } from '../../../../src/modules/lineage/books.js'
import {
  LINEAGE_ACCOUNT,
  MsgUseModel,
  MsgWithdrawAttribution,
  lineageInvariants,
  lineageModule,
} from '../../../../src/modules/lineage/index.js'
import { moduleAddress } from '../../../../src/modules/index.js'
import { CacheStore, Context, GasMeter, type MessageHandler, StateError, outsideBlock } from '../../../../src/state/index.js'
import { CHAIN_ID } from '../../../helpers/chain.js'
import { tempDirs } from '../../../support/chain.js'
import { expectedSplit } from './expected.js'
import { FakeDatanets, fakeDatanetsModule } from './fake-datanets.js'
import { LINEAGE_COMPOSITION, TrainingChain, addr, lineageGenesisJson, who, type Tx } from './harness.js'

/** mulberry32: a small seeded generator, so every run draws the same DAGs and fees. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ACCOUNTS = [0, 1, 2, 3, 4, 5, 6, 7]
const BIG_GAS = 5_000_000n

interface DagVersion {
  name: string
  parents: string[]
  credits: Map<string, bigint>
  pending: boolean
}

/**
 * A random lineage DAG of `n` versions over subnets 0..3 (version numbers per subnet), each
 * with 0–3 parents among the earlier versions (merges included: only a genesis can plant them
 * today), a tenth of them pending, the rest credited with random weights to random accounts and
 * to its subnet's treasury; as lineage's genesis JSON.
 */
function randomDag(random: () => number, n: number): { versions: DagVersion[]; json: Record<string, unknown>[] } {
  const versions: DagVersion[] = []
  const json: Record<string, unknown>[] = []
  const next = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const subnet = Math.floor(random() * 4)
    const version = next.get(subnet) ?? 0
    next.set(subnet, version + 1)
    const name = `${subnet}/${version}`
    const parents = new Set<string>()
    const wanted = i === 0 ? 0 : Math.floor(random() * 4)
    for (let k = 0; k < wanted; k++) parents.add(versions[Math.floor(random() * versions.length)]!.name)
    const pending = i > 0 && random() < 0.1
    const credits = new Map<string, bigint>()
    if (!pending) {
      for (const a of ACCOUNTS) if (random() < 0.4) credits.set(who(a), BigInt(1 + Math.floor(random() * 1_000_000_000)))
      credits.set(`treasury:${subnet}`, BigInt(1 + Math.floor(random() * 1_000_000)))
    }
    const v = { name, parents: [...parents], credits, pending }
    versions.push(v)
    const total = [...credits.values()].reduce((a, b) => a + b, 0n)
    json.push({
      subnet: String(subnet),
      version: String(version),
      kind: 'full',
      parents: v.parents.map((p) => ({ subnet: p.split('/')[0], version: p.split('/')[1] })),
      round: null,
      global_cid: `cid-${name}`,
      aggregate_cid: null,
      datanet_versions: [],
      training: { rule: 'fedavg', dtype: 'int16', scale: 16384, max_abs: 32767, sample_cap: 600 },
      aggregator: null,
      trainers: [],
      status: pending ? 'pending' : 'attributed',
      total_weight: String(total),
      recorded_height: '0',
      attributed_height: pending ? null : '0',
      credits: [...credits.entries()].map(([contributor, w]) => ({ contributor, trainer: String(w), paid: '0' })),
    })
  }
  return { versions, json }
}

const openChain = (dir: string, lineage: Record<string, unknown>, module = lineageModule) =>
  TrainingChain.open(dir, {
    genesis: lineageGenesisJson(lineage),
    extra: [module, fakeDatanetsModule(new FakeDatanets())],
    composition: LINEAGE_COMPOSITION,
  })

const withdrawnBy = (blocks: { type: string; attributes: [string, string][] }[][]): Map<string, bigint> => {
  const out = new Map<string, bigint>()
  for (const events of blocks)
    for (const e of events) {
      if (e.type !== 'attribution_withdrawn') continue
      const a = Object.fromEntries(e.attributes)
      out.set(a.contributor!, (out.get(a.contributor!) ?? 0n) + BigInt(a.amount!))
    }
  return out
}

describe('lineage property: random DAGs and fee sequences conserve supply and pay every contributor its floor share', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 40 versions with merges, 20 blocks of uses and withdrawals; supply and invariants after every block; then the genesis round trip`, async function () {
      this.timeout(300_000)
      const random = rng(seed)
      const depth = 1 + Math.floor(random() * 6)
      const params = { parent_share: ['0.2', '0.5', '0.33', '0.07'][seed % 4]!, max_ancestry_depth: depth, min_use_fee: '1000' }
      const dag = randomDag(random, 40)
      const chain = await openChain(dirs.next(), { params, versions: dag.json })
      const supply = chain.supply()
      const byName = new Map(dag.versions.map((v) => [v.name, v]))
      const pooled = new Map<string, bigint>()
      const events: { type: string; attributes: [string, string][] }[][] = []
      const run = async (txs: Tx[]) => {
        const executed = await chain.block(...txs)
        assert.equal(chain.supply(), supply, `supply at height ${chain.height}`)
        events.push(executed.txResults.flatMap((r) => r.events as never))
        return executed
      }
      for (let b = 0; b < 20; b++) {
        const uses: { name: string; fee: bigint }[] = []
        const txs: Tx[] = []
        const users = [...ACCOUNTS].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3))
        for (const user of users) {
          const v = dag.versions[Math.floor(random() * dag.versions.length)]!
          const fee = 1000n + BigInt(Math.floor(random() * 10_000_000))
          uses.push({ name: v.name, fee })
          const [subnet, version] = v.name.split('/').map(BigInt)
          txs.push([
            user,
            MsgUseModel,
            { subnet: subnet!, version: version!, fee: { denom: 'ufdr', amount: fee }, purpose: `seed ${seed}` },
            BIG_GAS,
          ])
        }
        const withdrawer = ACCOUNTS.filter((a) => !users.includes(a))[Math.floor(random() * (ACCOUNTS.length - users.length))]!
        if (random() < 0.5) txs.push([withdrawer, MsgWithdrawAttribution, {}, BIG_GAS])
        const executed = await run(txs)
        uses.forEach((u, i) => {
          assert.equal(executed.txResults[i]!.code, 0, executed.txResults[i]!.log)
          const split = expectedSplit(u.fee, u.name, (v) => byName.get(v)!.parents, {
            parent: params.parent_share,
            validator: '0.1',
            depth,
          })
          for (const [v, p] of split.pooled) pooled.set(v, (pooled.get(v) ?? 0n) + p)
        })
      }
      await run(ACCOUNTS.map((a): Tx => [a, MsgWithdrawAttribution, {}, BIG_GAS]))
      const expected = new Map<string, bigint>()
      for (const v of dag.versions) {
        if (v.pending) continue
        const W = [...v.credits.values()].reduce((a, b) => a + b, 0n)
        const F = pooled.get(v.name) ?? 0n
        for (const [c, w] of v.credits) expected.set(c, (expected.get(c) ?? 0n) + (F * w) / W)
      }
      const got = withdrawnBy(events)
      for (const a of ACCOUNTS) assert.equal(got.get(who(a)) ?? 0n, expected.get(who(a)) ?? 0n, `account ${a}`)
      for (const [name, F] of pooled) {
        const [subnet, version] = name.split('/')
        assert.equal((chain.app.query('lineage', 'pool', { subnet, version }) as { accrued: string }).accrued, String(F), `pool ${name}`)
      }

      const exported = chain.app.exportAppState()
      const fresh = await TrainingChain.open(dirs.next(), {
        genesis: { ...lineageGenesisJson(), initial_height: chain.height + 1, app_state: exported },
        extra: [lineageModule, fakeDatanetsModule(new FakeDatanets())],
        composition: LINEAGE_COMPOSITION,
      })
      fresh.app.assertInvariants()
      assert.deepEqual(fresh.app.exportAppState().lineage, exported.lineage)
      await fresh.close()
      await chain.close()
    })
  }
})

describe('lineage invariants catch planted corruptions', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  const VERSIONS = [
    {
      subnet: '0',
      version: '0',
      kind: 'full',
      parents: [],
      global_cid: 'a',
      training: {},
      status: 'attributed',
      total_weight: '10',
      recorded_height: '0',
      attributed_height: '0',
      credits: [
        { contributor: who(2), trainer: '7' },
        { contributor: 'treasury:0', treasury: '3' },
      ],
    },
    {
      subnet: '0',
      version: '1',
      kind: 'full',
      parents: [{ subnet: '0', version: '0' }],
      global_cid: 'b',
      training: {},
      status: 'pending',
      total_weight: '0',
      recorded_height: '0',
      attributed_height: null,
    },
  ]

  async function usedChain(): Promise<TrainingChain> {
    const chain = await openChain(dirs.next(), { versions: VERSIONS })
    await chain.block([0, MsgUseModel, { subnet: 0n, version: 1n, fee: { denom: 'ufdr', amount: 100_001n }, purpose: '' }])
    await chain.block([2, MsgWithdrawAttribution, {}])
    return chain
  }

  /** Runs `corrupt` on a cache over the committed state, then lineage's invariant `name` on it. */
  function check(chain: TrainingChain, name: keyof typeof lineageInvariants, corrupt: (books: LineageBooks) => void): string | null {
    const ctx = new Context(
      outsideBlock(CHAIN_ID, chain.height),
      new CacheStore(chain.app.db),
      new GasMeter(2n ** 64n),
      chain.app.registry,
      [],
      'lineage',
    )
    corrupt(new LineageBooks(ctx.moduleStore()))
    return lineageInvariants[name](ctx)
  }

  it('holds on the real books (the control)', async () => {
    const chain = await usedChain()
    for (const name of Object.keys(lineageInvariants) as (keyof typeof lineageInvariants)[])
      assert.equal(
        check(chain, name, () => {}),
        null,
        name,
      )
    await chain.close()
  })

  it('sees a pool grown without coins (account), a contributor paid past its floor (pools), a pending version with a credit (records), a receipt that does not balance (receipts)', async () => {
    const chain = await usedChain()
    const v0 = { subnet: 0n, version: 0n }
    const v1 = { subnet: 0n, version: 1n }
    assert.match(
      check(chain, 'account', (b) => b.setPool(v0, { ...b.pool(v0), accrued: b.pool(v0).accrued + 1n })) ?? '',
      /lineage account holds/,
    )
    assert.match(
      check(chain, 'pools', (b) => {
        const c = b.credit(v0, { kind: 'account', address: addr(2) })!
        b.setCredit(v0, { kind: 'account', address: addr(2) }, { ...c, paid: c.paid + 1n })
      }) ?? '',
      /past its floor/,
    )
    assert.match(
      check(chain, 'records', (b) =>
        b.setCredit(v1, { kind: 'account', address: addr(3) }, { trainer: 1n, data: 0n, aggregator: 0n, treasury: 0n, paid: 0n }),
      ) ?? '',
      /pending, yet weighted/,
    )
    assert.match(
      check(chain, 'receipts', (b) => b.setReceipt({ ...b.receipt(0n)!, pooled: b.receipt(0n)!.pooled + 1n })) ?? '',
      /receipt 0/,
    )
    await chain.close()
  })

  it("stops the chain in the block of a planted bug: a use handler that pools the validators' part twice", async () => {
    const honest = lineageModule.messages.find((h) => h.type === MsgUseModel)!
    const buggy: MessageHandler = {
      ...honest,
      handle(ctx, m, signer) {
        honest.handle(ctx, m, signer)
        const books = new LineageBooks(ctx.moduleStore())
        const v = { subnet: m.subnet, version: m.version }
        books.setPool(v, { ...books.pool(v), accrued: books.pool(v).accrued + 1n })
      },
    }
    const chain = await openChain(
      dirs.next(),
      { versions: VERSIONS },
      { ...lineageModule, messages: lineageModule.messages.map((h) => (h === honest ? buggy : h)) },
    )
    await assert.rejects(
      chain.block([0, MsgUseModel, { subnet: 0n, version: 0n, fee: { denom: 'ufdr', amount: 5000n }, purpose: '' }]),
      (e: unknown) => e instanceof StateError && e.code === 'INVARIANT_BROKEN' && /lineage\/account/.test(e.message),
    )
    await chain.close()
  })

  it('keeps the lineage account at exactly the unpaid pools and the dust', async () => {
    const chain = await usedChain()
    const held = BigInt(
      (chain.app.query('bank', 'balance', { address: who(moduleAddress(LINEAGE_ACCOUNT)), denom: 'ufdr' }) as { amount: string }).amount,
    )
    const pools = ['0', '1'].map((v) => chain.app.query('lineage', 'pool', { subnet: '0', version: v }) as { held: string })
    assert.equal(
      held,
      pools.reduce((a, p) => a + BigInt(p.held), 0n),
    )
    await chain.close()
  })
})

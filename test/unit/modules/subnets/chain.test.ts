import assert from 'node:assert/strict'
import { encode, type StructType } from '../../../../src/codec/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import {
  MsgCreateSubnet,
  MsgJoinSubnet,
  MsgLeaveSubnet,
  MsgUpdateAllowList,
  MsgUpdateSubnetParams,
  SUBNETS_ERRORS,
  subnetsInvariants,
} from '../../../../src/modules/subnets/index.js'
import { SubnetBooks } from '../../../../src/modules/subnets/books.js'
import {
  Application,
  CacheStore,
  Context,
  type ExecutedBlock,
  GasMeter,
  StateDB,
  StateError,
  outsideBlock,
  parseGenesis,
} from '../../../../src/state/index.js'
import { commitTxs, signedTx, tempDirs, testRegistry } from '../../../support/chain.js'
import { DEPOSIT, UNBONDING, addr, coin, createMsg, openSubnetsApp, subnetParams, subnetsGenesisJson } from './harness.js'

const subtree = (db: StateDB, prefix: string) =>
  [...db.iterate(Buffer.from(prefix))].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`)
const supply = (app: Application) =>
  BigInt((app.query('bank', 'supply') as { supply: { denom: string; amount: string }[] }).supply.find((c) => c.denom === 'ufdr')!.amount)
const balance = (app: Application, i: number) =>
  BigInt((app.query('bank', 'balance', { address: encodeAddr(i), denom: 'ufdr' }) as { amount: string }).amount)
const encodeAddr = (i: number) => encodeAddress(addr(i))

/** Signs and commits one block of messages (one tx per [from, type, message]), tracking nonces; every invariant is checked after it. */
function chainDriver(app: Application) {
  const nonces = new Map<number, bigint>()
  return async (...txs: [number, StructType<any>, unknown][]): Promise<ExecutedBlock> =>
    commitTxs(
      app,
      txs.map(([from, type, message]) => {
        const nonce = nonces.get(from) ?? 0n
        nonces.set(from, nonce + 1n)
        return signedTx(from, nonce, [encode(type, message as never)])
      }),
    )
}

describe('subnets on a chain: transactions, unbonding, genesis round trip, invariants', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("runs a subnet's life as transactions, every invariant holding after every block", async () => {
    const app = await openSubnetsApp(dirs.next())
    const block = chainDriver(app)
    const start = supply(app)
    const before3 = balance(app, 3)
    await block([1, MsgCreateSubnet, createMsg({ params: subnetParams({ membership: 'allow-list' }) })])
    await block([1, MsgUpdateAllowList, { subnet: 0n, add: [addr(3), addr(4)], remove: [] }])
    const joined = await block(
      [3, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(2000n) }],
      [4, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(5000n) }],
      [5, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(2000n) }],
    )
    assert.deepEqual(
      joined.txResults.map((r) => r.code),
      [0, 0, SUBNETS_ERRORS.NOT_ALLOWED],
    )
    assert.equal(joined.txResults[2]!.codespace, 'subnets')
    const denied = await block(
      [2, MsgUpdateSubnetParams, { subnet: 0n, params: subnetParams() }],
      [3, MsgLeaveSubnet, { subnet: 0n, role: 'aggregator' }],
    )
    assert.deepEqual(
      denied.txResults.map((r) => [r.codespace, r.code]),
      [
        ['subnets', SUBNETS_ERRORS.NOT_ADMIN],
        ['subnets', SUBNETS_ERRORS.NOT_MEMBER],
      ],
    )
    await block([3, MsgLeaveSubnet, { subnet: 0n, role: 'trainer' }])
    const fee = 200n
    assert.equal(balance(app, 3), before3 - 2000n - 3n * fee, 'bond unbonding')
    // 1 s blocks: the entry matures unbonding_time after the leave.
    for (let i = 0n; i < UNBONDING / 1000n; i++) await block()
    assert.equal(balance(app, 3), before3 - 3n * fee, 'bond returned')
    assert.equal(supply(app), start, 'join, leave and unbonding leave the supply unchanged')
    assert.equal((app.query('subnets', 'subnet', { id: '0' }) as { trainers: number; aggregators: number }).trainers, 0)
    await app.db.close()
  })

  it('exports and re-imports its state unchanged (subnets, pending params, members, allow-lists, barred marks)', async () => {
    const app = await openSubnetsApp(dirs.next())
    const block = chainDriver(app)
    await block(
      [1, MsgCreateSubnet, createMsg({ allowList: [addr(6)] })],
      [2, MsgCreateSubnet, createMsg({ name: 'two', params: subnetParams({ sharing: { mode: 'subnets', subnets: [0n] } }) })],
    )
    await block(
      [1, MsgUpdateSubnetParams, { subnet: 0n, params: subnetParams({ sampleCap: 9 }) }],
      [3, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(3000n) }],
      [4, MsgJoinSubnet, { subnet: 1n, role: 'aggregator', bond: coin(7000n) }],
    )
    await block(
      [3, MsgLeaveSubnet, { subnet: 0n, role: 'trainer' }],
      [5, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(5000n) }],
    )
    const exported = app.exportAppState()
    const section = exported.subnets as { next_subnet_id: string; subnets: { members: unknown[]; pending_params: unknown }[] }
    assert.equal(section.next_subnet_id, '2')
    assert.equal(section.subnets[0]!.members.length, 1)
    assert.notEqual(section.subnets[0]!.pending_params, null)
    const registry = testRegistry()
    // Training's rounds are heights of the exported chain; re-imported at height 0 they would lie in the future (its own round trip is in test/unit/modules/training).
    const { training: _rounds, ...appState } = exported
    const fresh = new Application(
      await StateDB.open(dirs.next()),
      registry,
      parseGenesis({ ...subnetsGenesisJson(), app_state: appState }, registry),
    )
    await fresh.initChain()
    for (const prefix of ['subnets/', 'bank/']) assert.deepEqual(subtree(fresh.db, prefix), subtree(app.db, prefix), prefix)
    fresh.assertInvariants()
    assert.deepEqual(fresh.exportAppState().subnets, exported.subnets)
    await fresh.db.close()
    await app.db.close()
  })

  it('refuses a genesis whose member bonds or deposits do not match staking and bank, or whose values fail the message checks', async () => {
    const app = await openSubnetsApp(dirs.next())
    const block = chainDriver(app)
    await block([1, MsgCreateSubnet, createMsg()])
    await block([3, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(3000n) }])
    const registry = testRegistry()
    const init = async (mutate: (s: { subnets: Record<string, unknown>[]; next_subnet_id: string }) => void) => {
      const exported = structuredClone(app.exportAppState())
      mutate(exported.subnets as never)
      // Training's rounds are heights of the exported chain; re-imported at height 0 they would lie in the future (its own round trip is in test/unit/modules/training).
      const { training: _rounds, ...appState } = exported
      const fresh = new Application(
        await StateDB.open(dirs.next()),
        registry,
        parseGenesis({ ...subnetsGenesisJson(), app_state: appState }, registry),
      )
      try {
        await fresh.initChain()
      } finally {
        await fresh.db.close()
      }
    }
    const invalid = (pattern: RegExp) => (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID' && pattern.test(e.message)
    await assert.rejects(
      init((s) => ((s.subnets[0]!.members as { bond: string }[])[0]!.bond = '2999')),
      invalid(/members\[0\]\.bond/),
    )
    await assert.rejects(
      init((s) => (s.subnets[0]!.deposit = String(DEPOSIT + 1n))),
      invalid(/deposits sum/),
    )
    await assert.rejects(
      init((s) => ((s.subnets[0]!.params as { aggregation_rule: string }).aggregation_rule = 'nope')),
      invalid(/subnets\[0\]\.params/),
    )
    await assert.rejects(
      init((s) => (s.subnets[0]!.model_spec = '{"layers":[],"inputShape":[1]}')),
      invalid(/model_spec/),
    )
    await assert.rejects(
      init((s) => (s.next_subnet_id = '0')),
      invalid(/next_subnet_id/),
    )
    await assert.rejects(
      init((s) => (s.subnets[0]!.extra = 1)),
      invalid(/no such subnet field/),
    )
    await app.db.close()
  })

  it('catches a corrupted member record, a miscounted subnet and a stray deposit with its invariants', async () => {
    const app = await openSubnetsApp(dirs.next())
    const block = chainDriver(app)
    await block([1, MsgCreateSubnet, createMsg()])
    await block([3, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(3000n) }])
    const context = (store: CacheStore) =>
      new Context(outsideBlock('fedra-test-1', app.height), store, new GasMeter(2n ** 64n), app.registry)
    const broken = (store: CacheStore) =>
      Object.entries(subnetsInvariants)
        .filter(([, check]) => check(context(store).forModule('subnets')) !== null)
        .map(([name]) => name)
    /** A copy of the committed state with one record planted by `plant`. */
    const planted = (plant: (books: SubnetBooks) => void): CacheStore => {
      const store = new CacheStore(app.db)
      plant(new SubnetBooks(context(store).moduleStore('subnets')))
      return store
    }
    assert.deepEqual(broken(new CacheStore(app.db)), [])
    assert.deepEqual(broken(planted((b) => b.setMember(0n, 'trainer', addr(3), { bond: 3001n, joinedHeight: 2n }))), ['bonds'])
    assert.deepEqual(broken(planted((b) => b.setSubnet({ ...b.subnet(0n)!, trainers: 2 }))), ['members'])
    assert.deepEqual(broken(planted((b) => b.setSubnet({ ...b.subnet(0n)!, deposit: DEPOSIT - 1n }))), ['deposits'])
    assert.deepEqual(broken(planted((b) => b.setAllowed(4n, addr(2), true))), ['members'])
    await app.db.close()
  })
})

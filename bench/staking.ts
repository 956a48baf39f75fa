/**
 * Staking end-block cost against the number of delegators: 10 validators, N delegators each
 * delegating to one of them, and 5 unbondings maturing in every measured block (their
 * undelegations lowering powers) and one delegation before each (so the set changes every block). End-block reads only the due prefix
 * of the time queues, the power index and the last set, never the delegations, so its cost
 * must stay flat in N. Each block's end-block is timed alone (the commit after it is not);
 * the median of 40 blocks is printed with its ratio to the 100-delegator case, next to a raw
 * baseline measured in the same run: 1,000 reads through a CacheStore over the same StateDB.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrivateKey, encodeAddress, sha256 } from '../src/crypto/index.js'
import { defaultModules } from '../src/modules/index.js'
import { testRegistry } from '../test/support/chain.js'
import { STAKING_MODULE_ACCOUNTS, StakingKeeper, stakingModule } from '../src/modules/staking/index.js'
import { Application, CacheStore, Context, GasMeter, StateDB, outsideBlock, parseGenesis, utf8 } from '../src/state/index.js'

const SIZES = [100, 1_000, 10_000]
const VALIDATORS = 10
const BLOCKS = 40
const MATURING_PER_BLOCK = 5
const UNBONDING_TIME = 1_000_000n
const T0 = 1_800_000_000_000n
const dirs: string[] = []
const address = (tag: string, i: number) => sha256(utf8(`${tag}/${i}`)).slice(0, 20)

async function setup(delegators: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fedra-bench-staking-'))
  dirs.push(dir)
  const registry = testRegistry(defaultModules().some((m) => m.name === 'staking') ? [] : [stakingModule], {
    moduleAccounts: STAKING_MODULE_ACCOUNTS,
  })
  const balances = [
    ...Array.from({ length: VALIDATORS }, (_, i) => address('val', i)),
    ...Array.from({ length: delegators }, (_, i) => address('del', i)),
  ].map((a) => ({ address: encodeAddress(a), coins: [{ denom: 'ufdr', amount: '1000000000000' }] }))
  const genesis = {
    chain_id: 'fedra-bench-1',
    genesis_time: new Date(Number(T0)).toISOString().replace(/\.\d+Z$/, 'Z'),
    app_state: {
      bank: { params: { fee_denom: 'ufdr' }, balances },
      staking: {
        params: { unbonding_time: String(UNBONDING_TIME) },
        gen_validators: Array.from({ length: VALIDATORS }, (_, i) => ({
          operator: encodeAddress(address('val', i)),
          pub_key: PrivateKey.fromSeed(sha256(utf8(`key/${i}`))).publicKey.hex,
          moniker: `v${i}`,
          self_bond: String(100_000_000n + BigInt(i) * 7_000_000n),
        })),
      },
    },
  }
  const app = new Application(await StateDB.open(dir), registry, parseGenesis(genesis, registry))
  await app.initChain()
  const context = (store: CacheStore, height: number, time: bigint) =>
    new Context({ ...outsideBlock('fedra-bench-1', height), time }, store, new GasMeter(2n ** 64n), registry, [], 'staking')
  // Delegations, committed in batches of 2,000.
  let height = 1
  for (let start = 0; start < delegators; start += 2_000) {
    const store = new CacheStore(app.db)
    const keeper = new StakingKeeper(context(store, height, T0), 'staking')
    for (let i = start; i < Math.min(delegators, start + 2_000); i++)
      keeper.delegate(address('del', i), address('val', i % VALIDATORS), { denom: 'ufdr', amount: 5_000_000n + BigInt(i) })
    await app.db.commit(app.db.height + 1, app.db.prepare(store.writes))
    height++
  }
  // Undelegations timed so that MATURING_PER_BLOCK of them mature in each measured block.
  const store = new CacheStore(app.db)
  for (let block = 0; block < BLOCKS + 1; block++) {
    const keeper = new StakingKeeper(context(store, height, T0 + BigInt(block) * 1000n), 'staking')
    for (let j = 0; j < MATURING_PER_BLOCK; j++) {
      const i = (block * MATURING_PER_BLOCK + j) % delegators
      keeper.undelegate(address('del', i), address('val', i % VALIDATORS), { denom: 'ufdr', amount: 1_000_000n })
    }
  }
  await app.db.commit(app.db.height + 1, app.db.prepare(store.writes))
  return { app, context, height: height + 1 }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const results: { delegators: number; ms: number; baselineMs: number; updates: number; matured: number }[] = []
for (const delegators of SIZES) {
  const { app, context, height } = await setup(delegators)
  const times: number[] = []
  const baseline: number[] = []
  let updates = 0
  let matured = 0
  const keys = [...app.db.iterate(utf8('staking/'))].slice(0, 1_000).map(([k]) => k)
  for (let block = 1; block <= BLOCKS; block++) {
    const time = T0 + UNBONDING_TIME + BigInt(block) * 1000n
    const store = new CacheStore(app.db)
    // One delegation per block (untimed), so every end-block also changes one validator's power.
    new StakingKeeper(context(store, height + block, time), 'staking').delegate(address('del', block), address('val', block % VALIDATORS), {
      denom: 'ufdr',
      amount: 1_000_000n,
    })
    const ctx = context(store, height + block, time)
    const start = process.hrtime.bigint()
    const returned = stakingModule.endBlock!(ctx) ?? []
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    updates += returned.length
    matured += ctx.events.filter((e) => e.type === 'complete_unbonding').length
    const raw = new CacheStore(app.db)
    const rawStart = process.hrtime.bigint()
    for (const key of keys) raw.get(key)
    baseline.push(Number(process.hrtime.bigint() - rawStart) / 1e6)
    await app.db.commit(app.db.height + 1, app.db.prepare(store.writes))
  }
  results.push({ delegators, ms: median(times), baselineMs: median(baseline), updates, matured })
  await app.db.close()
}

console.log(`staking end-block, ${VALIDATORS} validators, ${MATURING_PER_BLOCK} unbondings maturing per block, median of ${BLOCKS} blocks`)
const base = results[0]!
for (const r of results) {
  console.log(
    `${String(r.delegators).padStart(6)} delegators: ${r.ms.toFixed(3).padStart(8)} ms/end-block  ratio ${(r.ms / base.ms).toFixed(2)}× the 100-delegator case` +
      `  (raw baseline: 1,000 CacheStore reads ${r.baselineMs.toFixed(3)} ms; end-block = ${(r.ms / r.baselineMs).toFixed(2)}× it; ${r.matured} unbondings completed, ${r.updates} validator updates)`,
  )
}
const worst = Math.max(...results.map((r) => r.ms / base.ms))
console.log(`target: end-block cost flat in delegators (≤ 2× the 100-delegator case) → worst ${worst.toFixed(2)}×`)
for (const dir of dirs) rmSync(dir, { recursive: true, force: true })

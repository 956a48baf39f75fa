import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { BONDS_POOL, BONDED_POOL, NOT_BONDED_POOL } from '../../../../src/modules/staking/index.js'
import * as K from '../../../../src/modules/staking/keys.js'
import { DelegationRecord, UnbondingRecord, ValidatorRecord } from '../../../../src/modules/staking/records.js'
import { Dec, ModuleError, moduleAddress } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { Harness, MILLION, addr, coin, consAddr } from './harness.js'

/** xorshift64* on bigint: the same sequence everywhere, no Math.random. */
function prng(seed: number) {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n
  const mask = 2n ** 64n - 1n
  const next = (): bigint => {
    s ^= s >> 12n
    s ^= (s << 25n) & mask
    s ^= s >> 27n
    return (s * 0x2545f4914f6cdd1dn) & mask
  }
  return {
    int: (n: number): number => Number(next() % BigInt(n)),
    big: (n: bigint): bigint => (n <= 0n ? 0n : next() % n),
  }
}

const ACCOUNTS = 8
const INITIAL = 1_000_000_000_000n
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** What an account holds in staking, valued at today's rates (truncated). */
function holdings(h: Harness, i: number): bigint {
  const k = h.keeper
  let total = h.balance(addr(i))
  for (const d of k.delegationsOf(addr(i))) {
    const v = k.getValidator(d.validator)!
    total += d.shares.mulInt(v.tokens).quo(v.delegatorShares).truncate()
  }
  for (const u of k.unbondingsOf(addr(i))) for (const e of u.entries) total += e.balance
  return total
}

async function run(seed: number, blocks: number): Promise<{ ops: number; failed: number; slashed: bigint; tally: Map<string, number> }> {
  const dirs = tempDirs()
  const h = await Harness.open(dirs.next(), { params: { max_validators: 4, unbonding_time: '20000', max_entries: 4 } }, ACCOUNTS)
  const r = prng(seed)
  const initialSupply = h.supply()
  let burned = 0n
  let ops = 0
  let failed = 0
  const consensus = new Map<string, bigint>()
  const bonds = new Map<number, bigint>()
  const tally = new Map<string, number>()
  let current = ''
  const attempt = (fn: () => unknown) => {
    ops++
    try {
      fn()
      tally.set(`${current} ok`, (tally.get(`${current} ok`) ?? 0) + 1)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      failed++
      tally.set(`${current} ${error.code}`, (tally.get(`${current} ${error.code}`) ?? 0) + 1)
    }
  }
  for (let block = 0; block < blocks; block++) {
    const count = 1 + r.int(6)
    for (let n = 0; n < count; n++) {
      const validators = [...h.keeper.allValidators()]
      const pick = () => validators[r.int(validators.length)]!
      const who = r.int(ACCOUNTS)
      const op = r.int(validators.length === 0 ? 1 : 11)
      current = ['create', 'delegate', 'delegate', 'undelegate', 'redelegate', 'cancel', 'slash', 'jail', 'unjail', 'bond', 'slashBond'][
        op
      ]!
      if (op === 0) attempt(() => h.createValidator(who, 1n + r.big(8n * MILLION), { min: 1n + r.big(1000n) }))
      else if (op === 1 || op === 2) attempt(() => h.tx((k) => k.delegate(addr(who), pick().operator, coin(1n + r.big(5n * MILLION)))))
      else if (op === 3) {
        const ds = h.keeper.delegationsOf(addr(who))
        if (ds.length === 0) continue
        const d = ds[r.int(ds.length)]!
        const v = h.keeper.getValidator(d.validator)!
        const worth = d.shares.mulInt(v.tokens).quo(v.delegatorShares).truncate()
        attempt(() => h.tx((k) => k.undelegate(addr(who), d.validator, coin(1n + r.big(worth + 10n)))))
      } else if (op === 4) {
        const ds = h.keeper.delegationsOf(addr(who))
        if (ds.length === 0) continue
        const d = ds[r.int(ds.length)]!
        const v = h.keeper.getValidator(d.validator)!
        const worth = d.shares.mulInt(v.tokens).quo(v.delegatorShares).truncate()
        attempt(() => h.tx((k) => k.redelegate(addr(who), d.validator, pick().operator, coin(1n + r.big(worth + 10n)))))
      } else if (op === 5) {
        const us = [...h.keeper.unbondingsOf(addr(who))]
        if (us.length === 0) continue
        const u = us[r.int(us.length)]!
        const e = u.entries[r.int(u.entries.length)]!
        attempt(() => h.tx((k) => k.cancelUnbonding(addr(who), u.validator, e.creationHeight, coin(1n + r.big(e.balance + 5n)))))
      } else if (op === 6) {
        const v = pick()
        const power = v.tokens / MILLION
        const infraction = Math.max(1, h.height - r.int(12))
        const fraction = Dec.fromRaw(r.big(5n * 10n ** 17n))
        attempt(() => {
          burned += h.tx((k) => k.slash(consAddr(Number(v.moniker.slice(3))), infraction, power, fraction))
        })
      } else if (op === 7) attempt(() => h.tx((k) => k.jail(consAddr(Number(pick().moniker.slice(3))))))
      else if (op === 8) attempt(() => h.tx((k) => k.unjail(consAddr(Number(pick().moniker.slice(3))))))
      else if (op === 9) {
        const amount = 1n + r.big(MILLION)
        attempt(() => {
          h.tx(() => h.keeperFor('subnets').bond(addr(who), 'role', amount))
          bonds.set(who, (bonds.get(who) ?? 0n) + amount)
        })
        if (r.int(2) === 0) attempt(() => h.tx(() => h.keeperFor('subnets').beginUnbond(addr(who), 'role', 1n + r.big(amount))))
      } else {
        attempt(() => {
          burned += h.tx(() =>
            h.keeperFor('subnets').slashBond(addr(who), 'role', Dec.fromRaw(r.big(3n * 10n ** 17n)), Math.max(1, h.height - r.int(5))),
          )
        })
      }
    }
    const updates = h.endBlock(1000n + BigInt(r.int(3)) * 1000n)
    for (const u of updates) {
      if (u.power === 0n) assert.ok(consensus.delete(hex(u.publicKey)), 'power 0 removes a validator the set has')
      else consensus.set(hex(u.publicKey), u.power)
    }
    // Every invariant of every module (bank's supply among them) after every block.
    h.assertInvariants()
    // Consensus, applying only the updates, holds exactly the stored set, at most max_validators, each at tokens / power_reduction.
    const last = h.keeper.lastPowers()
    assert.ok(consensus.size <= 4)
    assert.equal(consensus.size, last.size)
    for (const { operator, power } of last.values()) {
      const v = h.keeper.getValidator(operator)!
      assert.equal(consensus.get(hex(v.consensusPubKey)), power)
      assert.equal(power, v.tokens / MILLION)
      assert.equal(v.jailed, false)
    }
    // The supply moves only by the burns slash and slashBond reported.
    assert.equal(h.supply(), initialSupply - burned, `supply at block ${block}`)
    // Nobody ever holds more than they started with, everything they have in staking counted.
    for (let i = 0; i < ACCOUNTS; i++) {
      let held = holdings(h, i)
      const bond = h.keeperFor('subnets')
      held += bond.bondedAmount(addr(i), 'role') + bond.unbondingAmount(addr(i), 'role')
      assert.ok(held <= INITIAL, `account ${i} holds ${held} > ${INITIAL} at block ${block}`)
    }
    if (block % 25 === 24) await h.commit()
  }
  const pools = [BONDED_POOL, NOT_BONDED_POOL, BONDS_POOL].map((p) => h.balance(moduleAddress(p)))
  assert.ok(pools.every((p) => p >= 0n))
  await h.close()
  dirs.removeAll()
  return { ops, failed, slashed: burned, tally }
}

describe('staking property: random sequences keep every invariant', function () {
  this.timeout(120_000)
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 150 blocks of create/delegate/undelegate/redelegate/cancel/slash/jail/unjail/bonds`, async () => {
      const { ops, failed, slashed, tally } = await run(seed, 150)
      if (process.env.STAKING_TALLY)
        console.log(
          [...tally]
            .sort()
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        )
      for (const kind of ['create', 'delegate', 'undelegate', 'redelegate', 'cancel', 'slash', 'jail', 'unjail', 'bond'])
        assert.ok((tally.get(`${kind} ok`) ?? 0) > 0, `some ${kind} succeeded`)
      assert.ok(ops > 300, `${ops} operations`)
      assert.ok(failed < ops, 'not every operation was refused')
      assert.ok(slashed > 0n, 'something was slashed')
    })
  }
})

describe('staking invariants can fail (planted bugs)', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  let h: Harness
  beforeEach(async () => {
    h = await Harness.open(dirs.next())
    h.createValidator(0, 10n * MILLION)
    h.tx((k) => k.delegate(addr(5), addr(0), coin(MILLION)))
    h.endBlock()
    h.assertInvariants()
  })
  afterEach(() => h.close())
  const store = () => h.ctx('staking').moduleStore()

  it('a delegation record with extra shares (a wrong exchange rate) breaks shares', () => {
    store().set(K.delegationKey(addr(5), addr(0)), encode(DelegationRecord, { shares: Dec.fromInt(MILLION + 1n) }))
    assert.match(h.brokenInvariant() ?? '', /staking\/shares: .*delegatorShares/)
  })
  it('a validator with tokens the pool does not hold breaks pools', () => {
    const v = h.keeper.getValidator(addr(0))!
    store().set(K.validatorKey(addr(0)), encode(ValidatorRecord, { ...v, tokens: v.tokens + 1n }))
    assert.match(h.brokenInvariant() ?? '', /staking\/(pools|power-index): /)
  })
  it('a stale power index entry breaks power-index', () => {
    store().set(K.powerIndexKey(99n, addr(0)), K.PRESENT)
    assert.match(h.brokenInvariant() ?? '', /staking\/power-index: /)
  })
  it('an unbonding entry the pool does not hold breaks pools', () => {
    h.tx((k) => k.undelegate(addr(5), addr(0), coin(1000n)))
    h.assertInvariants()
    const entries = h.keeper.getUnbonding(addr(5), addr(0))!
    entries[0]!.balance += 1n
    entries[0]!.initialBalance += 1n
    store().set(K.unbondingKey(addr(5), addr(0)), encode(UnbondingRecord, { entries }))
    assert.match(h.brokenInvariant() ?? '', /staking\/pools: not_bonded_pool/)
  })
})

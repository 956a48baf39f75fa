import assert from 'node:assert/strict'
import { FEE_COLLECTOR } from '../../../../src/modules/bank/index.js'
import {
  DISTRIBUTION_ACCOUNT,
  MsgSetWithdrawAddress,
  MsgWithdrawAllRewards,
  MsgWithdrawCommission,
  MsgWithdrawRewards,
  owedByModule,
} from '../../../../src/modules/distribution/index.js'
import { type CommitVote, Context, Dec, GasMeter, CacheStore, moduleAddress, outsideBlock } from '../../../../src/state/index.js'
import { seededRandom } from '../../../helpers/chain.js'
import { type ChainOptions, DistributionChain, FEE_DENOM, addressOf } from './harness.js'

/** An exact rational, for the reference model only: what each delegator is owed with no rounding at all. */
export class Q {
  readonly n: bigint
  readonly d: bigint
  constructor(n: bigint, d = 1n) {
    if (d < 0n) [n, d] = [-n, -d]
    const g = gcd(n < 0n ? -n : n, d)
    this.n = g > 1n ? n / g : n
    this.d = g > 1n ? d / g : d
  }
  static readonly ZERO = new Q(0n)
  static dec(value: Dec): Q {
    return new Q(value.raw, 10n ** 18n)
  }
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d)
  }
  sub(o: Q): Q {
    return new Q(this.n * o.d - o.n * this.d, this.d * o.d)
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d)
  }
  floor(): bigint {
    return this.n >= 0n ? this.n / this.d : -((-this.n + this.d - 1n) / this.d)
  }
}
function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/** What the scenario needs of a staking module: its messages and a snapshot of its records. */
export interface StakingDriver {
  options: ChainOptions
  bondDenom: string
  /** Consensus address of validator i (operator = test account i). */
  consensusAddress(i: number): Uint8Array
  createValidator(chain: DistributionChain, i: number, commissionRate: string, amount: bigint): Uint8Array
  delegate(chain: DistributionChain, delegator: number, validator: number, amount: bigint): Uint8Array
  undelegate(chain: DistributionChain, delegator: number, validator: number, amount: bigint): Uint8Array
  slash(chain: DistributionChain, validator: number, fraction: string): Uint8Array
  /** Blocks to run after creating validators before the scenario starts (the real set bonds at end-block). */
  snapshot(chain: DistributionChain): {
    validators: { operator: string; consensusAddress: string; tokens: bigint; shares: bigint; commissionRate: Dec }[]
    delegations: { delegator: string; validator: string; shares: bigint }[]
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
type Coins = Map<string, Q>
const addTo = (coins: Coins, denom: string, amount: Q) => coins.set(denom, (coins.get(denom) ?? Q.ZERO).add(amount))

export interface ScenarioReport {
  payouts: number
  /** Payouts one unit short of the exact share (the documented truncation dust). */
  short: number
  blocks: number
}

const OPERATORS = [0, 1, 2]
const DELEGATORS = [3, 4, 5, 6, 7]
/** Withdraw address of account i: an account that never sends, so its balance moves only by rewards. */
const withdrawTo = (i: number) => 12 + i
const COMMISSIONS = ['0.05', '0.1', '0.2']

/**
 * 50 blocks of fees (random per tx), emission, commission, random delegations, undelegations and
 * withdrawals, random proposers and signatures, a vote for a validator staking does not know and
 * two slashes, against a reference model that loops over every delegator in every block with exact
 * rationals. After every block each withdraw address must have received exactly ⌊exact share⌋ of
 * every payout in it, or one unit less (F1 truncates the per-token ratio at 18 digits and pays
 * whole units; the model is never exceeded). Throws on the first mismatch.
 */
export async function runReferenceScenario(driver: StakingDriver, seed = 7): Promise<ScenarioReport> {
  const random = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const chain = await DistributionChain.open({
    ...driver.options,
    params: { emission_per_block: '777777', community_tax: '0.02', base_proposer_reward: '0.01', bonus_proposer_reward: '0.04' },
  })
  const report: ScenarioReport = { payouts: 0, short: 0, blocks: 0 }
  try {
    const params = { tax: Q.dec(Dec.parse('0.02')), base: Q.dec(Dec.parse('0.01')), bonus: Q.dec(Dec.parse('0.04')), emission: 777777n }
    const fee = () => 200n + BigInt(Math.floor(random() * 800))
    const setup: Uint8Array[] = []
    OPERATORS.forEach((i) => setup.push(driver.createValidator(chain, i, COMMISSIONS[i]!, 2_000_000n + BigInt(i) * 700_001n)))
    for (const i of [...OPERATORS, ...DELEGATORS])
      setup.push(chain.tx(i, [{ type: MsgSetWithdrawAddress, value: { address: addressOf(withdrawTo(i)) } }], fee()))
    const first = await chain.block(setup)
    first.txResults.forEach((r, i) => assert.equal(r.code, 0, `setup tx ${i}: ${r.log}`))

    const accrued = new Map<string, Coins>() // delegator|validator → exact rewards not yet paid
    const commission = new Map<string, Coins>() // operator → exact commission not yet paid
    const unknown = new Uint8Array(20).fill(0xee)
    let previousProposer: Uint8Array = new Uint8Array(20)
    let burned = 0n
    const feeSupply = chain.supply(FEE_DENOM)
    const supplyStart = chain.supply(driver.bondDenom)
    let allocations = 0

    for (let step = 0; step < 52; step++) {
      const { validators, delegations } = driver.snapshot(chain)
      const byConsensus = new Map(validators.map((v) => [v.consensusAddress, v]))
      // This block's last commit: every validator, power by tokens, random signatures; sometimes an unknown one.
      const votes: CommitVote[] = validators.map((v) => ({
        validator: Uint8Array.from(Buffer.from(v.consensusAddress, 'hex')),
        power: v.tokens / 1000n,
        signed: random() < 0.8,
      }))
      if (random() < 0.2) votes.push({ validator: unknown, power: 700n, signed: true })
      const proposer = random() < 0.1 ? unknown : driver.consensusAddress(pick(OPERATORS))

      // ── the reference allocation of this block's begin-block ──
      const collected: Coins = new Map()
      for (const [denom, amount] of chain.feeCollector()) addTo(collected, denom, new Q(amount))
      addTo(collected, driver.bondDenom, new Q(params.emission))
      allocations++
      const total = votes.reduce((s, v) => s + v.power, 0n)
      const signed = votes.reduce((s, v) => (v.signed ? s + v.power : s), 0n)
      const proposerShare = params.base.add(params.bonus.mul(new Q(signed, total)))
      const credit = (consensus: string, share: Q) => {
        const v = byConsensus.get(consensus)
        if (v === undefined) return
        for (const [denom, amount] of collected) {
          const tokens = amount.mul(share)
          const cut = tokens.mul(Q.dec(v.commissionRate))
          addTo(commission.get(v.operator) ?? commission.set(v.operator, new Map()).get(v.operator)!, denom, cut)
          // the loop F1 avoids: every delegator, by its shares of the validator
          for (const d of delegations) {
            if (d.validator !== v.operator) continue
            const key = `${d.delegator}|${d.validator}`
            addTo(accrued.get(key) ?? accrued.set(key, new Map()).get(key)!, denom, tokens.sub(cut).mul(new Q(d.shares, v.shares)))
          }
        }
      }
      credit(hex(previousProposer), proposerShare)
      for (const vote of votes) credit(hex(vote.validator), new Q(1n).sub(proposerShare).sub(params.tax).mul(new Q(vote.power, total)))

      // ── this block's transactions, and what each withdraw address must receive ──
      const txs: Uint8Array[] = []
      const expected = new Map<number, Map<string, { floor: bigint; events: number }>>()
      const expect = (account: number, denom: string, amount: Q) => {
        const m = expected.get(withdrawTo(account)) ?? expected.set(withdrawTo(account), new Map()).get(withdrawTo(account))!
        const e = m.get(denom) ?? { floor: 0n, events: 0 }
        m.set(denom, { floor: e.floor + amount.floor(), events: e.events + 1 })
      }
      const pay = (delegator: number, operator: number) => {
        const key = `${hex(addressOf(delegator))}|${hex(addressOf(operator))}`
        for (const [denom, amount] of accrued.get(key) ?? []) expect(delegator, denom, amount)
        accrued.delete(key) // the module sends the fraction to the community pool
      }
      const has = (delegator: number, operator: number) =>
        delegations.some((d) => d.delegator === hex(addressOf(delegator)) && d.validator === hex(addressOf(operator)))
      const commissionPaid: number[] = []
      const busy = new Set<number>()
      if (step === 50) {
        for (const i of OPERATORS) {
          txs.push(chain.tx(i, [{ type: MsgWithdrawCommission, value: {} }], fee()))
          commissionPaid.push(i)
        }
      } else if (step === 51) {
        for (const i of [...OPERATORS, ...DELEGATORS]) {
          txs.push(chain.tx(i, [{ type: MsgWithdrawAllRewards, value: {} }], fee()))
          for (const o of OPERATORS) if (has(i, o)) pay(i, o)
        }
      } else {
        if (step === 20) txs.push(driver.slash(chain, 1, '0.1'))
        if (step === 33) txs.push(driver.slash(chain, 0, '0.05'))
        for (const i of [...DELEGATORS, ...OPERATORS]) {
          if (random() < 0.5 || busy.has(i)) continue
          busy.add(i)
          const o = pick(OPERATORS)
          const roll = random()
          const isOperator = OPERATORS.includes(i)
          if (isOperator && roll < 0.25) {
            txs.push(chain.tx(i, [{ type: MsgWithdrawCommission, value: {} }], fee()))
            commissionPaid.push(i)
          } else if (roll < 0.45) {
            txs.push(driver.delegate(chain, i, o, 1n + BigInt(Math.floor(random() * 900_000))))
            if (has(i, o)) pay(i, o)
          } else if (roll < 0.6 && has(i, o) && !(isOperator && o === i)) {
            txs.push(driver.undelegate(chain, i, o, 1n + BigInt(Math.floor(random() * 400_000))))
            pay(i, o)
          } else if (roll < 0.85 && has(i, o)) {
            txs.push(chain.tx(i, [{ type: MsgWithdrawRewards, value: { validator: addressOf(o) } }], fee()))
            pay(i, o)
          } else if (delegations.some((d) => d.delegator === hex(addressOf(i)))) {
            txs.push(chain.tx(i, [{ type: MsgWithdrawAllRewards, value: {} }], fee()))
            for (const p of OPERATORS) if (has(i, p)) pay(i, p)
          }
        }
      }

      const before = new Map([...OPERATORS, ...DELEGATORS].map((i) => [withdrawTo(i), chain.balances(addressOf(withdrawTo(i)))]))
      const executed = await chain.block(txs, { proposer, votes })
      report.blocks++
      executed.txResults.forEach((r, i) => assert.equal(r.code, 0, `block ${chain.height} tx ${i}: ${r.log}`))
      previousProposer = proposer

      for (const [account, was] of before) {
        const now = chain.balances(addressOf(account))
        const want = expected.get(account) ?? new Map()
        const operator = OPERATORS.find((o) => withdrawTo(o) === account)
        for (const denom of new Set([...now.keys(), ...was.keys(), ...want.keys()])) {
          let got = (now.get(denom) ?? 0n) - (was.get(denom) ?? 0n)
          if (operator !== undefined && commissionPaid.includes(operator)) {
            // commission: whole units of the exact amount, at most one short; the module keeps the fraction, so does the model
            const owed = commission.get(hex(addressOf(operator)))?.get(denom) ?? Q.ZERO
            const paid = got - (want.get(denom)?.floor ?? 0n)
            assert.ok(
              paid <= owed.floor() && paid >= owed.floor() - 1n,
              `block ${chain.height}: commission of ${operator} in ${denom}: paid ${paid}, exact ${owed.floor()}`,
            )
            if (paid < owed.floor()) report.short++
            report.payouts++
            commission.get(hex(addressOf(operator)))?.set(denom, owed.sub(new Q(paid)))
            got -= paid
          }
          const w = want.get(denom) ?? { floor: 0n, events: 0 }
          assert.ok(
            got <= w.floor && got >= w.floor - BigInt(w.events),
            `block ${chain.height}: account ${account} received ${got}${denom}, the model says ${w.floor} from ${w.events} payouts (at most one unit short each)`,
          )
          report.payouts += w.events
          if (got < w.floor) report.short += Number(w.floor - got)
        }
      }
      for (const r of executed.txResults) {
        for (const e of r.events) {
          const amount = e.attributes.find(([k]) => k === 'amount')?.[1] ?? ''
          const m = new RegExp(`^(\\d+)${driver.bondDenom}$`).exec(amount)
          if (e.type === 'burn' && m !== null) burned += BigInt(m[1]!)
        }
      }
    }
    // Nothing is left owed by the model beyond dust, and the books hold exactly what the module holds.
    for (const [key, coins] of accrued)
      for (const [denom, q] of coins) assert.ok(q.floor() <= 1n, `${key} still owed ${q.floor()}${denom} after withdrawing everything`)
    const ctx = new Context(
      outsideBlock('x', chain.height),
      new CacheStore(chain.app.db),
      new GasMeter(2n ** 64n),
      chain.app.registry,
    ).forModule('distribution')
    const { owed } = owedByModule(ctx)
    for (const c of owed)
      assert.equal(
        c.amount.raw,
        Dec.fromInt(chain.balance(moduleAddress(DISTRIBUTION_ACCOUNT), c.denom)).raw,
        `books vs account in ${c.denom}`,
      )
    assert.equal(chain.balance(moduleAddress(FEE_COLLECTOR), FEE_DENOM), chain.feeCollector().get(FEE_DENOM) ?? 0n)
    // bank's supply: the bond denomination grew by the emission of every allocating block, less what slashes burned
    assert.ok(burned > 0n, 'the slashes burned something')
    assert.equal(chain.supply(driver.bondDenom), supplyStart + BigInt(allocations) * params.emission - burned)
    assert.equal(chain.supply(FEE_DENOM), feeSupply)
    return report
  } finally {
    await chain.close()
  }
}

import assert from 'node:assert/strict'
import { moduleAddress } from '../../../../src/modules/index.js'
import { REWARDS_ACCOUNT, REWARDS_ERRORS } from '../../../../src/modules/rewards/index.js'
import { FEE } from '../../../helpers/chain.js'
import { tempDirs } from '../../../support/chain.js'
import { AGGREGATOR, RewardsChain, TRAINERS, TRAINER_BOND, VALIDATORS, allScore, eventsOf, who } from './harness.js'

interface PayoutsJson {
  scored: boolean
  emission: string
  available: string
  shares: { trainers: string; aggregator: string; scorers: string; data: string }
  trainers: { trainer: string; reward: string; slashed: string; harmful: boolean }[]
  aggregator: { address: string; amount: string } | null
  scorers: { operator: string; amount: string }[]
  treasury: string
  carried: string
}
interface ReceiptJson {
  trainer: string
  reward: string
  slashed: string
}

const EMISSION = 10_000_000n
const payouts = (c: RewardsChain, round = 0) => c.query<PayoutsJson>('payouts', { subnet: '0', round: String(round) })
const rewardOf = (p: PayoutsJson, account: number) => BigInt(p.trainers.find((t) => t.trainer === who(account))!.reward)
function receipts(c: RewardsChain, round = 0): Record<string, ReceiptJson> {
  const { receipts: list } = c.app.query('reputation', 'receipts', { subnet: '0', round: String(round) }) as { receipts: ReceiptJson[] }
  return Object.fromEntries(list.map((r) => [r.trainer, r]))
}

describe('rewards settlement: the split of a scored round, paid into accounts', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('splits the emission 0.7 / 0.1 / 0.15 / 0.05: trainers ∝ consensus score × samples, the aggregator, scorers ∝ dividends, the treasury', async () => {
    const c = await RewardsChain.open(dirs.next())
    // Scores 1 : 1 : 2 : 4 → consensus 0.125, 0.125, 0.25, 0.5; samples 100, 300, 100, 100 → weights 12.5 : 37.5 : 25 : 50.
    const before = Object.fromEntries([...TRAINERS, AGGREGATOR, ...VALIDATORS].map((a) => [a, c.balance(a)]))
    const supply = c.supply()
    const closing = await c.play({ samples: { 3: 300 }, scores: allScore({ 2: 100, 3: 100, 4: 200, 7: 400 }) })
    const p = payouts(c)
    assert.deepEqual([p.scored, p.emission, p.available], [true, String(EMISSION), String(EMISSION)])
    assert.deepEqual(p.shares, { trainers: '7000000', aggregator: '1000000', scorers: '1500000', data: '500000' })
    assert.deepEqual(
      [2, 3, 4, 7].map((t) => rewardOf(p, t)),
      [700_000n, 2_100_000n, 1_400_000n, 2_800_000n],
    )
    assert.deepEqual(p.aggregator, { address: who(AGGREGATOR), amount: '1000000' })
    // Dividends 0.4 / 0.3 / 0.2 / 0.1 (stakes 40 / 30 / 20 / 10, all agreeing).
    const scorers = Object.fromEntries(p.scorers.map((s) => [s.operator, s.amount]))
    assert.deepEqual(scorers, Object.fromEntries(VALIDATORS.map((v, i) => [who(v), ['600000', '450000', '300000', '150000'][i]])))
    assert.deepEqual([p.treasury, p.carried], ['500000', '0'])
    assert.deepEqual(c.query('treasury', { subnet: '0' }), { subnet: '0', denom: 'ufdr', treasury: '500000' })
    assert.deepEqual(c.query('pool', { subnet: '0' }), { subnet: '0', denom: 'ufdr', pool: '0' })
    // Paid directly: balances move by exactly the payouts less the fees of the round's txs (one
    // update, one aggregate, a commit and a reveal); supply by exactly the emission.
    for (const t of TRAINERS) assert.equal(c.balance(t) - before[t]!, rewardOf(p, t) - FEE, `trainer ${t}`)
    assert.equal(c.balance(AGGREGATOR) - before[AGGREGATOR]!, 1_000_000n - FEE)
    assert.equal(c.balance(VALIDATORS[0]!) - before[VALIDATORS[0]!]!, 600_000n - 2n * FEE)
    assert.equal(c.supply() - supply, EMISSION)
    assert.equal(c.balance(moduleAddress(REWARDS_ACCOUNT)), 500_000n, 'the account keeps only the treasury')
    const r = receipts(c)
    assert.deepEqual(
      [2, 3, 4, 7].map((t) => r[who(t)]!.reward),
      ['700000', '2100000', '1400000', '2800000'],
      'the receipts are the proof of what was paid',
    )
    assert.deepEqual(eventsOf(closing, 'round_rewarded'), [
      {
        subnet: '0',
        round: '0',
        emission: '10000000',
        available: '10000000',
        trainers: '7000000',
        aggregator: '1000000',
        scorers: '1500000',
        treasury: '500000',
        carried: '0',
        scored: 'true',
      },
    ])
    assert.equal(eventsOf(closing, 'trainer_reward').length, 4)
    assert.deepEqual(eventsOf(closing, 'trainer_slashed'), [])
    await c.close()
  })

  it("gives an attacker scored 0 (a minority inflating it aside) nothing of the trainers' share and slashes it; the honest share it ∝ score × samples", async () => {
    // Slash on the first harmful round (the default waits for the reputation to fall: next test).
    const c = await RewardsChain.open(dirs.next(), { rewards: { params: { slash_reputation_threshold: '1' } } })
    const honest = { 2: 100, 3: 100, 4: 200, 7: 0 }
    const scores = new Map([
      ...VALIDATORS.slice(0, 3).map((v): [number, Record<number, number>] => [v, honest]),
      [11, { 2: 0, 3: 0, 4: 0, 7: 5000 }],
    ])
    const supply = c.supply()
    const closing = await c.play({ samples: { 3: 200 }, scores })
    const p = payouts(c)
    const share = BigInt(p.shares.trainers)
    const attacker = rewardOf(p, 7)
    assert.ok(attacker * 20n <= share, `the attacker got ${attacker} of ${share}: at most 5%`)
    assert.equal(attacker, 0n, 'a harmful update earns nothing')
    // Consensus 0.25, 0.25, 0.5 × samples 100, 200, 100 → 25 : 50 : 50 of the whole share.
    assert.deepEqual(
      [2, 3, 4].map((t) => rewardOf(p, t)),
      [share / 5n, (2n * share) / 5n, (2n * share) / 5n],
    )
    const slashed = TRAINER_BOND / 20n
    assert.deepEqual(
      eventsOf(closing, 'trainer_slashed').map((e) => [e.trainer, e.reason, e.code, e.quality, e.fraction, e.amount]),
      [[who(7), 'harmful', String(REWARDS_ERRORS.HARMFUL_UPDATE), '0', '0.05', String(slashed)]],
    )
    assert.equal(c.chain.bond(0n, 'trainer', 7), TRAINER_BOND - slashed)
    assert.equal(c.supply() - supply, EMISSION - slashed, 'supply: + the emission − the burned slash')
    assert.deepEqual([receipts(c)[who(7)]!.reward, receipts(c)[who(7)]!.slashed], ['0', String(slashed)])
    assert.deepEqual(
      p.trainers.filter((t) => t.harmful).map((t) => t.trainer),
      [who(7)],
    )
    await c.close()
  })

  it('slashes a harmful trainer only once its reputation has fallen below slash_reputation_threshold (0.25): not for one noisy round', async () => {
    const c = await RewardsChain.open(dirs.next())
    const zeroFor7 = () => allScore({ 2: 100, 3: 100, 4: 200, 7: 0 })
    const slashesOf7 = (block: Awaited<ReturnType<typeof c.play>>) =>
      eventsOf(block, 'trainer_slashed').filter((e) => e.trainer === who(7)).length
    // Reputation of trainer 7 from 0.5: 0.35 after one zero round, 0.245 after two (α 0.3).
    assert.equal(slashesOf7(await c.play({ scores: zeroFor7() })), 0, 'one harmful round: reward withheld, bond kept')
    assert.equal(rewardOf(payouts(c), 7), 0n)
    assert.equal(slashesOf7(await c.play({ scores: zeroFor7() })), 1, 'the second: its reputation is below 0.25, slashed')
    assert.ok(c.chain.bond(0n, 'trainer', 7) < TRAINER_BOND)
    await c.close()
  })

  it("carries the trainers' and scorers' shares to the next round when no reveal counted, slashes nobody, and still pays the aggregator and the treasury", async () => {
    const c = await RewardsChain.open(dirs.next())
    await c.play({ scores: new Map([[8, null]]) })
    const p = payouts(c)
    assert.equal(p.scored, false)
    assert.deepEqual(
      p.trainers.map((t) => [t.reward, t.slashed, t.harmful]),
      TRAINERS.map(() => ['0', '0', false]),
    )
    assert.deepEqual(
      p.scorers.map((s) => s.amount),
      ['0'],
    )
    assert.deepEqual([p.aggregator!.amount, p.treasury, p.carried], ['1000000', '500000', '8500000'])
    assert.deepEqual(c.query('pool', { subnet: '0' }), { subnet: '0', denom: 'ufdr', pool: '8500000' })
    await c.play({ scores: allScore({ 2: 1, 3: 1, 4: 1, 7: 1 }) })
    const next = payouts(c, 1)
    assert.deepEqual([next.available, next.shares.trainers, next.carried], ['18500000', '12950000', '0'])
    assert.deepEqual(
      next.trainers.map((t) => t.reward),
      TRAINERS.map(() => '3237500'),
    )
    await c.close()
  })

  it('moves nothing when the emission is 0 and nobody funded the pool', async () => {
    const c = await RewardsChain.open(dirs.next(), { rewards: { params: { emission_per_round: '0' } } })
    const supply = c.supply()
    const closing = await c.play({ scores: allScore({ 2: 1, 3: 1, 4: 1, 7: 1 }) })
    assert.equal(c.supply(), supply)
    assert.deepEqual(eventsOf(closing, 'mint'), [])
    assert.deepEqual(
      payouts(c).trainers.map((t) => t.reward),
      ['0', '0', '0', '0'],
    )
    await c.close()
  })
})

import assert from 'node:assert/strict'
import { dpEpsilon } from '../../../../src/fl/train/privacy.js'
import { epsilonOf, lnInverse, roundRho, sqrtCeil } from '../../../../src/modules/training/dp-accountant.js'
import { DpBooks, dpLedgerInvariant } from '../../../../src/modules/training/dp-ledger.js'
import { MsgSetDpPolicy } from '../../../../src/modules/training/dp-messages.js'
import { TRAINING_ERRORS } from '../../../../src/modules/training/index.js'
import { CacheStore, Context, Dec, GasMeter, outsideBlock } from '../../../../src/state/index.js'
import { CHAIN_ID } from '../../../helpers/chain.js'
import { tempDirs } from '../../../support/chain.js'
import { ADMIN, TRAINERS, TrainingChain, codes, trainingGenesisJson, updateBlob } from './harness.js'

const d = (text: string) => Dec.parse(text)
const fail = (code: keyof typeof TRAINING_ERRORS): [string, number] => ['training', TRAINING_ERRORS[code]]
const OK: [string, number] = ['', 0]

describe('DP budget ledger: the fixed-point zCDP accountant', () => {
  it('matches the float accountant (dpEpsilon) to 12 digits and never reports less', () => {
    for (const [z, rounds, delta] of [
      ['1.1', 10, '0.00001'],
      ['0.5', 100, '0.000001'],
      ['3', 1, '0.1'],
      ['0.8', 37, '0.000000001'],
      ['10', 1000, '0.5'],
    ] as const) {
      const exact = dpEpsilon(Number(z), rounds, Number(delta))
      const fixed = epsilonOf(roundRho(d(z)).mulInt(BigInt(rounds)), d(delta))
      const value = Number(fixed.toString())
      assert.ok(Math.abs(value - exact) / exact < 1e-12, `${z}, ${rounds}, ${delta}: ${fixed} vs ${exact}`)
      assert.ok(value >= exact * (1 - 1e-15), 'rounded up')
    }
  })

  it('rounds ln(1/δ), √ and ρ up: ln(1/0.5) = 0.69314718055994531 (ln 2 = 0.693147180559945309417…), √4 = 2 exactly, ρ(z = 3) = 1/18 rounded up', () => {
    assert.equal(lnInverse(d('0.5')).toString(), '0.69314718055994531')
    assert.equal(lnInverse(d('0.00001')).toString(), '11.512925464970228421') // 11.51292546497022842008…
    assert.equal(sqrtCeil(d('4')).toString(), '2')
    assert.equal(sqrtCeil(d('2')).toString(), '1.414213562373095049') // 1.41421356237309504880…
    assert.equal(roundRho(d('3')).toString(), '0.055555555555555556')
    assert.equal(epsilonOf(Dec.ZERO, d('0.00001')).toString(), '0')
  })
})

describe('DP budget ledger on chain: a policy per subnet, rounds charged, a round past the budget refused', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  // z = 1: ρ = 0.5 per round; at δ = 1e-5, ε(0.5) ≈ 5.30, ε(1) ≈ 7.79, ε(1.5) ≈ 9.81: a budget of ε = 8 holds two rounds
  const policy = { subnet: 0n, clipNorm: d('5'), noiseMultiplier: d('1'), samplingRate: d('1'), targetEpsilon: d('8'), delta: d('0.00001') }
  let counter = 0
  const fresh = () => updateBlob([++counter, 2, -3, 4, 5, 6 + counter])

  async function untilRound(chain: TrainingChain, round: number): Promise<void> {
    for (let i = 0; i < 40; i++) {
      const r = chain.query<{ round: string; phase: string }>('round', { subnet: '0' })
      if (Number(r.round) === round && r.phase === 'submit') return
      await chain.block()
    }
    throw new Error(`round ${round} never opened`)
  }

  it('charges each round once at its first update, answers the ledger, and refuses the round that would pass ε', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    assert.deepEqual(codes(await chain.block([ADMIN, MsgSetDpPolicy, policy])), [OK])
    const fresh0 = chain.query<{ policy: { from_round: string }; rounds_left: string; round_rho: string }>('dpLedger', { subnet: '0' })
    assert.equal(fresh0.policy.from_round, '0')
    assert.equal(fresh0.round_rho, '0.5')
    assert.equal(fresh0.rounds_left, '2')
    // round 0: two updates, one charge
    assert.deepEqual(codes(await chain.block(chain.submit(TRAINERS[0]!, fresh()), chain.submit(TRAINERS[1]!, fresh()))), [OK, OK])
    const after0 = chain.query<{ rounds: string; rho: string; epsilon: string; rounds_left: string }>('dpLedger', { subnet: '0' })
    assert.deepEqual([after0.rounds, after0.rho, after0.rounds_left], ['1', '0.5', '1'])
    assert.ok(Math.abs(Number(after0.epsilon) - dpEpsilon(1, 1, 1e-5)) < 1e-12)
    await untilRound(chain, 1)
    assert.deepEqual(codes(await chain.block(chain.submit(TRAINERS[0]!, fresh(), {}, 1n))), [OK])
    await untilRound(chain, 2)
    // round 2 would reach ε ≈ 9.81 > 8: every update refused, nothing charged
    assert.deepEqual(codes(await chain.block(chain.submit(TRAINERS[0]!, fresh(), {}, 2n), chain.submit(TRAINERS[1]!, fresh(), {}, 2n))), [
      fail('DP_BUDGET_EXHAUSTED'),
      fail('DP_BUDGET_EXHAUSTED'),
    ])
    const last = chain.query<{ rounds: string; rho: string; rounds_left: string }>('dpLedger', { subnet: '0' })
    assert.deepEqual([last.rounds, last.rho, last.rounds_left], ['2', '1', '0'])
    assert.equal(chain.query<{ updates: number }>('round', { subnet: '0', round: '2' }).updates, 0)
    await chain.close()
  })

  it('refuses a policy from a non-admin, a second policy, and out-of-range fields; a policy set mid-round governs the next round', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    assert.deepEqual(chain.query('dpLedger', { subnet: '0' }), {
      policy: null,
      rounds: '0',
      rho: '0',
      epsilon: '0',
      round_rho: null,
      rounds_left: null,
    })
    assert.deepEqual(codes(await chain.block(chain.submit(TRAINERS[0]!, fresh()))), [OK])
    // stateless refusals (INVALID_MESSAGE naming DP_INVALID_POLICY) from five other signers: a tx that fails validation keeps its nonce
    const invalid = await chain.block(
      [TRAINERS[0]!, MsgSetDpPolicy, policy],
      [ADMIN, MsgSetDpPolicy, { ...policy, subnet: 9n }],
      [ADMIN, MsgSetDpPolicy, policy],
      [ADMIN, MsgSetDpPolicy, policy],
      [0, MsgSetDpPolicy, { ...policy, clipNorm: d('0') }],
      [TRAINERS[2]!, MsgSetDpPolicy, { ...policy, noiseMultiplier: d('0.05') }],
      [5, MsgSetDpPolicy, { ...policy, samplingRate: d('1.5') }],
      [6, MsgSetDpPolicy, { ...policy, targetEpsilon: d('0') }],
      [7, MsgSetDpPolicy, { ...policy, delta: d('1') }],
    )
    const logs = invalid.txResults.map((r) => (r as { log?: string }).log ?? '')
    assert.deepEqual(codes(invalid).slice(0, 4), [fail('DP_NOT_ADMIN'), fail('UNKNOWN_SUBNET'), OK, fail('DP_POLICY_EXISTS')])
    for (const [i, field] of [
      [4, 'clip_norm'],
      [5, 'noise_multiplier'],
      [6, 'sampling_rate'],
      [7, 'target_epsilon'],
      [8, 'delta'],
    ] as const)
      assert.match(logs[i]!, new RegExp(`DP_INVALID_POLICY: ${field}`))
    // round 0 already had an update: the policy starts with round 1, round 0's later updates are free
    assert.equal(chain.query<{ policy: { from_round: string } }>('dpLedger', { subnet: '0' }).policy.from_round, '1')
    assert.deepEqual(codes(await chain.block(chain.submit(TRAINERS[1]!, fresh()))), [OK])
    assert.equal(chain.query<{ rounds: string }>('dpLedger', { subnet: '0' }).rounds, '0')
    await chain.close()
  })
})

describe('DP budget ledger in genesis: exported and imported with the books', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('a chain started from an export keeps the policy and the spent budget (an export cannot reset it)', async () => {
    const policy = {
      subnet: 0n,
      clipNorm: d('5'),
      noiseMultiplier: d('1'),
      samplingRate: d('0.5'),
      targetEpsilon: d('8'),
      delta: d('0.00001'),
    }
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block([ADMIN, MsgSetDpPolicy, policy])
    await chain.block(chain.submit(TRAINERS[0]!, updateBlob([1, 2, 3, 4, 5, 6])))
    const exported = chain.app.exportAppState()
    const dp = (exported.training as { dp: Record<string, unknown>[] }).dp
    assert.deepEqual(dp, [
      {
        subnet: '0',
        clip_norm: '5',
        noise_multiplier: '1',
        sampling_rate: '0.5',
        target_epsilon: '8',
        delta: '0.00001',
        from_round: '0',
        height: '2',
        rounds: '1',
        rho: '0.5',
        last_round: '0',
      },
    ])
    const ledger = chain.query('dpLedger', { subnet: '0' })
    const genesis = { ...trainingGenesisJson(), initial_height: chain.height + 1, app_state: exported }
    const restarted = await TrainingChain.open(dirs.next(), { genesis })
    assert.deepEqual(restarted.query('dpLedger', { subnet: '0' }), ledger)
    assert.deepEqual((restarted.app.exportAppState().training as { dp: unknown }).dp, dp)
    // and genesis refuses a malformed entry: unknown field, bad policy, unknown subnet
    const bad = (entry: Record<string, unknown>) =>
      TrainingChain.open(dirs.next(), {
        genesis: { ...genesis, app_state: { ...exported, training: { ...(exported.training as object), dp: [entry] } } },
      })
    await assert.rejects(bad({ ...dp[0], extra: 1 }), /no such dp field/)
    await assert.rejects(bad({ ...dp[0], noise_multiplier: '0.01' }), /noise_multiplier/)
    await assert.rejects(bad({ ...dp[0], subnet: '5' }), /subnets has no subnet 5/)
    await chain.close()
    await restarted.close()
  })
})

describe('DP budget ledger invariant', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("catches a ledger whose ρ is not rounds × one round's ρ, one past the target, or one without a policy", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block([
      ADMIN,
      MsgSetDpPolicy,
      { subnet: 0n, clipNorm: d('5'), noiseMultiplier: d('1'), samplingRate: d('1'), targetEpsilon: d('8'), delta: d('0.00001') },
    ])
    await chain.block(chain.submit(TRAINERS[0]!, updateBlob([1, 2, 3, 4, 5, 9])))
    const planted = (plant: (books: DpBooks) => void): string | null => {
      const ctx = new Context(
        outsideBlock(CHAIN_ID, chain.height),
        new CacheStore(chain.app.db),
        new GasMeter(2n ** 64n),
        chain.app.registry,
        [],
        'training',
      )
      plant(new DpBooks(ctx.moduleStore()))
      return dpLedgerInvariant(ctx)
    }
    assert.equal(
      planted(() => {}),
      null,
    )
    assert.match(planted((b) => b.setLedger(0n, { rounds: 1n, rho: d('0.4'), lastRound: 0n }))!, /holds ρ = 0.4 for 1 rounds of 0.5/)
    assert.match(planted((b) => b.setLedger(0n, { rounds: 3n, rho: d('1.5'), lastRound: 2n }))!, /spent more than its ε = 8/)
    assert.match(planted((b) => b.setLedger(0n, { rounds: 0n, rho: Dec.ZERO, lastRound: 0n }))!, /0 rounds and last round 0/)
    assert.match(planted((b) => b.setLedger(3n, { rounds: 0n, rho: Dec.ZERO, lastRound: null }))!, /subnet 3 has a DP ledger and no policy/)
    await chain.close()
  })
})

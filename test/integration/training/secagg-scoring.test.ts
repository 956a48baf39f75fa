import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../src/fl/rules/repfedavg.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { REPUTATION_ERRORS } from '../../../src/modules/reputation/index.js'
import { testKey } from '../../helpers/chain.js'
import { tempDirs } from '../../support/chain.js'
import { commitTx, reputationGenesisJson, revealTx } from '../../unit/modules/reputation/harness.js'
import { INITIAL_VALUES, N, SCALE, type TrainingChain, addr, codes } from '../../unit/modules/training/harness.js'
import { plain, samples, secAggGenesis, setUpAndSubmit, subnetChain, trainerSide } from './secagg-support.js'

/**
 * Proof of contribution in a secure-aggregation subnet (docs/privacy.md): validators see only
 * masked updates, so they score the round's aggregate as a group, one score for every trainer,
 * and the chain refuses a reveal that tells trainers apart. Yuma then gives each the same
 * consensus share and rewards pay by sample count: participation × sample count.
 */
const TRAINERS = [2, 3, 4, 5, 6, 7]
const AGGREGATOR = 12
/** The reputation harness' validators' operators (stakes 40, 30, 20, 10). */
const [UNEQUAL, EQUAL_A, EQUAL_B, BLAMES] = [8, 9, 10, 11]
const OK: [string, number] = ['', 0]

type Commitments = { commit_start_height: string; reveal_start_height: string; reveal_end_height: string }
type Receipt = { trainer: string; weight: number; consensus_score: string; scored: boolean; reward: string }
type Standing = { validator: string; no_shows: number }

const sorted = [...TRAINERS].sort((a, b) => Buffer.compare(addr(a), addr(b)))
const scoreList = (score: (t: number) => number) => sorted.map((t) => ({ trainer: addr(t), score: score(t) }))
const reputation = <T>(chain: TrainingChain, name: string, params: Record<string, unknown>): T =>
  chain.app.query('reputation', name, params) as T

/** Round 0 of a secagg subnet with all six trainers' masked updates and its accepted aggregate. */
async function aggregatedSecAggRound(dir: string): Promise<TrainingChain> {
  const genesis = secAggGenesis(reputationGenesisJson(), 14)
  const chain = await subnetChain(dir, 'secagg-fedavg', TRAINERS, { genesis, aggregator: AGGREGATOR })
  const side = trainerSide(TRAINERS)
  const blobs = await setUpAndSubmit(chain, side, TRAINERS, TRAINERS)
  const values = getAggregationRule('fedavg').reference({
    updates: TRAINERS.map((t) => plain.get(t)!),
    weights: TRAINERS.map((t) => samples.get(t)!),
    reputations: TRAINERS.map(() => REPUTATION_UNIT),
  }).values
  const resultCid = chain.put(encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values }))
  const modelCid = chain.put(
    encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: Int32Array.from(INITIAL_VALUES, (v, i) => v + values[i]!) }),
  )
  const included = TRAINERS.map((t) => ({ trainer: t, blob: blobs.get(t)! }))
  // nobody dropped: the holders reveal self shares only, and the chain removes the self masks
  const reveals = side.revealTxs(TRAINERS, [])
  assert.deepEqual(
    codes(await chain.block(...reveals)),
    reveals.map(() => OK),
  )
  assert.deepEqual(codes(await chain.block(chain.aggregate(AGGREGATOR, included, resultCid, modelCid))), [OK])
  return chain
}

describe('proof of contribution under secure aggregation: group scores, paid by sample count', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('refuses a reveal that scores masked updates apart; equal scores give every trainer the same consensus and rewards ∝ samples', async () => {
    const chain = await aggregatedSecAggRound(dirs.next())
    const windows = reputation<Commitments>(chain, 'commitments', { subnet: '0', round: '0' })
    // Validator 8 plays the planted bug: a scorer that "scores" each masked update (here by its
    // sample count, as a per-update scorer would produce different numbers). The others judge the
    // aggregate: 9 and 10 credit it, 11 blames it (all zeros).
    const perUpdate = scoreList((t) => samples.get(t)! * 1000)
    const credit = scoreList(() => 1_000_000)
    const blame = scoreList(() => 0)
    const plan: [number, typeof credit][] = [
      [UNEQUAL, perUpdate],
      [EQUAL_A, credit],
      [EQUAL_B, credit],
      [BLAMES, blame],
    ]
    await chain.until(Number(windows.commit_start_height) - 1)
    assert.deepEqual(
      codes(await chain.block(...plan.map(([v, s]) => commitTx(v, s)))),
      plan.map(() => OK),
    )
    await chain.until(Number(windows.reveal_start_height) - 1)
    const revealed = codes(await chain.block(...plan.map(([v, s]) => revealTx(v, s))))
    assert.deepEqual(revealed, [['reputation', REPUTATION_ERRORS.SECAGG_UNEQUAL_SCORES], OK, OK, OK])

    await chain.until(Number(windows.reveal_end_height) + 1)
    const receipts = reputation<{ receipts: Receipt[] }>(chain, 'receipts', { subnet: '0', round: '0' }).receipts
    assert.equal(receipts.length, TRAINERS.length)
    // 9 and 10 (stake 50 of the 60 that counted) put 1/6 on everyone: above κ, so that is the consensus
    assert.deepEqual(new Set(receipts.map((r) => r.consensus_score)).size, 1, JSON.stringify(receipts))
    assert.ok(Math.abs(Number(receipts[0]!.consensus_score) - 1 / 6) < 1e-17)
    assert.ok(receipts.every((r) => r.scored))
    // rewards ∝ consensus × capped samples, so ∝ samples (largest remainder: within one ufdr)
    const paid = receipts.map((r) => BigInt(r.reward))
    const total = paid.reduce((a, b) => a + b, 0n)
    const weights = receipts.map((r) => BigInt(r.weight))
    const weightTotal = weights.reduce((a, b) => a + b, 0n)
    assert.ok(total > 0n, 'the trainers were paid')
    receipts.forEach((r, i) => {
      assert.equal(r.weight, samples.get(TRAINERS.find((t) => testKey(t).publicKey.address === r.trainer)!)!)
      const exact = (total * weights[i]!) / weightTotal
      assert.ok(paid[i]! - exact <= 1n && exact - paid[i]! <= 1n, `${r.trainer}: paid ${paid[i]}, ∝ samples ${exact}`)
    })
    // the refused reveal leaves validator 8's commitment unrevealed: a no-show
    const standings = reputation<{ standings: Standing[] }>(chain, 'standings', { subnet: '0' }).standings
    const noShows = new Map(standings.map((s) => [s.validator, s.no_shows]))
    assert.equal(noShows.get(testKey(UNEQUAL).publicKey.address), 1)
    assert.equal(noShows.get(testKey(EQUAL_A).publicKey.address), 0)
    await chain.close()
  })
})

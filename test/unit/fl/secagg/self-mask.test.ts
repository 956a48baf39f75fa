import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../../src/fl/rules/repfedavg.js'
import {
  PLAIN_MAX_ABS,
  encodeShare,
  maskStream,
  pairSeed,
  reconstructSelfSeed,
  residue,
  secAggMean,
  selfMaskSeed,
  selfSeedCommitment,
  signedResidue,
} from '../../../../src/fl/secagg/index.js'
import { CHI2_255_P001, chiSquare, codeOf, droppedKeys, openOf, plainUpdates, recoverDropped, simulateRound } from './support.js'

/**
 * What anyone can compute once a dropped member's round key is rebuilt: its (public) masked blob
 * minus every pairwise mask it added, y_u − Σ_v ±mask(s_uv).
 */
function strippedOfPairwise(blob: Int32Array, u: number, secretKey: Uint8Array, round: ReturnType<typeof simulateRound>): Int32Array {
  const acc = Float64Array.from(blob)
  for (const v of round.graph.neighbours(u)) {
    const mask = maskStream(pairSeed(secretKey, round.members[v]!.roundKey.publicKey, round.roundId), blob.length)
    const sign = u < v ? 1 : -1
    for (let i = 0; i < acc.length; i++) acc[i]! -= sign * mask[i]!
  }
  return Int32Array.from(acc, (x) => signedResidue(residue(x)))
}

describe('secure aggregation: the self mask (double masking)', () => {
  const n = 65536
  const weights = [512, 300, 1, 250, 100, 512, 37, 480]

  it("a dropped member's public blob minus its rebuilt pairwise masks is still uniform; without the self mask it is its plain update", () => {
    // the dropped member's update is constant: far from uniform in the clear
    const updates = plainUpdates(8, n, 41)
    updates[3] = new Int32Array(n).fill(PLAIN_MAX_ABS)
    const round = simulateRound({ n: 8, updates, weights, seed: 'self-mask privacy' })
    const [key] = droppedKeys(round, [3])
    assert.deepEqual(key!.secretKey, round.members[3]!.roundKey.secretKey, 'its key is rebuilt, as the chain rebuilds it')
    const stripped = strippedOfPairwise(round.masked[3]!, 3, key!.secretKey, round)
    assert.ok(chiSquare(stripped) < CHI2_255_P001, `χ² ${chiSquare(stripped).toFixed(1)}`)
    // exactly the self mask is left over it: w·x + mask(selfMaskSeed(b_3))
    const self = maskStream(selfMaskSeed(round.members[3]!.selfSeed, round.roundId, 3), n)
    for (const i of [0, 1, n - 1])
      assert.equal(residue(stripped[i]! - self[i]!), residue(weights[3]! * PLAIN_MAX_ABS), `coordinate ${i}: w·x under the self mask`)
    // the planted variant, no self mask: the same subtraction reads the plain weighted update
    const planted = Int32Array.from(round.masked[3]!, (y, i) => signedResidue(residue(y - self[i]!)))
    const exposed = strippedOfPairwise(planted, 3, key!.secretKey, round)
    assert.ok(chiSquare(exposed) > 10 * CHI2_255_P001)
    assert.deepEqual(
      exposed,
      Int32Array.from(updates[3]!, (x) => weights[3]! * x),
      'without the self mask the dropped update is exposed',
    )
  })

  it('exact FedAvg of the survivors with drops, the self masks removed from the rebuilt seeds', () => {
    const updates = plainUpdates(8, 5000, 7)
    const round = simulateRound({ n: 8, updates, weights, seed: 'self-mask fedavg' })
    const survivors = [0, 1, 2, 4, 6, 7]
    const fedAvg = getAggregationRule('fedavg').reference({
      updates: survivors.map((i) => updates[i]!),
      weights: survivors.map((i) => weights[i]!),
      reputations: survivors.map(() => REPUTATION_UNIT),
    }).values
    const mean = secAggMean(
      survivors.map((i) => round.masked[i]!),
      survivors.map((i) => weights[i]!),
      recoverDropped(round, [3, 5]),
    )
    assert.deepEqual(mean, fedAvg)
  })

  it('rebuilds a self seed from t self shares; refuses a seed that is not the committed one, t − 1 shares, and inconsistent shares', () => {
    const round = simulateRound({ n: 8, updates: plainUpdates(8, 8, 2), weights, seed: 'self seeds' })
    const { graph, roundId, members: all, dealt } = round
    const u = 6
    const selfCommitment = selfSeedCommitment(roundId, u, all[u]!.selfSeed)
    const opened = dealt[u]!.map((d) => ({ holder: d.holder, share: openOf(round, u, d.holder).selfShare }))
    const rebuild = (shares: typeof opened, commitment = selfCommitment) =>
      codeOf(() => reconstructSelfSeed({ roundId, dealer: u, graph, selfCommitment: commitment, shares }))
    assert.deepEqual(reconstructSelfSeed({ roundId, dealer: u, graph, selfCommitment, shares: opened.slice(2, 6) }), all[u]!.selfSeed)
    assert.equal(rebuild(opened.slice(0, graph.threshold - 1)), 'SECAGG_TOO_FEW_SHARES')
    assert.equal(rebuild(opened), 'OK')
    // the commitment of another member's seed, or of this seed under another index
    assert.equal(rebuild(opened, selfSeedCommitment(roundId, u, all[0]!.selfSeed)), 'SECAGG_RECONSTRUCTION')
    assert.equal(rebuild(opened, selfSeedCommitment(roundId, u + 1, all[u]!.selfSeed)), 'SECAGG_RECONSTRUCTION')
    // inconsistent shares (one replaced): another seed, caught by the commitment
    assert.equal(rebuild([{ holder: opened[0]!.holder, share: encodeShare(987654321n) }, ...opened.slice(1, 4)]), 'SECAGG_RECONSTRUCTION')
    // key shares are not self shares: they interpolate to the round key, not the committed seed
    const keyShares = dealt[u]!.map((d) => ({ holder: d.holder, share: openOf(round, u, d.holder).keyShare }))
    assert.equal(rebuild(keyShares), 'SECAGG_RECONSTRUCTION')
    assert.equal(
      codeOf(() => selfSeedCommitment(roundId, u, new Uint8Array(16))),
      'SECAGG_SELF_SEED',
    )
  })

  it('the self mask seed is domain-separated: per member, per round, and not any pairwise seed', () => {
    const seed = new Uint8Array(32).fill(7)
    const roundA = new Uint8Array(32).fill(1)
    const roundB = new Uint8Array(32).fill(2)
    assert.notDeepEqual(selfMaskSeed(seed, roundA, 0), selfMaskSeed(seed, roundA, 1))
    assert.notDeepEqual(selfMaskSeed(seed, roundA, 0), selfMaskSeed(seed, roundB, 0))
    assert.notDeepEqual(selfMaskSeed(seed, roundA, 0), seed)
  })
})

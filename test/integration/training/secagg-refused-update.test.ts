import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../src/fl/rules/repfedavg.js'
import {
  maskStream,
  maskUpdate,
  pairSeed,
  reconstructRoundSecret,
  residue,
  selfMaskSeed,
  signedResidue,
} from '../../../src/fl/secagg/index.js'
import { decodeUpdateBlob, encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { TRAINING_ERRORS } from '../../../src/modules/training/index.js'
import { MsgSecAggReveal, SHARE_KIND_SELF } from '../../../src/modules/training/secagg-messages.js'
import { fromHex } from '../../../src/crypto/index.js'
import { testKey } from '../../helpers/chain.js'
import { tempDirs } from '../../support/chain.js'
import { CHI2_255_P001, chiSquare } from '../../unit/fl/secagg/support.js'
import { INITIAL_VALUES, N, SCALE, type Tx, addr, codes, eventsOf } from '../../unit/modules/training/harness.js'
import { AGGREGATOR, TRAINERS, plain, samples, setUpAndSubmit, subnetChain, trainerSide } from './secagg-support.js'

/**
 * The privacy hole the self mask closes (docs/privacy.md, "Why a self mask"): a trainer whose
 * masked update reaches a block too late is refused (OUTSIDE_WINDOW), so the chain counts it as
 * dropped and its holders reveal its round key; but its blob is public (validators fetched it for
 * data availability). Anyone can then subtract every pairwise mask it added. With the self mask
 * what is left is w·x + mask(b_x), b_x never revealed (the chain takes self shares of survivors
 * only); without it (the planted variant: the pre-fix protocol) it is w·x, its plain update.
 */
const LATE = 6
const SURVIVORS = TRAINERS.filter((t) => t !== LATE)
const OK: [string, number] = ['', 0]

type Member = {
  trainer: string
  index: number
  status: string
  round_key: string
  revealed_self: number
  reveals: { holder: string; kind: string; share: string }[]
}

describe('secure aggregation on chain: a refused masked update stays masked', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('a trainer whose update lands after submitEnd is dropped and its key revealed; its public blob minus every pairwise mask is uniform, not its update', async () => {
    const side = trainerSide(TRAINERS)
    const chain = await subnetChain(dirs.next(), 'secagg-fedavg', TRAINERS)
    const blobs = await setUpAndSubmit(chain, side, TRAINERS, SURVIVORS)
    // height 6, the aggregate window: the late update is refused, its blob is out all the same
    const late = await chain.block(chain.submit(LATE, blobs.get(LATE)!, { sampleCount: samples.get(LATE)! }))
    assert.deepEqual(codes(late), [['training', TRAINING_ERRORS.OUTSIDE_WINDOW]])
    const publicBlob = chain.blobs.get(chain.put(blobs.get(LATE)!))!

    // the holders do as the chain says: key shares of the "dropped" trainer, self shares of the survivors
    const reveals = side.revealTxs(SURVIVORS, [LATE])
    // and a holder that tries to reveal the late trainer's self share is refused: that would unmask it
    const lateHolder = side.holdersOf(LATE).find((h) => SURVIVORS.includes(h))!
    const selfOfLate: Tx = [
      lateHolder,
      MsgSecAggReveal,
      { subnet: 0n, round: 0n, reveals: [{ dealer: addr(LATE), kind: SHARE_KIND_SELF, share: side.selfShare(LATE, lateHolder) }] },
    ]
    const revealed = await chain.block(...reveals, selfOfLate)
    assert.deepEqual(codes(revealed), [...reveals.map(() => OK), ['training', TRAINING_ERRORS.SECAGG_NOT_SURVIVOR]])

    // the round completes: exact FedAvg of the 7 survivors
    const values = getAggregationRule('fedavg').reference({
      updates: SURVIVORS.map((t) => plain.get(t)!),
      weights: SURVIVORS.map((t) => samples.get(t)!),
      reputations: SURVIVORS.map(() => REPUTATION_UNIT),
    }).values
    const resultCid = chain.put(encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values }))
    const modelCid = chain.put(
      encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: Int32Array.from(INITIAL_VALUES, (v, i) => v + values[i]!) }),
    )
    const included = SURVIVORS.map((t) => ({ trainer: t, blob: blobs.get(t)! }))
    const accepted = await chain.block(chain.aggregate(AGGREGATOR, included, resultCid, modelCid))
    assert.equal(eventsOf(accepted, 'aggregate_accepted').length, 1)

    // the attack, from public data only: the query's roster, round keys and revealed key shares, and the blob
    const record = chain.query<{ round_id: string; roster: Member[] }>('secaggRound', { subnet: '0', round: '0' })
    const roster = record.roster
    const victim = roster.find((m) => m.trainer === testKey(LATE).publicKey.address)!
    assert.deepEqual([victim.status, victim.revealed_self], ['dropped', 0])
    const holderIndex = new Map(roster.map((m) => [m.trainer, m.index]))
    const secretKey = reconstructRoundSecret({
      dealer: victim.index,
      graph: side.graph,
      publicKey: fromHex(victim.round_key),
      shares: victim.reveals.map((r) => ({ holder: holderIndex.get(r.holder)!, share: fromHex(r.share) })),
    })
    const roundId = fromHex(record.round_id)
    const strip = (masked: Int32Array): Int32Array => {
      const acc = Float64Array.from(masked)
      for (const v of side.graph.neighbours(victim.index)) {
        const mask = maskStream(pairSeed(secretKey, fromHex(roster[v]!.round_key), roundId), masked.length)
        for (let i = 0; i < acc.length; i++) acc[i]! -= (victim.index < v ? 1 : -1) * mask[i]!
      }
      return Int32Array.from(acc, (x) => signedResidue(residue(x)))
    }
    const weighted = Int32Array.from(plain.get(LATE)!, (x) => samples.get(LATE)! * x)
    const stripped = strip(decodeUpdateBlob(publicBlob).values as Int32Array)
    // every coordinate still hidden, by exactly the self mask, whose seed no share on chain gives away
    for (let i = 0; i < N; i++) assert.notEqual(stripped[i], weighted[i], `coordinate ${i} exposed`)
    const self = maskStream(selfMaskSeed(side.selfSeeds.get(LATE)!, side.roundId, victim.index), N)
    assert.deepEqual(
      Int32Array.from(stripped, (y, i) => signedResidue(residue(y - self[i]!))),
      weighted,
    )
    // the planted variant, the protocol without a self mask: the same public subtraction reads the update
    const planted = Int32Array.from(decodeUpdateBlob(publicBlob).values as Int32Array, (y, i) => signedResidue(residue(y - self[i]!)))
    assert.deepEqual(strip(planted), weighted, 'without the self mask the refused update is exposed')

    // Uniformity needs more than this subnet's 6 parameters: the same trainer's masking (its round
    // key, its seed, its neighbours) of a constant 65,536-value update, stripped with the key
    // rebuilt from the chain's reveals, passes the χ² test; the planted variant fails it by far
    const n = 65536
    const constant = new Int32Array(n).fill(32767)
    const big = maskUpdate({
      roundId,
      graph: side.graph,
      self: victim.index,
      secretKey: side.roundKeys.get(LATE)!.secretKey,
      selfSeed: side.selfSeeds.get(LATE)!,
      values: constant,
      weight: samples.get(LATE)!,
      peers: side.graph.neighbours(victim.index).map((v) => ({ index: v, publicKey: fromHex(roster[v]!.round_key) })),
    })
    const bigSelf = maskStream(selfMaskSeed(side.selfSeeds.get(LATE)!, roundId, victim.index), n)
    assert.ok(chiSquare(strip(big)) < CHI2_255_P001, `χ² ${chiSquare(strip(big)).toFixed(1)}`)
    const bigPlanted = strip(Int32Array.from(big, (y, i) => signedResidue(residue(y - bigSelf[i]!))))
    assert.ok(chiSquare(bigPlanted) > 10 * CHI2_255_P001)
    assert.ok(bigPlanted.every((y) => y === samples.get(LATE)! * 32767))
    await chain.close()
  })
})

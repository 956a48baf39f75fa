import assert from 'node:assert/strict'
import {
  MsgSubmitAggregate,
  TRAINING_ERRORS,
  aggregateWork,
  trainingModule,
  type MsgSubmitAggregateValue,
} from '../../../../src/modules/training/index.js'
import { aggregate, checkModel, encodeVector, modelOf, submittedValues } from '../../../../src/modules/training/model.js'
import { getAggregationRule } from '../../../../src/fl/rules/registry.js'
import { decodeUpdateBlob, encodeUpdateBlob } from '../../../../src/fl/update/blob.js'
import { seededRandom } from '../../../helpers/chain.js'
import { MsgCreateSubnet, MsgJoinSubnet } from '../../../../src/modules/subnets/index.js'
import { ModuleError } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  ADMIN,
  AGGREGATOR_BOND,
  INITIAL_CID,
  N,
  SCALE,
  TrainingChain,
  addr,
  codes,
  coin,
  createTrainingSubnet,
  eventsOf,
  honestAggregate,
  storeCid,
  trainingGenesisJson,
  updateBlob,
} from './harness.js'

const U = [
  { trainer: 2, values: [10, 20, 30, 40, 50, 60] },
  { trainer: 3, values: [-10, -20, -30, -40, -50, -60] },
  { trainer: 4, values: [7, 7, 7, 7, 7, 7] },
]
const blobs = U.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
const expected = honestAggregate(U.map((u) => ({ values: u.values, weight: 100 })))
const fail = (code: keyof typeof TRAINING_ERRORS): [string, number] => ['training', TRAINING_ERRORS[code]]
const handler = trainingModule.messages.find((h) => h.type === MsgSubmitAggregate)!

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  return 'OK'
}

/** A chain in round 0's aggregate window (height 4 committed) with the three updates in. */
async function inAggregateWindow(dir: string, params = {}, options = {}): Promise<TrainingChain> {
  const chain = await TrainingChain.withSubnet(dir, params, options)
  await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
  await chain.until(4)
  return chain
}

describe('training MsgSubmitAggregate: refusals before any verdict, gas, and the recomputation', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('refuses statelessly included updates out of trainer order and non-canonical CIDs', () => {
    const sorted = [addr(2), addr(3)].sort(Buffer.compare)
    const message: MsgSubmitAggregateValue = {
      subnet: 0n,
      round: 0n,
      baseGlobalCid: INITIAL_CID,
      included: sorted.map((trainer) => ({ trainer, updateCid: INITIAL_CID })),
      resultCid: INITIAL_CID,
      newGlobalCid: INITIAL_CID,
    }
    assert.equal(
      codeOf(() => handler.validate!(message)),
      'OK',
    )
    assert.equal(
      codeOf(() => handler.validate!({ ...message, included: [...message.included].reverse() })),
      'INCLUDED_NOT_CANONICAL',
    )
    assert.equal(
      codeOf(() => handler.validate!({ ...message, included: [message.included[0]!, message.included[0]!] })),
      'INCLUDED_NOT_CANONICAL',
    )
    assert.equal(
      codeOf(() => handler.validate!({ ...message, resultCid: 'x' })),
      'INVALID_CID',
    )
    assert.equal(
      codeOf(() => handler.validate!({ ...message, baseGlobalCid: 'x' })),
      'INVALID_CID',
    )
    const claimed = {
      ...message,
      resultCid: storeCid(updateBlob([1, 0, 0, 0, 0, 0])),
      newGlobalCid: storeCid(updateBlob([2, 0, 0, 0, 0, 0])),
    }
    assert.deepEqual(
      handler.blobs!(claimed),
      [INITIAL_CID, INITIAL_CID, INITIAL_CID, claimed.resultCid, claimed.newGlobalCid],
      'declares the base model, every included update, and the claimed result and next model',
    )
  })

  it('refuses an aggregate in the submit window, from a non-aggregator, on another base model, or with a missing or altered update — no slash for any', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const early = await chain.block(
      ...blobs.map((b) => chain.submit(b.trainer, b.blob)),
      chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid),
    )
    assert.deepEqual(codes(early).at(-1), fail('OUTSIDE_WINDOW'))
    await chain.until(4)
    const other = chain.put(updateBlob([1, 1, 1, 1, 1, 1]))
    const refused = await chain.block(
      chain.aggregate(2, blobs, expected.aggregateCid, expected.modelCid),
      chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid, { base: other }),
      chain.aggregate(5, blobs.slice(0, 2), expected.aggregateCid, expected.modelCid),
      chain.aggregate(
        5,
        [blobs[0]!, blobs[1]!, { trainer: 4, blob: updateBlob([1, 1, 1, 1, 1, 1]) }],
        expected.aggregateCid,
        expected.modelCid,
      ),
      chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid, { round: 1n }),
    )
    assert.deepEqual(codes(refused), [
      fail('NOT_AGGREGATOR'),
      fail('WRONG_BASE_MODEL'),
      fail('INCLUDED_MISMATCH'),
      fail('INCLUDED_MISMATCH'),
      fail('WRONG_ROUND'),
    ])
    assert.equal(chain.bond(0n, 'aggregator', 5), AGGREGATOR_BOND)
    assert.equal(eventsOf(refused, 'aggregate_rejected').length, 0)
    await chain.close()
  })

  it('refuses a second aggregate once one is accepted, and aggregates after the window', async () => {
    const chain = await inAggregateWindow(dirs.next())
    const done = await chain.block(
      chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid),
      chain.aggregate(6, blobs, expected.aggregateCid, expected.modelCid),
    )
    assert.deepEqual(codes(done), [['', 0], fail('ALREADY_AGGREGATED')])
    await chain.until(6)
    const closed = await chain.block(chain.aggregate(6, blobs, expected.aggregateCid, expected.modelCid))
    assert.deepEqual(codes(closed), [fail('ROUND_CLOSED')])
    await chain.close()
  })

  it('refuses a round with no updates (TOO_FEW_UPDATES), without a slash', async () => {
    const empty = await TrainingChain.withSubnet(dirs.next())
    await empty.until(4)
    const none = await empty.block(empty.aggregate(5, [], expected.aggregateCid, expected.modelCid))
    assert.deepEqual(codes(none), [fail('TOO_FEW_UPDATES')])
    assert.equal(empty.bond(0n, 'aggregator', 5), AGGREGATOR_BOND)
    await empty.close()
  })

  it('reads blobs on its fast paths exactly as the FL library decodes and encodes them (aligned or not, every dtype)', () => {
    const random = seededRandom(5)
    for (const dtype of ['int8', 'int16', 'int32'] as const) {
      const limit = { int8: 127, int16: 32767, int32: 2147483647 }[dtype]
      const values = Int32Array.from({ length: 37 }, () => Math.floor(random() * (2 * limit + 1)) - limit)
      const bytes = encodeUpdateBlob({ dtype, shape: [37], scale: 99, values })
      assert.deepEqual(encodeVector(dtype, 99, values), bytes)
      const misaligned = new Uint8Array(bytes.length + 1).subarray(1)
      misaligned.set(bytes)
      const format = { dtype, scale: 99, maxAbs: limit, parameterCount: 37 }
      for (const b of [bytes, misaligned]) {
        assert.deepEqual(submittedValues(b, format), decodeUpdateBlob(bytes).values)
        assert.deepEqual(modelOf(b, 37, 'x'), decodeUpdateBlob(bytes))
      }
    }
    // A value decodeUpdateBlob refuses, or another header, takes the library's path and its codes.
    const floor = encodeUpdateBlob({ dtype: 'int16', shape: [2], scale: 1, values: Int32Array.of(1, 2) })
    new DataView(floor.buffer).setInt16(16, -32768, true)
    assert.equal(
      codeOf(() => modelOf(floor, 2, 'x')),
      'BAD_BASE_MODEL',
    )
    assert.equal(
      codeOf(() => submittedValues(updateBlob([1, 2, 3]), { dtype: 'int16', scale: SCALE, maxAbs: 100, parameterCount: 2 })),
      'WRONG_SHAPE',
    )
  })

  it('refuses to aggregate on an initial model that is no model of the subnet (BAD_BASE_MODEL)', async () => {
    const chain = await TrainingChain.open(dirs.next())
    const wrong = encodeUpdateBlob({ dtype: 'int32', shape: [N + 1], scale: SCALE, values: new Int32Array(N + 1) })
    const wrongCid = chain.put(wrong)
    await chain.block(
      [ADMIN, MsgCreateSubnet, createTrainingSubnet({ initialModelCid: wrongCid })],
      [2, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(1000n) }],
      [5, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }],
    )
    await chain.block(chain.submit(2, blobs[0]!.blob))
    await chain.until(4)
    const executed = await chain.block(chain.aggregate(5, [blobs[0]!], expected.aggregateCid, expected.modelCid, { base: wrongCid }))
    assert.deepEqual(codes(executed), [fail('BAD_BASE_MODEL')])
    assert.equal(
      codeOf(() => checkModel(new Uint8Array(3), N, 'x')),
      'BAD_BASE_MODEL',
    )
    await chain.close()
  })

  it('maps a rule refusing its input to AGGREGATION_FAILED', () => {
    assert.equal(
      codeOf(() => aggregate(getAggregationRule('fedavg'), [Int32Array.of(1, 2), Int32Array.of(1)], [1, 1])),
      'AGGREGATION_FAILED',
    )
  })

  it('charges gas growing with K × N before reading any blob: an aggregate that cannot pay fails OUT_OF_GAS, unslashed', async () => {
    assert.equal(aggregateWork('fedavg', 10, 159_010), 10n * 159_010n + 2n * 159_010n)
    assert.equal(aggregateWork('median', 3, 100), 3n * 100n * 2n + 200n)
    assert.equal(aggregateWork('krum', 5, 100), 5n * 5n * 100n + 200n)
    assert.equal(aggregateWork('trimmed:0.2+nnm', 5, 100), 5n * 5n * 100n + 200n)
    // gas_per_coordinate 10000: 3 × 6 × 10000 + 2 × 6 × 10000 = 300 000 > the 200 000 gas limit
    // (near-copy off, so that the updates' own comparisons fit their gas limits).
    const chain = await inAggregateWindow(
      dirs.next(),
      {},
      { genesis: trainingGenesisJson({ params: { gas_per_coordinate: '10000', near_copy_cosine: '0' } }) },
    )
    const executed = await chain.block(chain.aggregate(5, blobs, expected.modelCid, expected.modelCid))
    assert.equal(executed.txResults[0]!.code, 14)
    assert.equal(chain.bond(0n, 'aggregator', 5), AGGREGATOR_BOND)
    await chain.close()
  })

  it("recomputes other rules bit for bit (median): the reference rule's aggregate is accepted", async () => {
    const chain = await inAggregateWindow(dirs.next(), { aggregationRule: 'median' })
    const median = honestAggregate(
      U.map((u) => ({ values: u.values, weight: 100 })),
      undefined,
      'median',
    )
    const executed = await chain.block(chain.aggregate(5, blobs, median.aggregateCid, median.modelCid))
    assert.deepEqual(codes(executed), [['', 0]])
    assert.equal(eventsOf(executed, 'aggregate_accepted').length, 1)
    assert.equal(storeCid(median.modelBytes), median.modelCid)
    await chain.close()
  })
})

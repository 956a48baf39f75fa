import assert from 'node:assert/strict'
import { MsgSubmitUpdate, TRAINING_ERRORS, trainingModule, type MsgSubmitUpdateValue } from '../../../../src/modules/training/index.js'
import { Dec, ModuleError, StateError } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  N,
  OUTSIDER,
  TRAINER_BOND,
  TrainingChain,
  codes,
  eventsOf,
  storeCid,
  trainingGenesisJson,
  updateBlob,
  updateMsg,
} from './harness.js'

const handler = trainingModule.messages.find((h) => h.type === MsgSubmitUpdate)!
const validateCode = (message: MsgSubmitUpdateValue): string => {
  try {
    handler.validate!(message)
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  return 'OK'
}
const good = updateBlob([1, 2, 3, 4, 5, 6])
const fail = (code: keyof typeof TRAINING_ERRORS): [string, number] => ['training', TRAINING_ERRORS[code]]

interface UpdateJson {
  trainer: string
  sample_count: number
  weight: number
  height: string
  time: string
  claimed_metrics: { name: string; value: string }[]
}

describe('training MsgSubmitUpdate: every refusal has its code, and none changes the model or the trainer', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('refuses statelessly a CID that is not canonical CIDv1, a zero sample count and malformed or repeated metrics', () => {
    const base = updateMsg(0n, 0n, good)
    assert.equal(validateCode(base), 'OK')
    assert.equal(validateCode({ ...base, updateCid: 'not-a-cid' }), 'INVALID_CID')
    assert.equal(validateCode({ ...base, updateCid: base.updateCid.toUpperCase() }), 'INVALID_CID')
    assert.equal(validateCode({ ...base, sampleCount: 0 }), 'INVALID_SAMPLE_COUNT')
    assert.equal(validateCode({ ...base, claimedMetrics: [{ name: 'Accuracy', value: 1n }] }), 'INVALID_METRICS')
    assert.equal(
      validateCode({
        ...base,
        claimedMetrics: [
          { name: 'loss', value: 1n },
          { name: 'loss', value: 2n },
        ],
      }),
      'INVALID_METRICS',
    )
  })

  it("records an update with the chain's height and time, its sample count capped at the subnet's cap", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const executed = await chain.block(chain.submit(2, good, { sampleCount: 10_000 }))
    assert.deepEqual(codes(executed), [['', 0]])
    assert.equal(eventsOf(executed, 'update_submitted')[0]!.weight, '600')
    const [u] = chain.query<{ updates: UpdateJson[] }>('updates', { subnet: '0', round: '0' }).updates
    assert.deepEqual(
      [u!.sample_count, u!.weight, u!.height, u!.claimed_metrics],
      [10_000, 600, '2', [{ name: 'accuracy', value: '912000' }]],
    )
    assert.equal(BigInt(u!.time), executed.input.time)
    await chain.close()
  })

  it('refuses wrong-round, duplicate, non-member, wrong-shape, wrong-quantization, out-of-range, malformed, wrong-size and unavailable updates, each with its own code', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {
      quantization: { dtype: 'int16', scale: 16384, maxAbs: 1000, clipNorm: Dec.parse('5') },
    })
    await chain.block(chain.submit(2, good))
    const malformed = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    const executed = await chain.block(
      chain.submit(3, good, {}, 1n), // a round not open yet
      chain.submit(2, updateBlob([6, 5, 4, 3, 2, 1])), // a second update of trainer 2
      chain.submit(OUTSIDER, good),
      chain.submit(3, updateBlob([1, 2, 3, 4, 5])),
      chain.submit(3, updateBlob([1, 2, 3, 4, 5, 6], { shape: [2, 3] })),
      chain.submit(3, updateBlob([1, 2, 3, 4, 5, 6], { dtype: 'int32' })),
      chain.submit(3, updateBlob([1, 2, 3, 4, 5, 6], { scale: 1024 })),
      chain.submit(3, updateBlob([1, 2, 3, 4, 1001, 6])),
      chain.submit(3, malformed),
      chain.submit(3, good, { byteSize: BigInt(good.length + 1) }),
    )
    assert.deepEqual(codes(executed), [
      fail('WRONG_ROUND'),
      fail('DUPLICATE_UPDATE'),
      fail('NOT_TRAINER'),
      fail('WRONG_SHAPE'),
      fail('WRONG_SHAPE'),
      fail('WRONG_QUANTIZATION'),
      fail('WRONG_QUANTIZATION'),
      fail('OUT_OF_RANGE'),
      fail('MALFORMED_UPDATE'),
      fail('WRONG_BYTE_SIZE'),
    ])
    // Bytes that do not hash to the CID named: the blob is not available (a typed refusal).
    const other = updateBlob([9, 9, 9, 9, 9, 9])
    const tx = chain.sign(3, MsgSubmitUpdate, updateMsg(0n, 0n, good))
    const unavailable = await chain.blockOf([tx], new Map([[storeCid(good), other]]))
    assert.deepEqual(codes(unavailable), [fail('BLOB_MISMATCH')])
    const round = chain.query<{ updates: number }>('round', { subnet: '0' })
    assert.equal(round.updates, 1, 'only the first update is on record')
    assert.equal(chain.bond(0n, 'trainer', 2), TRAINER_BOND, "a refused update leaves the trainer's bond")
    assert.equal(chain.bond(0n, 'trainer', 3), TRAINER_BOND)
    assert.equal(chain.query<{ version: string }>('latestVersion', { subnet: '0' }).version, '0', 'and the global model')
    await chain.close()
  })

  it('refuses a late update (after the submit window, or to a closed round) and one to an unknown subnet', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.until(4)
    const late = await chain.block(chain.submit(2, good), chain.submit(3, good, {}, 0n, 9n))
    assert.deepEqual(codes(late), [fail('OUTSIDE_WINDOW'), fail('UNKNOWN_SUBNET')])
    await chain.until(6)
    const gap = await chain.block(chain.submit(2, good))
    assert.deepEqual(codes(gap), [fail('ROUND_CLOSED')], 'the current round in its gap')
    const inNext = await chain.block(chain.submit(2, good))
    assert.deepEqual(codes(inNext), [fail('ROUND_CLOSED')], 'an earlier round once the next opened')
    await chain.close()
  })

  it("refuses updates beyond the round's maxTrainers", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), { maxTrainers: 2 })
    const executed = await chain.block(
      chain.submit(2, good),
      chain.submit(3, updateBlob([6, -5, 4, -3, 2, -1])),
      chain.submit(4, updateBlob([-1, 1, -1, 1, -1, 9])),
    )
    assert.deepEqual(codes(executed), [['', 0], ['', 0], fail('ROUND_FULL')])
    await chain.close()
  })

  it("a declared blob the node did not load is the framework's BLOB_NOT_LOADED (no tx result), not a training code", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const tx = chain.sign(2, MsgSubmitUpdate, updateMsg(0n, 0n, good))
    await assert.rejects(chain.blockOf([tx], new Map()), (e: unknown) => e instanceof StateError && e.code === 'BLOB_NOT_LOADED')
    await chain.close()
  })

  it('charges gas_per_coordinate for every parameter of the update', async () => {
    const used: bigint[] = []
    for (const gas of ['1', '1001']) {
      const chain = await TrainingChain.withSubnet(
        dirs.next(),
        {},
        { genesis: trainingGenesisJson({ params: { gas_per_coordinate: gas } }) },
      )
      const executed = await chain.block(chain.submit(2, good))
      assert.equal(executed.txResults[0]!.code, 0)
      used.push(executed.txResults[0]!.gasUsed)
      await chain.close()
    }
    assert.equal(used[1]! - used[0]!, 1000n * BigInt(N))
  })
})

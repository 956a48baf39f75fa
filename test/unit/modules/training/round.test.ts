import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgUpdateSubnetParams } from '../../../../src/modules/subnets/index.js'
import { TRAINING_ERRORS } from '../../../../src/modules/training/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  ADMIN,
  AGGREGATOR_BOND,
  INITIAL_CID,
  N,
  TrainingChain,
  addr,
  codes,
  eventsOf,
  honestAggregate,
  testSubnetParams,
  trainingGenesisJson,
  updateBlob,
} from './harness.js'

const U = [
  { trainer: 2, values: [100, -200, 300, 0, 5, -5] },
  { trainer: 3, values: [120, -180, 280, 10, 5, -7] },
  { trainer: 4, values: [90, -210, 330, -10, 6, -4] },
]
const blobs = U.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
const expected = honestAggregate(U.map((u) => ({ values: u.values, weight: 100 })))

interface RoundJson {
  phase: string
  round: string
  open_height: string
  submit_end_height: string
  aggregate_end_height: string
  close_height: string
  base_version: string
  base_global_cid: string
  updates: number
  version: string | null
  closed: boolean
  rejections: { aggregator: string; slashed: string }[]
}
interface VersionJson {
  version: string
  round: string | null
  parent: string | null
  global_cid: string
  aggregate_cid: string | null
  included: { trainer: string; update_cid: string; sample_count: number }[]
  rule: string
  aggregator: string | null
  recorded_height: string
}

describe('training rounds on a chain: honest, lying and empty rounds', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('opens round 0 in the block after the subnet is created, with version 0 the initial model', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    assert.throws(() => chain.query('round', { subnet: '0' }), /training has not seen subnet 0/)
    const opened = await chain.block()
    assert.equal(eventsOf(opened, 'round_opened').length, 1)
    const round = chain.query<RoundJson>('round', { subnet: '0' })
    assert.deepEqual(
      [
        round.round,
        round.phase,
        round.open_height,
        round.submit_end_height,
        round.aggregate_end_height,
        round.close_height,
        round.base_version,
        round.base_global_cid,
      ],
      ['0', 'submit', '2', '5', '7', '7', '0', INITIAL_CID],
    )
    const v0 = chain.query<VersionJson>('latestVersion', { subnet: 0 })
    assert.deepEqual(
      [v0.version, v0.round, v0.parent, v0.global_cid, v0.aggregate_cid, v0.included.length, v0.recorded_height],
      ['0', null, null, INITIAL_CID, null, 0, '2'],
    )
    await chain.close()
  })

  it('runs an honest round: 3 updates, the correct aggregate accepted, version 1 recorded, round 1 trains it', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const submitted = await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    assert.deepEqual(codes(submitted), [
      ['', 0],
      ['', 0],
      ['', 0],
    ])
    assert.equal(eventsOf(submitted, 'update_submitted').length, 3)
    assert.equal(chain.query<RoundJson>('round', { subnet: '0' }).updates, 3)
    await chain.until(4)
    assert.equal(chain.query<RoundJson>('round', { subnet: '0' }).phase, 'aggregate')
    const aggregated = await chain.block(chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid))
    assert.deepEqual(codes(aggregated), [['', 0]])
    assert.equal(eventsOf(aggregated, 'aggregate_accepted')[0]!.version, '1')
    const v1 = chain.query<VersionJson>('version', { subnet: '0', version: '1' })
    assert.deepEqual(
      [v1.round, v1.parent, v1.global_cid, v1.aggregate_cid, v1.rule, v1.aggregator, v1.recorded_height],
      ['0', '0', expected.modelCid, expected.aggregateCid, 'fedavg', encodeAddress(addr(5)), '5'],
    )
    assert.deepEqual(
      v1.included.map((c) => [c.trainer, c.sample_count]),
      [...U]
        .map((u) => addr(u.trainer))
        .sort(Buffer.compare)
        .map((a) => [encodeAddress(a), 100]),
    )
    assert.equal(chain.query<RoundJson>('round', { subnet: '0' }).version, '1')
    const closed = await chain.until(7).then(() => chain.query<RoundJson>('round', { subnet: '0' }))
    assert.equal(closed.closed, true)
    chain.put(expected.modelBytes)
    await chain.block()
    const next = chain.query<RoundJson>('round', { subnet: '0' })
    assert.deepEqual(
      [next.round, next.open_height, next.base_version, next.base_global_cid, next.phase],
      ['1', '8', '1', expected.modelCid, 'submit'],
    )
    // Round 1 aggregates on top of version 1.
    const second = [{ trainer: 2, values: [1, 2, 3, 4, 5, 6] }]
    const secondBlobs = second.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
    await chain.block(chain.submit(2, secondBlobs[0]!.blob, {}, 1n))
    await chain.until(10)
    const expected2 = honestAggregate([{ values: second[0]!.values, weight: 100 }], expected.modelValues)
    const done = await chain.block(
      chain.aggregate(6, secondBlobs, expected2.aggregateCid, expected2.modelCid, { round: 1n, base: expected.modelCid }),
    )
    assert.deepEqual(codes(done), [['', 0]])
    const v2 = chain.query<VersionJson>('latestVersion', { subnet: '0' })
    assert.deepEqual([v2.version, v2.parent, v2.round, v2.global_cid], ['2', '1', '1', expected2.modelCid])
    assert.deepEqual(
      chain.query<{ versions: VersionJson[] }>('versions', { subnet: '0' }).versions.map((v) => v.version),
      ['0', '1', '2'],
    )
    await chain.close()
  })

  it('rejects a lying aggregator (tampered result or model CID): slashed in committed state, barred, and an honest one completes the round in the same window', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    await chain.until(4)
    const supplyBefore = chain.supply()
    const tampered = await chain.block(chain.aggregate(5, blobs, expected.modelCid, expected.modelCid))
    // A verdict, not a failure: the tx succeeds so that its slash is kept.
    assert.deepEqual(codes(tampered), [['', 0]])
    const rejected = eventsOf(tampered, 'aggregate_rejected')[0]!
    assert.equal(rejected.code, String(TRAINING_ERRORS.WRONG_AGGREGATE))
    assert.equal(rejected.expected_result_cid, expected.aggregateCid)
    const slashed = AGGREGATOR_BOND / 10n
    assert.equal(rejected.slashed, String(slashed))
    assert.equal(chain.supply(), supplyBefore - slashed, 'the slash is burned: supply drops by exactly the slashed amount')
    assert.equal(chain.bond(0n, 'aggregator', 5), AGGREGATOR_BOND - slashed)
    assert.deepEqual(
      eventsOf(tampered, 'subnet_aggregator_barred').map((e) => e.aggregator),
      [encodeAddress(addr(5))],
    )
    const round = chain.query<RoundJson>('round', { subnet: '0' })
    assert.deepEqual([round.version, round.rejections.length, round.rejections[0]!.slashed], [null, 1, String(slashed)])
    // The liar cannot try again this round; an honest aggregator completes it in the same window.
    const after = await chain.block(
      chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid),
      chain.aggregate(6, blobs, expected.aggregateCid, expected.modelCid),
    )
    assert.deepEqual(codes(after), [
      ['training', TRAINING_ERRORS.AGGREGATOR_BARRED],
      ['', 0],
    ])
    assert.equal(chain.query<VersionJson>('latestVersion', { subnet: '0' }).aggregator, encodeAddress(addr(6)))
    assert.equal(chain.supply(), supplyBefore - slashed, 'the honest aggregate moves no tokens')
    await chain.close()
  })

  it('rejects a tampered new-model CID with the right aggregate CID the same way', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    await chain.until(4)
    const tampered = await chain.block(chain.aggregate(6, blobs, expected.aggregateCid, INITIAL_CID))
    assert.equal(eventsOf(tampered, 'aggregate_rejected')[0]!.expected_global_cid, expected.modelCid)
    assert.equal(chain.bond(0n, 'aggregator', 6), AGGREGATOR_BOND - AGGREGATOR_BOND / 10n)
    assert.equal(chain.query<RoundJson>('round', { subnet: '0' }).version, null)
    await chain.close()
  })

  it('closes a round without a valid aggregate without a version; the next round trains the same model, and a liar slashed below the minimum bond may not aggregate', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    await chain.until(4)
    await chain.block(chain.aggregate(5, blobs, expected.modelCid, expected.modelCid))
    await chain.until(6)
    const closing = await chain.block()
    assert.deepEqual(
      eventsOf(closing, 'round_closed').map((e) => [e.round, e.outcome]),
      [['0', 'no_version']],
    )
    await chain.block()
    const next = chain.query<RoundJson>('round', { subnet: '0' })
    assert.deepEqual([next.round, next.base_version, next.base_global_cid], ['1', '0', INITIAL_CID])
    assert.equal(chain.query<VersionJson>('latestVersion', { subnet: '0' }).version, '0')
    await chain.block(chain.submit(2, blobs[0]!.blob, {}, 1n))
    await chain.until(10)
    const refused = await chain.block(chain.aggregate(5, [blobs[0]!], expected.aggregateCid, expected.modelCid, { round: 1n }))
    assert.deepEqual(codes(refused), [['training', TRAINING_ERRORS.BOND_BELOW_MINIMUM]])
    await chain.close()
  })

  it('an empty round closes without a version and the next opens gap blocks later', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.until(6)
    const closing = await chain.block()
    assert.deepEqual(
      eventsOf(closing, 'round_closed').map((e) => [e.round, e.updates, e.outcome]),
      [['0', '0', 'no_version']],
    )
    const closed = chain.query<RoundJson & { next_open_height: string }>('round', { subnet: '0' })
    assert.deepEqual([closed.round, closed.phase, closed.next_open_height], ['0', 'closed', '8'])
    const opening = await chain.block()
    assert.deepEqual(
      eventsOf(opening, 'round_opened').map((e) => [e.round, e.base_version]),
      [['1', '0']],
    )
    await chain.close()
  })

  it('applies params set during a round when the next round opens', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block([
      ADMIN,
      MsgUpdateSubnetParams,
      { subnet: 0n, params: testSubnetParams({ sampleCap: 50, timing: { submitWindow: 2, aggregateWindow: 1, gap: 3 } }) },
    ])
    await chain.until(7)
    const opened = await chain.block()
    assert.equal(eventsOf(opened, 'subnet_params_applied').length, 1)
    const round = chain.query<RoundJson & { sample_cap: number }>('round', { subnet: '0' })
    assert.deepEqual([round.round, round.sample_cap, round.submit_end_height, round.close_height], ['1', 50, '10', '11'])
    assert.equal(chain.query<RoundJson & { sample_cap: number }>('round', { subnet: '0', round: '0' }).sample_cap, 600)
    await chain.close()
  })

  it('refuses an update from a trainer whose bond is below the minimum in force for the round', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block(
      [ADMIN, MsgUpdateSubnetParams, { subnet: 0n, params: testSubnetParams({ minTrainerBond: 2000n }) }],
      chain.submit(2, blobs[0]!.blob),
    )
    await chain.until(7)
    const executed = await chain.block(chain.submit(3, blobs[1]!.blob, {}, 1n))
    assert.deepEqual(codes(executed), [['training', TRAINING_ERRORS.BOND_BELOW_MINIMUM]])
    await chain.close()
  })

  it('a score window (module param) lies between the aggregate window and the close; no aggregate is taken in it', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, { genesis: trainingGenesisJson({ params: { score_window: 2 } }) })
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    await chain.until(6)
    const round = chain.query<RoundJson>('round', { subnet: '0' })
    assert.deepEqual([round.phase, round.close_height], ['score', '9'])
    const late = await chain.block(chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid))
    assert.deepEqual(codes(late), [['training', TRAINING_ERRORS.OUTSIDE_WINDOW]])
    await chain.until(9)
    assert.equal(chain.query<RoundJson>('round', { subnet: '0' }).closed, true)
    assert.equal(N, 6)
    await chain.close()
  })
})

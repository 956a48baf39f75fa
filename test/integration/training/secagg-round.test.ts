import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../src/fl/rules/repfedavg.js'
import { MAX_SIGNED_RESIDUE } from '../../../src/fl/secagg/index.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { MsgCreateSubnet } from '../../../src/modules/subnets/index.js'
import { TRAINING_ERRORS } from '../../../src/modules/training/index.js'
import { MsgSecAggReveal, MsgSecAggSetup } from '../../../src/modules/training/secagg-messages.js'
import { CHAIN_ID, FEE, GAS_LIMIT, testKey } from '../../helpers/chain.js'
import { encode } from '../../../src/codec/index.js'
import { signTx } from '../../../src/state/index.js'
import { tempDirs } from '../../support/chain.js'
import { AGGREGATOR, TIMING, TRAINERS, plain, samples, secAggGenesis as genesis, subnetChain, trainerSide } from './secagg-support.js'
import { dec } from '../../unit/modules/subnets/harness.js'
import {
  ADMIN,
  INITIAL_VALUES,
  N,
  SCALE,
  TrainingChain,
  type Tx,
  addr,
  codes,
  createTrainingSubnet,
  eventsOf,
} from '../../unit/modules/training/harness.js'

/**
 * A secure-aggregation round on a real chain (every block executed, committed and its invariants
 * checked): 8 trainers set up, 6 submit masked updates, 2 drop out; their holders reveal shares,
 * the chain rebuilds the dropped trainers' masks and accepts exactly the aggregate and next model
 * that a plain FedAvg subnet computes from the 6 survivors' plaintext updates.
 */
const OUTSIDER = 11
const DROPPED = [4, 8]
const SURVIVORS = TRAINERS.filter((t) => !DROPPED.includes(t))
const fail = (code: keyof typeof TRAINING_ERRORS): [string, number] => ['training', TRAINING_ERRORS[code]]
const OK: [string, number] = ['', 0]

function expectedBlobs(base = INITIAL_VALUES) {
  const values = getAggregationRule('fedavg').reference({
    updates: SURVIVORS.map((t) => plain.get(t)!),
    weights: SURVIVORS.map((t) => samples.get(t)!),
    reputations: SURVIVORS.map(() => REPUTATION_UNIT),
  }).values
  return {
    aggregate: encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values }),
    model: encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: Int32Array.from(base, (v, i) => v + values[i]!) }),
  }
}

describe('secure aggregation on chain: a secagg-fedavg round with dropouts', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('8 trainers, 2 drop after setup: the chain accepts exactly the plain-FedAvg aggregate and model of the 6 survivors (the same CIDs as a plaintext fedavg subnet)', async () => {
    const side = trainerSide(TRAINERS)
    const chain = await subnetChain(dirs.next(), 'secagg-fedavg', TRAINERS)
    // round 0: open 2, setup 2..3, masked updates 4..5, aggregate window 6..8
    const setups = await chain.block(...TRAINERS.map((t): Tx => [t, MsgSecAggSetup, side.setupMsg(t)]))
    assert.deepEqual(
      codes(setups),
      TRAINERS.map(() => OK),
    )
    await chain.until(3)
    const blobs = new Map(SURVIVORS.map((t) => [t, side.masked(t, TRAINERS)]))
    const submitted = await chain.block(...SURVIVORS.map((t) => chain.submit(t, blobs.get(t)!, { sampleCount: samples.get(t)! })))
    assert.deepEqual(
      codes(submitted),
      SURVIVORS.map(() => OK),
    )
    await chain.until(5)

    const expected = expectedBlobs()
    const resultCid = chain.put(expected.aggregate)
    const modelCid = chain.put(expected.model)
    const included = SURVIVORS.map((t) => ({ trainer: t, blob: blobs.get(t)! }))
    // before the reveals the dropped trainers' masks cannot be removed: a refusal, no slash
    const early = await chain.block(chain.aggregate(AGGREGATOR, included, resultCid, modelCid))
    assert.deepEqual(codes(early), [fail('SECAGG_SHARES_MISSING')])

    // every surviving holder reveals its share of each dropped trainer
    const reveals = SURVIVORS.map((h): Tx => {
      const owed = DROPPED.filter((u) => side.holdersOf(u).includes(h))
      return [h, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: owed.map((u) => ({ dealer: addr(u), share: side.share(u, h) })) }]
    }).filter((tx) => (tx[2] as { reveals: unknown[] }).reveals.length > 0)
    const revealed = await chain.block(...reveals)
    assert.deepEqual(
      codes(revealed),
      reveals.map(() => OK),
    )

    // a chain started from an export here (rosters, setups, reveals in its genesis) accepts the same aggregate
    const exported = chain.app.exportAppState()
    const restarted = await TrainingChain.open(dirs.next(), {
      genesis: { ...genesis(), initial_height: chain.height + 1, app_state: exported },
    })
    assert.deepEqual(restarted.app.exportAppState(), exported)
    for (const [cid, bytes] of chain.blobs) restarted.blobs.set(cid, bytes)
    const [, type, message] = chain.aggregate(AGGREGATOR, included, resultCid, modelCid)
    const nonce = BigInt(
      (restarted.app.query('auth', 'account', { address: testKey(AGGREGATOR).publicKey.address }) as { nonce: string }).nonce,
    )
    const tx = signTx(testKey(AGGREGATOR), {
      chainId: CHAIN_ID,
      nonce,
      fee: FEE,
      gasLimit: GAS_LIMIT,
      messages: [encode(type, message as never)],
      memo: '',
    })
    assert.equal(eventsOf(await restarted.blockOf([tx]), 'aggregate_accepted').length, 1)
    await restarted.close()

    const accepted = await chain.block(chain.aggregate(AGGREGATOR, included, resultCid, modelCid))
    assert.deepEqual(codes(accepted), [OK])
    assert.equal(eventsOf(accepted, 'aggregate_accepted').length, 1)
    assert.equal(eventsOf(accepted, 'aggregate_rejected').length, 0)
    // the round's record as daemons read it: who survived, who dropped (and how many shares of it are out), each survivor's share of the weight
    type Member = {
      trainer: string
      status: string
      weight: number
      contribution: string
      revealed: number
      round_key: string | null
      shares: unknown[]
    }
    const record = chain.query<{ degree: number; threshold: number; roster: Member[] }>('secaggRound', { subnet: '0', round: '0' })
    assert.deepEqual([record.degree, record.threshold, record.roster.length], [6, 4, 8])
    const byTrainer = new Map(record.roster.map((m) => [m.trainer, m]))
    const total = SURVIVORS.reduce((a, t) => a + samples.get(t)!, 0)
    for (const t of SURVIVORS) {
      const m = byTrainer.get(testKey(t).publicKey.address)!
      assert.deepEqual([m.status, m.weight, m.shares.length], ['survivor', samples.get(t)!, 6])
      assert.ok(Math.abs(Number(m.contribution) - samples.get(t)! / total) < 1e-15)
    }
    for (const t of DROPPED) {
      const m = byTrainer.get(testKey(t).publicKey.address)!
      assert.deepEqual([m.status, m.weight, m.contribution], ['dropped', 0, '0'])
      assert.ok(m.revealed >= 4, `${m.revealed} shares of a dropped trainer revealed`)
    }
    const version = chain.query<{ version: { globalCid?: string; global_cid?: string } }>('version', { subnet: '0', version: '1' })
    assert.ok(JSON.stringify(version).includes(modelCid))

    // once the round closes, its dealt shares and reveals leave state; who set up (and so the statuses) stays
    const { close_height } = chain.query<{ close_height: string }>('round', { subnet: '0', round: '0' })
    const secaggRecords = () => {
      const app = chain.app.exportAppState() as { training: { secagg: { setups: { shares: unknown[] }[]; reveals: unknown[] }[] } }
      return app.training.secagg
    }
    assert.ok(secaggRecords()[0]!.reveals.length > 0 && secaggRecords()[0]!.setups.every((x) => x.shares.length > 0))
    await chain.until(Number(close_height))
    const [closed] = secaggRecords()
    assert.deepEqual([closed!.setups.length, closed!.reveals.length], [TRAINERS.length, 0])
    assert.ok(closed!.setups.every((x) => x.shares.length === 0))
    const after = chain.query<{ roster: Member[] }>('secaggRound', { subnet: '0', round: '0' }).roster
    assert.deepEqual(
      after.map((m) => m.status),
      record.roster.map((m) => m.status),
    )
    assert.ok(after.every((m) => m.shares.length === 0 && m.revealed === 0))
    await chain.close()

    // the same round in the clear: a fedavg subnet whose 6 trainers submit their plaintext updates
    const clear = await subnetChain(dirs.next(), 'fedavg', SURVIVORS)
    await clear.block(
      ...SURVIVORS.map((t) =>
        clear.submit(t, encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: plain.get(t)! }), {
          sampleCount: samples.get(t)!,
        }),
      ),
    )
    await clear.until(5)
    const plainIncluded = SURVIVORS.map((t) => ({
      trainer: t,
      blob: encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: plain.get(t)! }),
    }))
    clear.put(expected.aggregate)
    clear.put(expected.model)
    const plainAccepted = await clear.block(clear.aggregate(AGGREGATOR, plainIncluded, resultCid, modelCid))
    assert.deepEqual(codes(plainAccepted), [OK])
    assert.equal(eventsOf(plainAccepted, 'aggregate_accepted').length, 1, 'the plaintext chain accepts the very same result and model CIDs')
    await clear.close()
  })

  it('a wrong aggregate on masked updates is a verdict (slash and bar) like any other', async () => {
    const side = trainerSide(TRAINERS)
    const chain = await subnetChain(dirs.next(), 'secagg-fedavg', TRAINERS)
    await chain.block(...TRAINERS.map((t): Tx => [t, MsgSecAggSetup, side.setupMsg(t)]))
    await chain.until(3)
    const blobs = new Map(TRAINERS.map((t) => [t, side.masked(t, TRAINERS)]))
    await chain.block(...TRAINERS.map((t) => chain.submit(t, blobs.get(t)!, { sampleCount: samples.get(t)! })))
    await chain.until(5)
    // every trainer submitted: the masks cancel with no reveal; claim the survivors-only result instead of all 8
    const wrong = expectedBlobs()
    const executed = await chain.block(
      chain.aggregate(
        AGGREGATOR,
        TRAINERS.map((t) => ({ trainer: t, blob: blobs.get(t)! })),
        chain.put(wrong.aggregate),
        chain.put(wrong.model),
      ),
    )
    assert.deepEqual(codes(executed), [OK])
    assert.equal(eventsOf(executed, 'aggregate_rejected').length, 1)
    await chain.close()
  })

  it('refuses, each with its code and nothing recorded: late or early messages, strangers, duplicates, bad shares and reveals for survivors', async () => {
    const trainers = [2, 3, 4, 5]
    const side = trainerSide(trainers)
    const chain = await subnetChain(dirs.next(), 'secagg-fedavg', trainers)
    const good = side.setupMsg(2)
    const tooFew = { ...side.setupMsg(3), shares: side.setupMsg(3).shares.slice(1) }
    const reordered = { ...side.setupMsg(3), shares: [...side.setupMsg(3).shares].reverse() }
    const lowOrder = { ...side.setupMsg(3), roundKey: new Uint8Array(32) }
    const first = await chain.block(
      [2, MsgSecAggSetup, good],
      [2, MsgSecAggSetup, good],
      [3, MsgSecAggSetup, tooFew],
      [3, MsgSecAggSetup, reordered],
      [3, MsgSecAggSetup, lowOrder],
      [OUTSIDER, MsgSecAggSetup, side.setupMsg(3)],
      chain.submit(2, side.masked(2, [2]), { sampleCount: samples.get(2)! }),
    )
    assert.deepEqual(codes(first), [
      OK,
      fail('SECAGG_DUPLICATE_SETUP'),
      fail('SECAGG_BAD_SETUP'),
      fail('SECAGG_BAD_SETUP'),
      fail('SECAGG_BAD_SETUP'),
      fail('NOT_TRAINER'),
      fail('SECAGG_SETUP_PHASE'),
    ])
    const second = await chain.block([3, MsgSecAggSetup, side.setupMsg(3)], [4, MsgSecAggSetup, side.setupMsg(4)])
    assert.deepEqual(codes(second), [OK, OK])
    // height 4: the setup phase is over; trainer 5 never set up
    const setUp = [2, 3, 4]
    const third = await chain.block(
      [5, MsgSecAggSetup, side.setupMsg(5)],
      chain.submit(5, side.masked(5, setUp), { sampleCount: samples.get(5)! }),
      chain.submit(2, side.masked(2, setUp), { sampleCount: samples.get(2)! }),
      chain.submit(3, side.masked(3, setUp), { sampleCount: samples.get(3)! }),
    )
    assert.deepEqual(codes(third), [fail('SECAGG_SETUP_CLOSED'), fail('SECAGG_NO_SETUP'), OK, OK])
    // a reveal in the submit window
    const early = await chain.block([
      2,
      MsgSecAggReveal,
      { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), share: side.share(4, 2) }] },
    ])
    assert.deepEqual(codes(early), [fail('OUTSIDE_WINDOW')])
    await chain.until(5)
    // trainer 4 dropped; 2 and 3 hold shares of it (4 members: the complete graph, threshold 2)
    const wrongShare = side.share(4, 3).slice()
    wrongShare[65]! ^= 1
    const reveals = await chain.block(
      [2, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(3), share: side.share(3, 2) }] }],
      [5, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(2), share: side.share(4, 2) }] }],
      [OUTSIDER, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), share: side.share(4, 2) }] }],
      [3, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), share: wrongShare }] }],
      [3, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(5), share: side.share(4, 3) }] }],
      [2, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), share: side.share(4, 2) }] }],
      [2, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), share: side.share(4, 2) }] }],
      [3, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), share: side.share(4, 3) }] }],
    )
    assert.deepEqual(codes(reveals), [
      fail('SECAGG_NOT_DROPPED'), // 3 submitted
      fail('SECAGG_NOT_DROPPED'), // trainer 5 reveals for a survivor
      fail('SECAGG_NOT_IN_ROSTER'),
      fail('SECAGG_BAD_SHARE'),
      fail('SECAGG_NOT_DROPPED'), // 5 never set up: absent, not dropped
      OK,
      fail('SECAGG_DUPLICATE_REVEAL'),
      OK,
    ])
    // the two survivors' FedAvg, through the chain's reconstruction of 4's round key
    const values = getAggregationRule('fedavg').reference({
      updates: [plain.get(2)!, plain.get(3)!],
      weights: [samples.get(2)!, samples.get(3)!],
      reputations: [REPUTATION_UNIT, REPUTATION_UNIT],
    }).values
    const aggregate = encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values })
    const model = encodeUpdateBlob({
      dtype: 'int32',
      shape: [N],
      scale: SCALE,
      values: Int32Array.from(INITIAL_VALUES, (v, i) => v + values[i]!),
    })
    const included = [2, 3].map((t) => ({ trainer: t, blob: side.masked(t, setUp) }))
    const accepted = await chain.block(chain.aggregate(AGGREGATOR, included, chain.put(aggregate), chain.put(model)))
    assert.deepEqual(codes(accepted), [OK])
    assert.equal(eventsOf(accepted, 'aggregate_accepted').length, 1)
    await chain.close()
  })

  it('refuses secagg messages in a plain round, and a secagg subnet with int16 updates or a 1-block submit window', async () => {
    const chain = await subnetChain(dirs.next(), 'fedavg', [2, 3])
    const side = trainerSide([2, 3])
    assert.deepEqual(codes(await chain.block([2, MsgSecAggSetup, side.setupMsg(2)])), [fail('SECAGG_NOT_SECAGG')])
    assert.deepEqual(chain.query('secaggRound', { subnet: '0', round: '0' }), {
      rule: 'fedavg',
      round_id: null,
      setup_end_height: null,
      degree: null,
      threshold: null,
      roster: null,
    })
    const bad = await chain.block(
      [ADMIN, MsgCreateSubnet, createTrainingSubnet({ name: 'a' }, { aggregationRule: 'secagg-fedavg', timing: TIMING, sampleCap: 512 })],
      [
        ADMIN,
        MsgCreateSubnet,
        createTrainingSubnet(
          { name: 'b' },
          {
            aggregationRule: 'secagg-fedavg',
            timing: { ...TIMING, submitWindow: 1 },
            sampleCap: 512,
            quantization: { dtype: 'int32', scale: SCALE, maxAbs: MAX_SIGNED_RESIDUE, clipNorm: dec('5') },
          },
        ),
      ],
    )
    // stateless checks (validate): the tx fails with INVALID_MESSAGE naming the subnets code
    const logs = bad.txResults.map((r) => (r as { log?: string }).log ?? '')
    assert.ok(codes(bad).every(([, code]) => code !== 0))
    assert.match(logs[0]!, /INVALID_QUANTIZATION: secagg-fedavg carries masked updates/)
    assert.match(logs[1]!, /INVALID_TIMING: secagg-fedavg splits the submit window/)
    await chain.close()
  })
})

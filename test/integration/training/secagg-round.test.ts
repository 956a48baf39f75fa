import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../src/fl/rules/repfedavg.js'
import { MAX_SIGNED_RESIDUE } from '../../../src/fl/secagg/index.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { MsgCreateSubnet } from '../../../src/modules/subnets/index.js'
import { TRAINING_ERRORS } from '../../../src/modules/training/index.js'
import { MsgSecAggReveal, MsgSecAggSetup, SHARE_KIND_KEY, SHARE_KIND_SELF } from '../../../src/modules/training/secagg-messages.js'
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
 * checked): 8 trainers set up, 6 submit masked updates, 2 drop out; the holders reveal self shares
 * of the survivors and key shares of the dropped trainers, the chain rebuilds the survivors' self
 * masks and the dropped trainers' pairwise masks and accepts exactly the aggregate and next model
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
    // before the reveals no mask can be removed: a refusal, no slash. Then every surviving holder
    // reveals (one tx each) self shares of the survivors and key shares of the dropped trainers it
    // holds — but the holders of one survivor beyond t − 1 hold its self share back for a block
    const target = SURVIVORS[0]!
    const late = side
      .holdersOf(target)
      .filter((h) => SURVIVORS.includes(h))
      .slice(side.graph.threshold - 1)
    const withheld = (h: number, r: { dealer: Uint8Array; kind: number }) =>
      late.includes(h) && r.kind === SHARE_KIND_SELF && Buffer.from(r.dealer).equals(addr(target))
    const reveals = SURVIVORS.map(
      (h): Tx => [
        h,
        MsgSecAggReveal,
        { subnet: 0n, round: 0n, reveals: side.honestReveals(h, SURVIVORS, DROPPED).filter((r) => !withheld(h, r)) },
      ],
    )
    const first = await chain.block(chain.aggregate(AGGREGATOR, included, resultCid, modelCid), ...reveals)
    assert.deepEqual(codes(first), [fail('SECAGG_SHARES_MISSING'), ...reveals.map(() => OK)])
    assert.match(first.txResults[0]!.log ?? '', /0 of its 4 needed (self|key) shares/)
    // every dropped trainer's key is rebuildable now, but one survivor has t − 1 self shares: still missing
    const lateReveals = late.map(
      (h): Tx => [
        h,
        MsgSecAggReveal,
        { subnet: 0n, round: 0n, reveals: side.honestReveals(h, SURVIVORS, DROPPED).filter((r) => withheld(h, r)) },
      ],
    )
    const second = await chain.block(chain.aggregate(AGGREGATOR, included, resultCid, modelCid), ...lateReveals)
    assert.deepEqual(codes(second), [fail('SECAGG_SHARES_MISSING'), ...lateReveals.map(() => OK)])
    assert.match(second.txResults[0]!.log ?? '', /3 of its 4 needed self shares/)

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
      revealed_key: number
      revealed_self: number
      reveals: { holder: string; kind: string; share: string }[]
      round_key: string | null
      self_commitment: string | null
      shares: unknown[]
    }
    const record = chain.query<{ degree: number; threshold: number; roster: Member[] }>('secaggRound', { subnet: '0', round: '0' })
    assert.deepEqual([record.degree, record.threshold, record.roster.length], [6, 4, 8])
    const byTrainer = new Map(record.roster.map((m) => [m.trainer, m]))
    const total = SURVIVORS.reduce((a, t) => a + samples.get(t)!, 0)
    for (const t of SURVIVORS) {
      const m = byTrainer.get(testKey(t).publicKey.address)!
      assert.deepEqual([m.status, m.weight, m.shares.length, m.revealed_key], ['survivor', samples.get(t)!, 6, 0])
      assert.ok(m.revealed_self >= 4 && m.reveals.every((r) => r.kind === 'self'), `${m.revealed_self} self shares of a survivor revealed`)
      assert.ok(Math.abs(Number(m.contribution) - samples.get(t)! / total) < 1e-15)
    }
    for (const t of DROPPED) {
      const m = byTrainer.get(testKey(t).publicKey.address)!
      assert.deepEqual([m.status, m.weight, m.contribution, m.revealed_self], ['dropped', 0, '0', 0])
      assert.ok(
        m.revealed_key >= 4 && m.reveals.every((r) => r.kind === 'key'),
        `${m.revealed_key} key shares of a dropped trainer revealed`,
      )
      // the query carries the shares themselves (daemons rebuild from it, not from the store's layout)
      const h = TRAINERS.find((x) => testKey(x).publicKey.address === m.reveals[0]!.holder)!
      assert.equal(m.reveals[0]!.share, Buffer.from(side.share(t, h)).toString('hex'))
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
    assert.ok(after.every((m) => m.shares.length === 0 && m.revealed_key === 0 && m.revealed_self === 0 && m.reveals.length === 0))
    assert.ok(
      after.every((m) => m.self_commitment !== null),
      "a closed round keeps each setup's seed commitment",
    )
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
    // every trainer submitted: the pairwise masks cancel, the self masks go with the revealed self shares;
    // claim the survivors-only result instead of all 8
    const reveals = side.revealTxs(TRAINERS, [])
    assert.deepEqual(
      codes(await chain.block(...reveals)),
      reveals.map(() => OK),
    )
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

  it('refuses, each with its code and nothing recorded: late or early messages, strangers, duplicates, bad shares, key shares of survivors and self shares of dropped trainers', async () => {
    // 6 members: the complete graph, threshold 3, so the 4 survivors can rebuild each other's self seeds
    const trainers = [2, 3, 4, 5, 6, 7]
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
    const second = await chain.block(...[3, 4, 6, 7].map((t): Tx => [t, MsgSecAggSetup, side.setupMsg(t)]))
    assert.deepEqual(codes(second), [OK, OK, OK, OK])
    // height 4: the setup phase is over; trainer 5 never set up
    const setUp = [2, 3, 4, 6, 7]
    const survivors = [2, 3, 6, 7]
    const third = await chain.block(
      [5, MsgSecAggSetup, side.setupMsg(5)],
      chain.submit(5, side.masked(5, setUp), { sampleCount: samples.get(5)! }),
      ...survivors.map((t) => chain.submit(t, side.masked(t, setUp), { sampleCount: samples.get(t)! })),
    )
    assert.deepEqual(codes(third), [fail('SECAGG_SETUP_CLOSED'), fail('SECAGG_NO_SETUP'), OK, OK, OK, OK])
    // a reveal in the submit window
    const early = await chain.block([
      2,
      MsgSecAggReveal,
      { subnet: 0n, round: 0n, reveals: [{ dealer: addr(4), kind: SHARE_KIND_KEY, share: side.share(4, 2) }] },
    ])
    assert.deepEqual(codes(early), [fail('OUTSIDE_WINDOW')])
    await chain.until(5)
    // trainer 4 dropped; 2, 3, 6 and 7 survived; each holds shares of all the others
    const wrongShare = side.share(4, 3).slice()
    wrongShare[65]! ^= 1
    const reveal = (h: number, dealer: number, kind: number, share: Uint8Array): Tx => [
      h,
      MsgSecAggReveal,
      { subnet: 0n, round: 0n, reveals: [{ dealer: addr(dealer), kind, share }] },
    ]
    const [KEY, SELF] = [SHARE_KIND_KEY, SHARE_KIND_SELF]
    const included = survivors.map((t) => ({ trainer: t, blob: side.masked(t, setUp) }))
    const values = getAggregationRule('fedavg').reference({
      updates: survivors.map((t) => plain.get(t)!),
      weights: survivors.map((t) => samples.get(t)!),
      reputations: survivors.map(() => REPUTATION_UNIT),
    }).values
    const aggregateTx = () => chain.aggregate(AGGREGATOR, included, chain.put(aggregate), chain.put(model))
    const aggregate = encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values })
    const model = encodeUpdateBlob({
      dtype: 'int32',
      shape: [N],
      scale: SCALE,
      values: Int32Array.from(INITIAL_VALUES, (v, i) => v + values[i]!),
    })
    const reveals = await chain.block(
      reveal(2, 3, KEY, side.share(3, 2)),
      reveal(5, 2, KEY, side.share(4, 2)),
      reveal(OUTSIDER, 4, KEY, side.share(4, 2)),
      reveal(3, 4, KEY, wrongShare),
      reveal(3, 5, KEY, side.share(4, 3)),
      reveal(2, 4, SELF, side.selfShare(4, 2)),
      reveal(3, 5, SELF, side.selfShare(4, 3)),
      reveal(2, 3, SELF, side.share(3, 2)),
      reveal(2, 3, 2, side.selfShare(3, 2)),
      reveal(2, 4, KEY, side.share(4, 2)),
      reveal(2, 4, KEY, side.share(4, 2)),
      reveal(3, 4, KEY, side.share(4, 3)),
      aggregateTx(),
    )
    assert.deepEqual(codes(reveals), [
      fail('SECAGG_NOT_DROPPED'), // a key share of a survivor: 3 submitted
      fail('SECAGG_NOT_DROPPED'), // trainer 5 reveals for a survivor
      fail('SECAGG_NOT_IN_ROSTER'),
      fail('SECAGG_BAD_SHARE'),
      fail('SECAGG_NOT_DROPPED'), // 5 never set up: absent, not dropped
      fail('SECAGG_NOT_SURVIVOR'), // a self share of a dropped trainer: its seed stays secret
      fail('SECAGG_NOT_SURVIVOR'), // a self share of an absent one
      fail('SECAGG_BAD_SHARE'), // a key share passed off as a self share: the self commitment catches it
      fail('SECAGG_BAD_SHARE'), // a kind that is neither
      OK,
      fail('SECAGG_DUPLICATE_REVEAL'),
      OK,
      fail('SECAGG_SHARES_MISSING'), // 2 of 4's 3 key shares, no survivor's self seed yet
    ])
    // 6 and 7 reveal all they owe; 2 and 3 the self shares of the other survivors (one twice)
    const rest = (h: number) => side.honestReveals(h, survivors, [4]).filter((r) => r.kind === SELF)
    const selfReveals = await chain.block(
      reveal(2, 3, SELF, side.selfShare(3, 2)),
      reveal(2, 3, SELF, side.selfShare(3, 2)),
      ...side
        .revealTxs([6, 7], [4])
        .map(([h]): Tx => [h, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: side.honestReveals(h, survivors, [4]) }]),
      [2, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: rest(2).filter((r) => !Buffer.from(r.dealer).equals(addr(3))) }],
      [3, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: rest(3) }],
    )
    assert.deepEqual(codes(selfReveals), [OK, fail('SECAGG_DUPLICATE_REVEAL'), OK, OK, OK, OK])
    // the four survivors' FedAvg, through the chain's reconstruction of their self seeds and 4's round key
    const accepted = await chain.block(aggregateTx())
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

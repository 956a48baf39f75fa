import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { AdmissionShare, type LoopClock, batchRank } from '../../../../src/node/mempool/index.js'
import { TxBatch } from '../../../../src/node/schemas.js'
import { TxGossip } from '../../../../src/node/tx-gossip.js'
import { silentLog, tx } from './fixture.js'

/** A loop clock the test drives: `busy(ms)` advances both wall and busy time, `idle(ms)` only wall. */
function fakeLoop() {
  const state = { now: 0, active: 0 }
  const clock: LoopClock = { now: () => state.now, active: () => state.active }
  return {
    clock,
    busy(ms: number) {
      state.now += ms
      state.active += ms
    },
    idle(ms: number) {
      state.now += ms
    },
  }
}

const CONFIG = { maxShare: 0.5, saturated: 0.9, windowMs: 100 }

/** A share on a fake loop whose first window was fully busy, `admissionMs` of it admitting. */
function afterSaturatedWindow(admissionMs: number) {
  const loop = fakeLoop()
  const share = new AdmissionShare(CONFIG, loop.clock)
  share.spent(admissionMs)
  loop.busy(100)
  return { loop, share }
}

describe('gossip admission share', () => {
  it('keeps every batch while the loop is not saturated, however much of it admission took', () => {
    const loop = fakeLoop()
    const share = new AdmissionShare(CONFIG, loop.clock)
    for (let i = 0; i < 20; i++) {
      assert.ok(share.allows(0.99))
      share.spent(40)
      loop.busy(40)
      loop.idle(20) // 67 % busy
    }
    assert.equal(share.keep, 1)
    assert.equal(share.dropped, 0)
  })

  it('scales the kept fraction by maxShare over the share a saturated window spent on admission', () => {
    const { share } = afterSaturatedWindow(80)
    assert.equal(share.keep, 0.5 / 0.8)
    assert.equal(share.allows(0.7), false)
    assert.equal(share.allows(0.6), true)
    assert.equal(share.dropped, 1)
  })

  it('grows the kept fraction back by a quarter per window once admission is within its share', () => {
    const { loop, share } = afterSaturatedWindow(100)
    assert.equal(share.keep, 0.5)
    loop.busy(100) // saturated, but nothing spent on admission
    assert.equal(share.keep, 0.625)
    for (let i = 0; i < 5; i++) loop.idle(100)
    loop.idle(1)
    assert.equal(share.keep, 1)
  })

  it('holds a saturated loop’s admission near its share', () => {
    const loop = fakeLoop()
    const share = new AdmissionShare(CONFIG, loop.clock)
    let admittedMs = 0
    // Batches of 5 ms arrive back to back with 1 ms of other work between them, ranks spread evenly.
    for (let i = 0; i < 4000; i++) {
      if (share.allows((((i * 0.618034) % 1) + 1) % 1)) {
        share.spent(5)
        admittedMs += 5
        loop.busy(5)
      }
      loop.busy(1)
    }
    const fraction = admittedMs / loop.clock.now()
    assert.ok(fraction > 0.35 && fraction < 0.62, `admission took ${(100 * fraction).toFixed(0)} % of the loop`)
  })

  it('ranks a batch by its own bytes, so every node that sheds keeps nested sets of the same batches', () => {
    const batches = Array.from({ length: 200 }, (_, i) => encode(TxBatch, { txs: [tx(i % 8, BigInt(i))] }))
    const ranks = batches.map(batchRank)
    assert.deepEqual(batches.map(batchRank), ranks)
    assert.ok(ranks.every((r) => r >= 0 && r < 1))
    const below = (keep: number) => ranks.filter((r) => r < keep).length
    assert.ok(below(0.25) > 20 && below(0.25) < 80, `${below(0.25)} of 200 below 0.25`)
  })

  it('makes TxGossip ignore a batch unread when its rank is above the kept fraction', async () => {
    const loop = fakeLoop()
    const share = new AdmissionShare(CONFIG, loop.clock)
    let added = 0
    const gossip = new TxGossip({ add: () => (added++, { code: 'added' }) }, () => {}, silentLog, share)
    const batches = Array.from({ length: 50 }, (_, i) => encode(TxBatch, { txs: [tx(0, BigInt(i))] }))
    const high = batches.find((b) => batchRank(b) > 0.9)!
    const low = batches.find((b) => batchRank(b) < 0.1)!
    assert.equal(await gossip.validate(high, 'peer'), 'accept')
    share.spent(250)
    loop.busy(100) // admission "took" far more than its share: keep 0.2
    assert.equal(gossip.validate(high, 'peer'), 'ignore')
    assert.equal(added, 1, 'the dropped batch was not looked at')
    assert.equal(await gossip.validate(low, 'peer'), 'accept')
    assert.equal(added, 2)
    gossip.stop()
  })
})

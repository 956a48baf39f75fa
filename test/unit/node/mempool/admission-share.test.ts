import assert from 'node:assert/strict'
import { AdmissionShare, type LoopClock } from '../../../../src/node/mempool/index.js'
import { TxGossip } from '../../../../src/node/tx-gossip.js'
import { encode } from '../../../../src/codec/index.js'
import { TxBatch } from '../../../../src/node/schemas.js'
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

describe('gossip admission share', () => {
  it('admits everything while the loop is not saturated, however much of it admission took', () => {
    const loop = fakeLoop()
    const share = new AdmissionShare({ maxShare: 0.5, saturated: 0.9, windowMs: 100 }, loop.clock)
    for (let i = 0; i < 10; i++) {
      assert.ok(share.allows())
      share.spent(40)
      loop.busy(40)
      loop.idle(20) // 67 % busy
    }
    assert.equal(share.dropped, 0)
  })

  it('drops batches while a saturated loop spends more than maxShare on admission, and admits again when the share falls', () => {
    const loop = fakeLoop()
    const share = new AdmissionShare({ maxShare: 0.5, saturated: 0.9, windowMs: 100 }, loop.clock)
    // A window fully busy, 80 % of it admission.
    assert.ok(share.allows())
    share.spent(80)
    loop.busy(100)
    assert.equal(share.allows(), false, 'judged by the saturated window before')
    // The next window: busy with consensus only.
    loop.busy(60)
    assert.equal(share.allows(), true, 'the current window, old enough to judge, spent nothing on admission')
    assert.equal(share.dropped, 1)
  })

  it('keeps a saturated loop’s admission to its share', () => {
    const loop = fakeLoop()
    const share = new AdmissionShare({ maxShare: 0.5, saturated: 0.9, windowMs: 100 }, loop.clock)
    let admittedMs = 0
    // Batches of 5 ms arrive back to back; between batches 1 ms of other work.
    for (let i = 0; i < 2000; i++) {
      if (share.allows()) {
        share.spent(5)
        admittedMs += 5
        loop.busy(5)
      }
      loop.busy(1)
    }
    const wall = loop.clock.now()
    assert.ok(admittedMs / wall > 0.35 && admittedMs / wall <= 0.56, `admission took ${((100 * admittedMs) / wall).toFixed(0)} % of the loop`)
  })

  it('makes TxGossip ignore a batch unread while admission is over its share', () => {
    const loop = fakeLoop()
    const share = new AdmissionShare({ maxShare: 0.5, saturated: 0.9, windowMs: 100 }, loop.clock)
    let added = 0
    const gossip = new TxGossip({ add: () => (added++, { code: 'added' }) }, () => {}, silentLog, share)
    const batch = encode(TxBatch, { txs: [tx(0, 0n), tx(0, 1n)] })
    assert.equal(gossip.validate(batch, 'peer'), 'accept')
    assert.equal(added, 2)
    share.spent(90)
    loop.busy(100)
    assert.equal(gossip.validate(batch, 'peer'), 'ignore')
    assert.equal(added, 2, 'not one transaction of the dropped batch was looked at')
    gossip.stop()
  })
})

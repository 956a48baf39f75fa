import assert from 'node:assert/strict'
import { decode, encode } from '../../../src/codec/index.js'
import { batchRank } from '../../../src/node/mempool/index.js'
import { TxBatch } from '../../../src/node/schemas.js'
import { type TxAdmission, TxGossip } from '../../../src/node/tx-gossip.js'
import { TxError } from '../../../src/state/index.js'
import { silentLog, tx } from './mempool/fixture.js'

/** A mempool that records who each admitted tx came from, spending `busyMs` of the loop on each. */
function recordingPool(busyMs = 0, refuse: (bytes: Uint8Array) => TxError | null = () => null) {
  const sources: string[] = []
  const pool: TxAdmission = {
    add(bytes, options) {
      const until = performance.now() + busyMs
      while (performance.now() < until) {} // the signature check and state reads of a real admission
      const refusal = refuse(bytes)
      if (refusal !== null) throw refusal
      sources.push(options?.source ?? '')
      return { code: 'added' }
    },
  }
  return { pool, sources }
}

/** A batch of `count` distinct txs from sender `from`, nonces from `first`. */
function batch(from: number, count: number, first = 0n): Uint8Array {
  return encode(TxBatch, { txs: Array.from({ length: count }, (_, i) => tx(from, first + BigInt(i))) })
}

/** A batch like `batch(from, count, …)` whose rank (`batchRank`) is below `below` or, with `above`, at or above it. */
function rankedBatch(from: number, count: number, { below = 1, above = 0 }: { below?: number; above?: number }): Uint8Array {
  for (let first = 0n; first < 100_000n; first += 1000n) {
    const candidate = batch(from, count, first)
    const rank = batchRank(candidate)
    if (rank < below && rank >= above) return candidate
  }
  throw new Error('no batch of that rank')
}

/** Resolves on the next turn of the event loop's timers phase (where a socket's data would be read after). */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

describe('tx gossip: admission queued behind consensus', () => {
  it('answers a received batch after admitting it, not where it arrives', async () => {
    const { pool, sources } = recordingPool()
    const gossip = new TxGossip(pool, () => {}, silentLog)
    const verdict = gossip.validate(batch(0, 3), 'peerA')
    assert.ok(verdict instanceof Promise, 'a decodable batch is queued')
    assert.equal(sources.length, 0, 'nothing admitted inside validate')
    assert.equal(gossip.queued, 3)
    assert.equal(await verdict, 'accept')
    assert.deepEqual(sources, ['peerA', 'peerA', 'peerA'])
    assert.equal(gossip.queued, 0)
    gossip.stop()
  })

  it('lets a message that arrives behind a long batch run after one slice, not after the whole batch', async () => {
    // 60 txs at 1 ms each is ~60 ms of admission; the slice is 5 ms. Admitted where it arrived
    // (the old TxGossip), the whole batch would be in before anything else ran.
    const { pool, sources } = recordingPool(1)
    const gossip = new TxGossip(pool, () => {}, silentLog)
    const verdict = gossip.validate(batch(0, 60), 'peerA')
    await nextTurn()
    const admittedBeforeIt = sources.length
    assert.ok(admittedBeforeIt < 60, `${admittedBeforeIt} of 60 txs were admitted before the next message ran`)
    assert.equal(await verdict, 'accept')
    assert.equal(sources.length, 60)
    gossip.stop()
  })

  it('serves peers round-robin, a batch at a time', async () => {
    const { pool, sources } = recordingPool()
    const gossip = new TxGossip(pool, () => {}, silentLog)
    const verdicts = [
      gossip.validate(batch(0, 2, 0n), 'peerA'),
      gossip.validate(batch(0, 2, 2n), 'peerA'),
      gossip.validate(batch(0, 2, 4n), 'peerA'),
      gossip.validate(batch(1, 2), 'peerB'),
    ]
    assert.deepEqual(await Promise.all(verdicts), ['accept', 'accept', 'accept', 'accept'])
    assert.deepEqual(sources, ['peerA', 'peerA', 'peerB', 'peerB', 'peerA', 'peerA', 'peerA', 'peerA'])
    gossip.stop()
  })

  it('ignores a batch unread beyond the queue bound overall or per peer', async () => {
    const { pool, sources } = recordingPool()
    const gossip = new TxGossip(pool, () => {}, silentLog, undefined, { maxQueuedTxs: 10, maxQueuedTxsPerPeer: 6 })
    const low = { below: 0.05 } // low enough to be kept at any fill up to the bound
    const first = gossip.validate(rankedBatch(0, 4, low), 'peerA')
    assert.equal(gossip.validate(rankedBatch(3, 4, low), 'peerA'), 'ignore', 'peerA would hold 8 of its 6')
    const second = gossip.validate(rankedBatch(1, 4, low), 'peerB')
    assert.equal(gossip.validate(rankedBatch(2, 4, low), 'peerC'), 'ignore', 'the queue would hold 12 of 10')
    assert.equal(gossip.overflowed, 2)
    assert.equal(gossip.queued, 8)
    assert.deepEqual(await Promise.all([first, second]), ['accept', 'accept'])
    assert.equal(sources.length, 8, 'the ignored batches were never admitted')
    assert.ok(gossip.validate(rankedBatch(2, 4, low), 'peerC') instanceof Promise, 'room again once admitted')
    gossip.stop()
  })

  it('bounds the queue in bytes as well, overall and per peer', async () => {
    const { pool } = recordingPool()
    const low = { below: 0.05 }
    const a = rankedBatch(0, 3, low)
    const b = rankedBatch(1, 3, low)
    const bytesOf = (data: Uint8Array) => decode(TxBatch, data).txs.reduce((sum, t) => sum + t.length, 0)
    // Room for a's bytes and b's overall, for a's alone per peer, 5 % to spare (a full queue keeps
    // no rank at all); the counts never bind here.
    const gossip = new TxGossip(pool, () => {}, silentLog, undefined, {
      maxQueuedBytes: Math.ceil((bytesOf(a) + bytesOf(b)) * 1.05),
      maxQueuedBytesPerPeer: Math.ceil(bytesOf(a) * 1.05),
    })
    const queued = [gossip.validate(a, 'peerA')]
    assert.equal(gossip.validate(rankedBatch(0, 1, low), 'peerA'), 'ignore', "over peerA's bytes")
    queued.push(gossip.validate(b, 'peerB'))
    assert.equal(gossip.queuedBytes, bytesOf(a) + bytesOf(b))
    assert.equal(gossip.validate(rankedBatch(2, 1, low), 'peerC'), 'ignore', 'over the queue’s bytes')
    assert.equal(gossip.overflowed, 2)
    assert.deepEqual(await Promise.all(queued), ['accept', 'accept'])
    assert.equal(gossip.queuedBytes, 0)
    gossip.stop()
  })

  it('past half full sheds by rank: a high batch is ignored where a low one of the same size still gets in', async () => {
    const { pool } = recordingPool()
    const gossip = new TxGossip(pool, () => {}, silentLog, undefined, { maxQueuedTxs: 10, maxQueuedTxsPerPeer: 10 })
    const queued = [gossip.validate(rankedBatch(0, 4, { below: 0.5 }), 'peerA')] // 4 of 10: everything is kept
    // 6 of 10 would keep ranks below 0.8, 8 of 10 below 0.4.
    assert.equal(gossip.validate(rankedBatch(1, 2, { above: 0.8 }), 'peerB'), 'ignore')
    queued.push(gossip.validate(rankedBatch(1, 2, { below: 0.8 }), 'peerB'))
    assert.equal(gossip.validate(rankedBatch(2, 2, { above: 0.4 }), 'peerC'), 'ignore')
    queued.push(gossip.validate(rankedBatch(2, 2, { below: 0.4 }), 'peerC'))
    assert.equal(gossip.overflowed, 2)
    assert.equal(gossip.queued, 8)
    assert.deepEqual(await Promise.all(queued), ['accept', 'accept', 'accept'])
    gossip.stop()
  })

  it('rejects a batch at its first sender fault, leaves the rest unread and frees its place', async () => {
    const bad = tx(0, 1n)
    const { pool, sources } = recordingPool(0, (bytes) =>
      Buffer.from(bytes).equals(Buffer.from(bad)) ? new TxError('BAD_SIGNATURE', 'bad signature', {}) : null,
    )
    const gossip = new TxGossip(pool, () => {}, silentLog)
    const txs = [tx(0, 0n), bad, tx(0, 2n), tx(0, 3n)]
    assert.equal(await gossip.validate(encode(TxBatch, { txs }), 'peerA'), 'reject')
    assert.deepEqual(sources, ['peerA'], 'nothing after the fault was admitted')
    assert.equal(gossip.queued, 0)
    gossip.stop()
  })

  it('drops a stateful refusal without blaming the peer, and ignores a batch that added nothing', async () => {
    const { pool } = recordingPool(0, () => new TxError('REPLAYED', 'nonce already used', {}))
    const gossip = new TxGossip(pool, () => {}, silentLog)
    assert.equal(await gossip.validate(batch(0, 3), 'peerA'), 'ignore')
    gossip.stop()
  })

  it('rejects an undecodable batch at once, unqueued', () => {
    const { pool } = recordingPool()
    const gossip = new TxGossip(pool, () => {}, silentLog)
    assert.equal(gossip.validate(new Uint8Array([0xff, 0x01, 0x02, 0x03]), 'peerA'), 'reject')
    assert.equal(gossip.queued, 0)
    gossip.stop()
  })

  it('settles every queued batch as ignored on stop and admits nothing after', async () => {
    const { pool, sources } = recordingPool()
    const gossip = new TxGossip(pool, () => {}, silentLog)
    const verdicts = [gossip.validate(batch(0, 3), 'peerA'), gossip.validate(batch(1, 3), 'peerB')]
    gossip.stop()
    assert.deepEqual(await Promise.all(verdicts), ['ignore', 'ignore'])
    await nextTurn()
    assert.equal(sources.length, 0)
    assert.equal(gossip.queued, 0)
    assert.equal(gossip.validate(batch(2, 3), 'peerC'), 'ignore', 'a batch that arrives after stop')
    await nextTurn()
    assert.equal(sources.length, 0)
  })
})

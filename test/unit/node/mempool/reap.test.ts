import assert from 'node:assert/strict'
import { toHex } from '../../../../src/crypto/index.js'
import type { Mempool } from '../../../../src/node/mempool/index.js'
import { txHash } from '../../../../src/state/index.js'
import { blockAt, openPool, tx, type PoolFixture } from './fixture.js'

const hashOf = (bytes: Uint8Array) => toHex(txHash(bytes))

describe('mempool reap', () => {
  let fixture: PoolFixture
  let pool: Mempool

  beforeEach(async () => {
    fixture = await openPool()
    pool = fixture.pool
  })
  afterEach(() => fixture.close())

  /** Names the reaped transactions by the labels they were added under. */
  function labelled(entries: [string, Uint8Array][]): (reaped: Uint8Array[]) => string[] {
    for (const [, bytes] of entries) pool.add(bytes)
    const names = new Map(entries.map(([name, bytes]) => [hashOf(bytes), name]))
    return (reaped) => reaped.map((bytes) => names.get(hashOf(bytes))!)
  }

  it('orders senders by fee per gas, not by fee', () => {
    const names = labelled([
      ['a: 1000 per 200k gas', tx(0, 0n, { fee: 1_000n, gasLimit: 200_000n })],
      ['b: 600 per 100k gas', tx(1, 0n, { fee: 600n, gasLimit: 100_000n })],
      ['c: 100 per 10k gas', tx(2, 0n, { fee: 100n, gasLimit: 10_000n })],
    ])
    assert.deepEqual(names(pool.reap()), ['c: 100 per 10k gas', 'b: 600 per 100k gas', 'a: 1000 per 200k gas'])
  })

  it('keeps each sender’s transactions in nonce order, whatever their fees', () => {
    const names = labelled([
      ['a0', tx(0, 0n, { fee: 100n })],
      ['a1', tx(0, 1n, { fee: 90_000n })],
      ['a2', tx(0, 2n, { fee: 50n })],
      ['b0', tx(1, 0n, { fee: 500n })],
      ['b1', tx(1, 1n, { fee: 400n })],
    ])
    // b0 beats a0; then a0 (100) loses to b1 (400); a1 can only follow a0, and a2 follows a1.
    assert.deepEqual(names(pool.reap()), ['b0', 'b1', 'a0', 'a1', 'a2'])
  })

  it('breaks priority ties by arrival', () => {
    const names = labelled([
      ['c', tx(2, 0n)],
      ['a', tx(0, 0n)],
      ['b', tx(1, 0n)],
    ])
    assert.deepEqual(names(pool.reap()), ['c', 'a', 'b'])
    assert.deepEqual(
      pool.pending().map((entry) => entry.seq),
      [0, 1, 2],
    )
  })

  it('stops at the transaction count', () => {
    const names = labelled([
      ['a0', tx(0, 0n, { fee: 300n })],
      ['b0', tx(1, 0n, { fee: 200n })],
      ['a1', tx(0, 1n, { fee: 100n })],
    ])
    assert.deepEqual(names(pool.reap({ maxTxs: 2 })), ['a0', 'b0'])
    assert.deepEqual(pool.reap({ maxTxs: 0 }), [])
  })

  it('skips a sender whose next transaction would break the byte bound, and fills with others', () => {
    const big = tx(0, 0n, { fee: 10_000n, messages: 8 })
    const small = tx(1, 0n, { fee: 300n })
    const names = labelled([
      ['big a0', big],
      ['a1', tx(0, 1n, { fee: 10_000n })],
      ['b0', small],
      ['b1', tx(1, 1n, { fee: 200n })],
    ])
    assert.ok(big.length > 2 * small.length)
    const reaped = pool.reap({ maxBytes: 2 * small.length + 8 })
    assert.deepEqual(names(reaped), ['b0', 'b1'])
    assert.ok(reaped.reduce((sum, bytes) => sum + bytes.length, 0) <= 2 * small.length + 8)
    assert.deepEqual(names(pool.reap({ maxBytes: big.length + 2 * small.length + 8 })), ['big a0', 'a1', 'b0'])
  })

  it('keeps the sum of gas limits within the gas bound', () => {
    const names = labelled([
      ['a0 150k', tx(0, 0n, { fee: 3_000n, gasLimit: 150_000n })],
      ['b0 100k', tx(1, 0n, { fee: 1_000n, gasLimit: 100_000n })],
      ['c0 50k', tx(2, 0n, { fee: 400n, gasLimit: 50_000n })],
    ])
    assert.deepEqual(names(pool.reap({ maxGas: 200_000n })), ['a0 150k', 'c0 50k'])
    assert.deepEqual(names(pool.reap({ maxGas: 99_999n })), ['c0 50k'])
  })

  it('removes nothing, and lists pending transactions in the order it reaps them', () => {
    for (const bytes of [tx(0, 0n, { fee: 100n }), tx(1, 0n, { fee: 300n }), tx(0, 1n, { fee: 500n })]) pool.add(bytes)
    const first = pool.reap()
    assert.deepEqual(pool.reap(), first)
    assert.equal(pool.size, 3)
    assert.deepEqual(
      pool.pending().map((entry) => entry.bytes),
      first,
    )
    assert.deepEqual(
      pool.pending(2).map((entry) => entry.bytes),
      first.slice(0, 2),
    )
  })

  it('reaps a block the application executes with every transaction succeeding', () => {
    for (let nonce = 0n; nonce < 5n; nonce++) {
      for (let sender = 0; sender < 4; sender++)
        pool.add(tx(sender, nonce, { to: (sender + 1) % 4, amount: 10n, fee: 200n + BigInt(sender) * 50n - nonce * 20n }))
    }
    const reaped = pool.reap({ maxTxs: 15 })
    assert.equal(reaped.length, 15)
    const executed = fixture.app.executeBlock(blockAt(1, reaped))
    assert.deepEqual(
      executed.txResults.map((result) => result.code),
      new Array(15).fill(0),
    )
  })
})

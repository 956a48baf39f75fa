import assert from 'node:assert/strict'
import type { TxIndexReader } from '../../../../src/indexer/index.js'
import { MEMPOOL_CODES } from '../../../../src/node/mempool/index.js'
import type { FedraNode } from '../../../../src/node/node.js'
import { NodeRpcBackend } from '../../../../src/node/rpc-backend.js'
import { txHash } from '../../../../src/state/index.js'
import { address, mempoolError, openPool, snapshot, tx, type PoolFixture } from './fixture.js'

/** The same transaction with its signature's last byte flipped (the signature ends the encoding). */
const forged = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes, (b, i) => (i === bytes.length - 1 ? b ^ 0x01 : b))

describe('mempool under overload', () => {
  let fixture: PoolFixture

  afterEach(() => fixture.close())

  const full = async () => {
    fixture = await openPool({ maxTxs: 3 })
    for (const i of [0, 1, 2]) fixture.pool.add(tx(i, 0n, { fee: 100n }))
    return fixture.pool
  }

  it('refuses a bid no higher than the lowest pending one as FULL before verifying its signature', async () => {
    const pool = await full()
    const before = snapshot(pool)
    const error = mempoolError(() => pool.add(forged(tx(3, 0n, { fee: 100n }))), 'FULL')
    assert.deepEqual(
      { ...error.context, hash: undefined },
      { hash: undefined, size: 3, limit: 3, bytes: before.bytes, maxBytes: pool.config.maxBytes },
    )
    assert.equal(error.codespace, 'mempool')
    assert.equal(error.numericCode, 1)
    assert.deepEqual(snapshot(pool), before)
  })

  it('refuses a nonce ahead of the sender’s next as NONCE_TOO_HIGH before verifying, while full', async () => {
    const pool = await full()
    const error = mempoolError(() => pool.add(forged(tx(0, 3n, { fee: 1_000n }))), 'NONCE_TOO_HIGH')
    assert.deepEqual(error.context.tx, { txHash: error.context.hash, expected: '1', actual: '3' })
    assert.equal(error.codespace, 'tx')
  })

  it('verifies a bid that could evict: a forged one is BAD_SIGNATURE, a good one evicts', async () => {
    const pool = await full()
    mempoolError(() => pool.add(forged(tx(3, 0n, { fee: 200n }))), 'BAD_SIGNATURE')
    assert.equal(pool.add(tx(3, 0n, { fee: 200n })).evicted.length, 1)
  })

  it('does not remember a FULL answer: the same bytes are judged on their merits once there is room', async () => {
    const pool = await full()
    const bad = forged(tx(3, 0n, { fee: 100n }))
    mempoolError(() => pool.add(bad), 'FULL')
    await fixture.commit(pool.reap())
    mempoolError(() => pool.add(bad), 'BAD_SIGNATURE')
    assert.equal(pool.add(tx(3, 0n, { fee: 100n })).code, 'added')
    assert.equal(pool.nextNonce(address(3)), 1n)
  })

  it('refuses by bytes as well as by count, with the same typed FULL', async () => {
    const one = tx(0, 0n)
    fixture = await openPool({ maxBytes: 2 * one.length + 10, maxTxBytes: 2 * one.length + 10 })
    fixture.pool.add(tx(0, 0n, { fee: 100n }))
    fixture.pool.add(tx(1, 0n, { fee: 100n }))
    assert.ok(fixture.pool.size < fixture.pool.config.maxTxs)
    const error = mempoolError(() => fixture.pool.add(forged(tx(2, 0n, { fee: 100n }))), 'FULL')
    assert.equal(error.context.bytes, fixture.pool.bytes)
  })
})

describe('mempool depth on a proposer', () => {
  let fixture: PoolFixture

  afterEach(() => fixture.close())

  it('holds at most maxPendingBlocks of the block size its last reap asked for', async () => {
    fixture = await openPool({ maxTxs: 100, maxPendingBlocks: 2 })
    const { pool } = fixture
    assert.equal(pool.maxTxs, 100)
    assert.equal(pool.reap({ maxTxs: 2 }).length, 0)
    assert.equal(pool.maxTxs, 4)
    for (const i of [0, 1, 2, 3]) pool.add(tx(i, 0n, { fee: 100n }))
    const error = mempoolError(() => pool.add(tx(4, 0n, { fee: 100n })), 'FULL')
    assert.equal(error.context.limit, 4)
    // A better bid still evicts, within the same bound.
    assert.equal(pool.add(tx(4, 0n, { fee: 500n })).evicted.length, 1)
    assert.equal(pool.size, 4)
  })

  it('never goes above maxTxs, whatever block size is asked for', async () => {
    fixture = await openPool({ maxTxs: 3, maxPendingBlocks: 4 })
    fixture.pool.reap({ maxTxs: 1000 })
    assert.equal(fixture.pool.maxTxs, 3)
  })

  it('keeps maxTxs when nothing was reaped with a count (a node that never proposes)', async () => {
    fixture = await openPool({ maxTxs: 50, maxPendingBlocks: 1 })
    fixture.pool.reap({ maxBytes: 10_000 })
    fixture.pool.pending(2)
    assert.equal(fixture.pool.maxTxs, 50)
  })
})

describe('a full mempool at the RPC backend', () => {
  it('reports FULL with the pool’s fill and bounds, which tx_broadcast turns into -32010', async () => {
    const fixture = await openPool({ maxTxs: 1 })
    try {
      const { pool } = fixture
      const node = { submitTx: (bytes: Uint8Array) => pool.add(bytes), mempool: pool } as unknown as FedraNode
      const backend = new NodeRpcBackend(node, null as unknown as TxIndexReader)
      assert.deepEqual(backend.submitTx(tx(0, 0n)), { accepted: true, hash: txHash(tx(0, 0n)) })
      const refused = backend.submitTx(tx(1, 0n))
      assert.equal(refused.accepted, false)
      assert.ok(!refused.accepted)
      assert.deepEqual([refused.codespace, refused.code], ['mempool', MEMPOOL_CODES.FULL])
      assert.deepEqual(refused.full, { txs: 1, maxTxs: 1, bytes: pool.bytes, maxBytes: pool.config.maxBytes })
      // Any other refusal carries no fill.
      const replayed = backend.submitTx(tx(0, 0n, { fee: 999n }))
      assert.ok(!replayed.accepted && replayed.full === undefined)
    } finally {
      await fixture.close()
    }
  })
})

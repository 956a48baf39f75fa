import assert from 'node:assert/strict'
import { toHex } from '../../../../src/crypto/index.js'
import { txHash } from '../../../../src/state/index.js'
import {
  FEE,
  address,
  blockAt,
  genesisWithBalances,
  mempoolError,
  openPool,
  tx,
  type PoolFixture,
} from '../../../unit/node/mempool/fixture.js'

const hashOf = (bytes: Uint8Array) => toHex(txHash(bytes))
const RICH = 10n ** 12n

describe('mempool update after a commit', () => {
  let fixture: PoolFixture

  afterEach(() => fixture.close())

  it('removes the included transactions and keeps the rest admissible', async () => {
    fixture = await openPool()
    const { pool } = fixture
    const a = [0n, 1n, 2n].map((nonce) => tx(0, nonce, { to: 1, amount: 5n }))
    const b = [0n, 1n].map((nonce) => tx(1, nonce, { to: 0, amount: 5n, fee: 300n }))
    for (const bytes of [...a, ...b]) pool.add(bytes)
    const block = pool.reap({ maxTxs: 3 })
    const { executed, update } = await fixture.commit(block)
    assert.deepEqual(
      executed.txResults.map((result) => result.code),
      [0, 0, 0],
    )
    assert.deepEqual(update, { included: 3, expired: [], dropped: [] })
    assert.equal(pool.size, 2)
    assert.equal(
      pool.bytes,
      pool.pending().reduce((sum, entry) => sum + entry.bytes.length, 0),
    )
    for (const bytes of block) assert.equal(pool.has(hashOf(bytes)), false)
    assert.equal(pool.nextNonce(address(0)), 3n)
    // What is left forms the next block, and it executes cleanly on the new state.
    const next = await fixture.commit(pool.reap())
    assert.deepEqual(
      next.executed.txResults.map((result) => result.code),
      [0, 0],
    )
    assert.equal(pool.size, 0)
  })

  it('drops a transaction whose nonce another committed transaction used, keeping its still-valid successors', async () => {
    fixture = await openPool()
    const { pool } = fixture
    const pending = [0n, 1n, 2n].map((nonce) => tx(0, nonce))
    for (const bytes of pending) pool.add(bytes)
    // The same sender's nonce 0, signed differently, reached a block through another node.
    const rival = tx(0, 0n, { amount: 9n })
    const { update } = await fixture.commit([rival])
    assert.deepEqual(update, { included: 0, expired: [], dropped: [{ hash: hashOf(pending[0]!), code: 'REPLAYED' }] })
    assert.deepEqual(
      pool.pending().map((entry) => entry.nonce),
      [1n, 2n],
    )
    assert.equal(pool.nextNonce(address(0)), 3n)
    // The dropped one can never be valid again, so its verdict is cached; the rival is a duplicate.
    assert.equal(mempoolError(() => pool.add(pending[0]!), 'REPLAYED').context.cached, true)
    mempoolError(() => pool.add(rival), 'DUPLICATE')
  })

  it('drops a transaction made invalid by a committed rival, and every later nonce of its sender', async () => {
    fixture = await openPool({}, genesisWithBalances([3n * FEE, RICH]))
    const { pool } = fixture
    const pending = [0n, 1n, 2n].map((nonce) => tx(0, nonce))
    const other = tx(1, 0n)
    for (const bytes of [...pending, other]) pool.add(bytes)
    // The rival spends the whole fee balance: nonce 1 can no longer pay, and nonce 2 follows a hole.
    const { update } = await fixture.commit([tx(0, 0n, { fee: 3n * FEE })])
    assert.deepEqual(update.dropped, [
      { hash: hashOf(pending[0]!), code: 'REPLAYED' },
      { hash: hashOf(pending[1]!), code: 'INSUFFICIENT_FEE' },
      { hash: hashOf(pending[2]!), code: 'NONCE_TOO_HIGH' },
    ])
    assert.deepEqual(
      pool.pending().map((entry) => entry.hash),
      [hashOf(other)],
    )
    assert.equal(pool.nextNonce(address(0)), 1n)
    // Not cached: once the sender is funded again, nonce 1 is admitted.
    mempoolError(() => pool.add(pending[1]!), 'INSUFFICIENT_FEE')
    await fixture.commit([other, tx(1, 1n, { to: 0, amount: 10n * FEE })])
    assert.equal(pool.add(pending[1]!).code, 'added')
  })

  it('drops transactions pending longer than ttlBlocks, and the later nonces that depended on them', async () => {
    fixture = await openPool({ ttlBlocks: 2 })
    const { pool } = fixture
    const old = tx(0, 0n)
    pool.add(old)
    await fixture.commit([])
    const younger = tx(0, 1n)
    const independent = tx(1, 0n)
    pool.add(younger)
    pool.add(independent)
    assert.deepEqual((await fixture.commit([])).update.expired, [])
    const { update } = await fixture.commit([])
    assert.deepEqual(update.expired, [hashOf(old)])
    assert.deepEqual(update.dropped, [{ hash: hashOf(younger), code: 'NONCE_TOO_HIGH' }])
    assert.deepEqual(
      pool.pending().map((entry) => entry.hash),
      [hashOf(independent)],
    )
    assert.deepEqual((await fixture.commit([])).update.expired, [hashOf(independent)])
    assert.equal(pool.size, 0)
    // Expiry is not a verdict on the transaction: it may be submitted again.
    assert.equal(pool.add(old).code, 'added')
    assert.equal(pool.get(hashOf(old))!.height, 4)
  })

  it('never expires anything when ttlBlocks is 0', async () => {
    fixture = await openPool({ ttlBlocks: 0 })
    fixture.pool.add(tx(0, 0n))
    for (let i = 0; i < 4; i++) await fixture.commit([])
    assert.equal(fixture.pool.size, 1)
  })

  it('forgets a transaction included by a block even when the block also carries unknown ones', async () => {
    fixture = await openPool()
    const { pool } = fixture
    const mine = tx(0, 0n)
    pool.add(mine)
    const { update } = await fixture.commit([tx(2, 0n), mine, tx(3, 0n)])
    assert.equal(update.included, 1)
    assert.equal(pool.size, 0)
    assert.equal(pool.bytes, 0)
  })

  it('catches up when an update comes a block late, and refuses heights it cannot be at', async () => {
    fixture = await openPool()
    const { pool, app } = fixture
    const first = [tx(0, 0n), tx(1, 0n)]
    const second = [tx(0, 1n)]
    for (const bytes of [...first, ...second, tx(1, 1n)]) pool.add(bytes)
    for (const [height, txs] of [
      [1, first],
      [2, second],
    ] as const)
      await app.commitBlock(app.executeBlock(blockAt(height, [...txs])))
    mempoolError(() => pool.update(3, []), 'HEIGHT_MISMATCH')
    pool.update(1, first)
    mempoolError(() => pool.add(tx(2, 0n)), 'HEIGHT_MISMATCH')
    // Block 2's transaction was re-checked against height 2 already, so it went as REPLAYED.
    assert.deepEqual(
      pool.pending().map((entry) => `${entry.sender === address(1) ? 'b' : 'a'}${entry.nonce}`),
      ['b1'],
    )
    const caughtUp = pool.update(2, second)
    assert.deepEqual(caughtUp, { included: 0, expired: [], dropped: [] })
    mempoolError(() => pool.update(1, []), 'HEIGHT_MISMATCH')
    assert.equal(pool.add(tx(2, 0n)).code, 'added')
  })
})

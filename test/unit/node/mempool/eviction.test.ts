import assert from 'node:assert/strict'
import { toHex } from '../../../../src/crypto/index.js'
import { txHash } from '../../../../src/state/index.js'
import { address, mempoolError, openPool, snapshot, tx, type PoolFixture } from './fixture.js'

const hashOf = (bytes: Uint8Array) => toHex(txHash(bytes))

/** Nonces pending per sender must run from the committed nonce without a hole. */
function assertNoGaps(fixture: PoolFixture): void {
  const bySender = new Map<string, bigint[]>()
  for (const entry of fixture.pool.pending()) bySender.set(entry.sender, [...(bySender.get(entry.sender) ?? []), entry.nonce])
  for (const [sender, nonces] of bySender) {
    const committed = BigInt((fixture.app.query('auth', 'account', { address: sender }) as { nonce: string }).nonce)
    assert.deepEqual(
      nonces,
      nonces.map((_, i) => committed + BigInt(i)),
      `nonces of ${sender}`,
    )
    assert.equal(fixture.pool.nextNonce(sender), committed + BigInt(nonces.length))
  }
}

describe('mempool eviction when full', () => {
  let fixture: PoolFixture

  afterEach(() => fixture.close())

  it('evicts the lowest-priority last transaction of a sender for a strictly better one', async () => {
    fixture = await openPool({ maxTxs: 3 })
    const { pool } = fixture
    const a0 = tx(0, 0n, { fee: 300n })
    const a1 = tx(0, 1n, { fee: 400n })
    const b0 = tx(1, 0n, { fee: 250n })
    for (const bytes of [a0, a1, b0]) pool.add(bytes)
    const c0 = tx(2, 0n, { fee: 260n })
    assert.deepEqual(pool.add(c0), { hash: hashOf(c0), code: 'added', evicted: [hashOf(b0)] })
    assert.equal(pool.size, 3)
    assert.equal(pool.has(hashOf(b0)), false)
    assert.equal(pool.nextNonce(address(1)), 0n)
    assertNoGaps(fixture)
  })

  it('never evicts a transaction that a later nonce depends on, even if it is the cheapest', async () => {
    fixture = await openPool({ maxTxs: 3 })
    const { pool } = fixture
    const a0 = tx(0, 0n, { fee: 10n })
    const a1 = tx(0, 1n, { fee: 1_000n })
    const b0 = tx(1, 0n, { fee: 50n })
    for (const bytes of [a0, a1, b0]) pool.add(bytes)
    assert.deepEqual(pool.add(tx(2, 0n, { fee: 500n })).evicted, [hashOf(b0)])
    assert.ok(pool.has(hashOf(a0)))
    // Now the tails are a1 (1000) and c0 (500): a newcomer at 400 beats neither.
    mempoolError(() => pool.add(tx(3, 0n, { fee: 400n })), 'FULL')
    assertNoGaps(fixture)
  })

  it('walks back a sender’s queue from its end when it keeps being the cheapest', async () => {
    fixture = await openPool({ maxTxs: 4 })
    const { pool } = fixture
    const a = [0n, 1n, 2n, 3n].map((nonce) => tx(0, nonce, { fee: 100n }))
    for (const bytes of a) pool.add(bytes)
    assert.deepEqual(pool.add(tx(1, 0n, { fee: 500n })).evicted, [hashOf(a[3]!)])
    assert.deepEqual(pool.add(tx(2, 0n, { fee: 500n })).evicted, [hashOf(a[2]!)])
    assert.equal(pool.nextNonce(address(0)), 2n)
    // The evicted nonce can come back once there is room again, without a cache hit.
    mempoolError(() => pool.add(a[2]!), 'FULL')
    assertNoGaps(fixture)
  })

  it('does not evict the newcomer’s own earlier transactions for it', async () => {
    fixture = await openPool({ maxTxs: 2 })
    const { pool } = fixture
    pool.add(tx(0, 0n, { fee: 100n }))
    pool.add(tx(0, 1n, { fee: 100n }))
    const before = snapshot(pool)
    mempoolError(() => pool.add(tx(0, 2n, { fee: 10_000n })), 'FULL')
    assert.deepEqual(snapshot(pool), before)
  })

  it('evicts as many as the byte bound needs, or none at all', async () => {
    const small = tx(0, 0n)
    fixture = await openPool({ maxBytes: 3 * small.length + 10, maxTxBytes: 3 * small.length + 10 })
    const { pool } = fixture
    const cheap = [tx(0, 0n, { fee: 100n }), tx(1, 0n, { fee: 110n }), tx(2, 0n, { fee: 120n })]
    for (const bytes of cheap) pool.add(bytes)
    const big = tx(3, 0n, { fee: 1_000n, messages: 2 })
    assert.ok(big.length > small.length && big.length + small.length <= 3 * small.length + 10)
    assert.deepEqual(pool.add(big).evicted, [hashOf(cheap[0]!), hashOf(cheap[1]!)])
    assert.ok(pool.bytes <= 3 * small.length + 10)

    // A newcomer that would need both remaining transactions gone but beats only one: FULL, and nobody is evicted.
    const before = snapshot(pool)
    const huge = tx(4, 0n, { fee: 300n, messages: 6 })
    assert.ok(huge.length > 3 * small.length + 10 - big.length && huge.length <= 3 * small.length + 10)
    mempoolError(() => pool.add(huge), 'FULL')
    assert.deepEqual(snapshot(pool), before)
    assert.ok(pool.has(hashOf(cheap[2]!)))
    assertNoGaps(fixture)
  })

  it('keeps its books through a long run of evictions', async () => {
    fixture = await openPool({ maxTxs: 10 })
    const { pool } = fixture
    let evictions = 0
    for (let i = 0; i < 80; i++) {
      const sender = (i * 5) % 8
      const fee = BigInt(100 + ((i * 37) % 97))
      try {
        const result = pool.add(tx(sender, pool.nextNonce(address(sender)), { fee }))
        evictions += result.evicted.length
      } catch {
        // FULL is expected for the cheaper ones.
      }
      assert.ok(pool.size <= 10)
      assert.equal(
        pool.bytes,
        pool.pending().reduce((sum, entry) => sum + entry.bytes.length, 0),
      )
      assertNoGaps(fixture)
    }
    assert.ok(evictions > 5, `only ${evictions} evictions`)
  })
})

import assert from 'node:assert/strict'
import { toHex } from '../../../../src/crypto/index.js'
import { MEMPOOL_CODES, Mempool, MempoolError, type MempoolTx } from '../../../../src/node/mempool/index.js'
import { TX_CODES, TxError, txHash } from '../../../../src/state/index.js'
import {
  FEE,
  GAS_LIMIT,
  address,
  genesisWithBalances,
  mempoolError,
  openPool,
  silentLog,
  snapshot,
  tx,
  type PoolFixture,
} from './fixture.js'

const hashOf = (bytes: Uint8Array) => toHex(txHash(bytes))

describe('mempool admission', () => {
  let fixture: PoolFixture
  let pool: Mempool

  beforeEach(async () => {
    // Account 0 can pay exactly three default fees; accounts 1-3 are rich.
    fixture = await openPool({ maxTxBytes: 512 }, genesisWithBalances([3n * FEE, 10n ** 12n, 10n ** 12n, 10n ** 12n]))
    pool = fixture.pool
  })
  afterEach(() => fixture.close())

  it('admits n, n+1, n+2 from one sender and counts them', () => {
    const txs = [tx(1, 0n), tx(1, 1n), tx(1, 2n)]
    for (const bytes of txs) assert.deepEqual(pool.add(bytes), { hash: hashOf(bytes), code: 'added', evicted: [] })
    assert.equal(pool.size, 3)
    assert.equal(
      pool.bytes,
      txs.reduce((sum, bytes) => sum + bytes.length, 0),
    )
    assert.equal(pool.nextNonce(address(1)), 3n)
    const entry = pool.get(hashOf(txs[1]!))!
    assert.deepEqual(
      { sender: entry.sender, nonce: entry.nonce, fee: entry.fee, gasWanted: entry.gasWanted, height: entry.height },
      { sender: address(1), nonce: 1n, fee: FEE, gasWanted: GAS_LIMIT, height: 0 },
    )
    assert.ok(pool.has(txHash(txs[2]!)))
  })

  describe('refuses, leaving the pool unchanged', () => {
    beforeEach(() => {
      pool.add(tx(0, 0n))
      pool.add(tx(1, 0n))
      pool.add(tx(1, 1n))
    })

    const cases: [string, () => Uint8Array, string][] = [
      ['a nonce gap', () => tx(1, 3n), 'NONCE_TOO_HIGH'],
      ['a nonce already pending', () => tx(1, 1n, { amount: 7n }), 'REPLAYED'],
      ['a fee the pending fees leave no balance for', () => tx(0, 1n, { fee: 2n * FEE + 1n }), 'INSUFFICIENT_FEE'],
      [
        'a tampered signature',
        () => {
          const bytes = tx(2, 0n)
          const forged = Uint8Array.from(bytes)
          forged[forged.length - 1]! ^= 1
          return forged
        },
        'BAD_SIGNATURE',
      ],
      ['another chain’s transaction', () => tx(2, 0n, { chainId: 'other-chain' }), 'WRONG_CHAIN'],
      ['bytes that are not a transaction', () => Uint8Array.of(0x93, 0x01, 0x02), 'MALFORMED'],
      ['a gas limit below the intrinsic gas', () => tx(2, 0n, { gasLimit: 100n }), 'GAS_LIMIT_TOO_LOW'],
      ['a transaction over the mempool’s size limit', () => tx(2, 0n, { messages: 16, memo: 'x'.repeat(256) }), 'TX_TOO_LARGE'],
    ]
    for (const [what, build, code] of cases) {
      it(`${what}: ${code}`, () => {
        const bytes = build()
        const before = snapshot(pool)
        const error = mempoolError(() => pool.add(bytes, { source: 'peer-a' }), code as never)
        assert.deepEqual(snapshot(pool), before)
        assert.equal(pool.has(hashOf(bytes)), false)
        assert.equal(pool.verified(hashOf(bytes)), false)
        if (code !== 'TX_TOO_LARGE') {
          assert.ok(error.cause instanceof TxError)
          assert.equal(error.codespace, 'tx')
          assert.equal(error.numericCode, TX_CODES[code as keyof typeof TX_CODES])
          assert.equal(error.context.hash, hashOf(bytes))
        } else {
          assert.equal(error.codespace, 'mempool')
          assert.equal(error.numericCode, MEMPOOL_CODES.TX_TOO_LARGE)
        }
      })
    }

    it('a fee below the chain’s minimum gas price: FEE_TOO_LOW', async () => {
      const priced = await openPool({}, genesisWithBalances([10n ** 9n], { minGasPrice: 1n }))
      try {
        priced.pool.add(tx(0, 0n, { fee: 10_000n, gasLimit: 10_000n }))
        const before = snapshot(priced.pool, [0])
        mempoolError(() => priced.pool.add(tx(0, 1n, { fee: 9_999n, gasLimit: 10_000n })), 'FEE_TOO_LOW')
        assert.deepEqual(snapshot(priced.pool, [0]), before)
      } finally {
        await priced.close()
      }
    })

    it('a transaction committed recently: DUPLICATE, without checking it again', async () => {
      const committed = tx(2, 0n)
      await fixture.commit([committed])
      const before = snapshot(pool)
      const error = mempoolError(() => pool.add(committed), 'DUPLICATE')
      assert.equal(error.numericCode, MEMPOOL_CODES.DUPLICATE)
      assert.deepEqual(snapshot(pool), before)
    })

    it('a full pool and nothing cheaper to evict: FULL', async () => {
      const small = await openPool({ maxTxs: 2 })
      try {
        small.pool.add(tx(1, 0n, { fee: 500n }))
        small.pool.add(tx(2, 0n, { fee: 500n }))
        const before = snapshot(small.pool)
        mempoolError(() => small.pool.add(tx(3, 0n, { fee: 500n })), 'FULL')
        mempoolError(() => small.pool.add(tx(3, 0n, { fee: 400n })), 'FULL')
        assert.deepEqual(snapshot(small.pool), before)
        // The refused transaction was not remembered: with room it is admitted.
        await small.commit(small.pool.reap())
        assert.equal(small.pool.add(tx(3, 0n, { fee: 500n })).code, 'added')
      } finally {
        await small.close()
      }
    })
  })

  it('charges every pending fee against the sender’s balance and refuses the one that would overdraw', () => {
    pool.add(tx(0, 0n))
    pool.add(tx(0, 1n))
    const before = snapshot(pool)
    mempoolError(() => pool.add(tx(0, 2n, { fee: FEE + 1n })), 'INSUFFICIENT_FEE')
    assert.deepEqual(snapshot(pool), before)
    pool.add(tx(0, 2n))
    mempoolError(() => pool.add(tx(0, 3n, { fee: 1n })), 'INSUFFICIENT_FEE')
    // A zero fee pays nothing, so it fits (the chain's minimum gas price is zero here).
    assert.equal(pool.add(tx(0, 3n, { fee: 0n })).code, 'added')
  })

  it('answers a pending transaction with `duplicate` and remembers the new source', () => {
    const bytes = tx(1, 0n)
    const heard: string[] = []
    pool.onAdded((_, source) => heard.push(source ?? 'rpc'))
    pool.add(bytes, { source: 'peer-a' })
    const before = snapshot(pool)
    assert.deepEqual(pool.add(bytes, { source: 'peer-b' }), { hash: hashOf(bytes), code: 'duplicate', evicted: [] })
    assert.deepEqual(pool.add(bytes), { hash: hashOf(bytes), code: 'duplicate', evicted: [] })
    assert.deepEqual(snapshot(pool), before)
    assert.deepEqual([...pool.get(hashOf(bytes))!.sources], ['peer-a', 'peer-b'])
    assert.deepEqual(heard, ['peer-a'])
  })

  describe('hash cache', () => {
    it('refuses a known-invalid transaction again from the cache, with its code', () => {
      const forged = Uint8Array.from(tx(2, 0n))
      forged[forged.length - 1]! ^= 1
      assert.equal(mempoolError(() => pool.add(forged), 'BAD_SIGNATURE').context.cached, false)
      const again = mempoolError(() => pool.add(forged), 'BAD_SIGNATURE')
      assert.equal(again.context.cached, true)
      assert.ok(again.cause instanceof TxError)
    })

    it('does not remember refusals a later state may reverse', () => {
      const early = tx(1, 1n)
      mempoolError(() => pool.add(early), 'NONCE_TOO_HIGH')
      pool.add(tx(1, 0n))
      assert.equal(pool.add(early).code, 'added')
    })

    it('is bounded: the least recently seen hash is forgotten first', async () => {
      const tiny = await openPool({ cacheSize: 2 })
      try {
        const committed = [tx(1, 0n), tx(2, 0n), tx(3, 0n)]
        await tiny.commit(committed)
        // Committed transactions 2 and 3 are still cached; 1 was pushed out and is checked again.
        mempoolError(() => tiny.pool.add(committed[2]!), 'DUPLICATE')
        mempoolError(() => tiny.pool.add(committed[0]!), 'REPLAYED')
      } finally {
        await tiny.close()
      }
    })

    it('can be switched off', async () => {
      const uncached = await openPool({ cacheSize: 0 })
      try {
        const committed = tx(1, 0n)
        await uncached.commit([committed])
        mempoolError(() => uncached.pool.add(committed), 'REPLAYED')
      } finally {
        await uncached.close()
      }
    })
  })

  it('knows which transactions passed signature verification, also after they were committed', async () => {
    const admitted = tx(1, 0n)
    const foreign = tx(2, 0n)
    pool.add(admitted)
    assert.equal(pool.verified(hashOf(admitted)), true)
    assert.equal(pool.verified(txHash(admitted)), true)
    await fixture.commit([admitted, foreign])
    assert.equal(pool.has(hashOf(admitted)), false)
    assert.equal(pool.verified(hashOf(admitted)), true)
    // Seen only in a block: never verified here.
    assert.equal(pool.verified(hashOf(foreign)), false)
    assert.equal(pool.verified('00'.repeat(32)), false)
  })

  it('tells listeners about each admission, keeps going when one throws, and lets them unsubscribe', () => {
    const seen: MempoolTx[] = []
    pool.onAdded(() => {
      throw new Error('listener bug')
    })
    const off = pool.onAdded((entry, source) => {
      seen.push(entry)
      assert.equal(source, entry.nonce === 0n ? 'peer-a' : undefined)
    })
    pool.add(tx(1, 0n), { source: 'peer-a' })
    pool.add(tx(1, 1n))
    off()
    pool.add(tx(1, 2n))
    assert.deepEqual(
      seen.map((entry) => entry.nonce),
      [0n, 1n],
    )
    assert.equal(pool.size, 3)
  })

  it('admits nothing after a commit until it is updated', async () => {
    pool.add(tx(1, 0n))
    const executed = fixture.app.executeBlock({ height: 1, time: 0n, proposer: new Uint8Array(20), txs: [] })
    await fixture.app.commitBlock(executed)
    const before = snapshot(pool)
    const error = mempoolError(() => pool.add(tx(1, 1n)), 'HEIGHT_MISMATCH')
    assert.deepEqual({ height: error.context.height, expected: error.context.expected }, { height: 0, expected: 1 })
    assert.deepEqual(snapshot(pool), before)
    mempoolError(() => pool.update(2, []), 'HEIGHT_MISMATCH')
    pool.update(1, [])
    assert.equal(pool.add(tx(1, 1n)).code, 'added')
  })

  it('checks its configuration', () => {
    for (const config of [
      { maxTxs: 0 },
      { maxBytes: 1.5 },
      { ttlBlocks: -1 },
      { cacheSize: Number.NaN },
      { maxTxBytes: 10, maxBytes: 5 },
      { maxPendingBlocks: 0 },
    ]) {
      const error = mempoolError(() => new Mempool(fixture.app, config, { logger: silentLog }), 'INVALID_CONFIG')
      assert.ok(error instanceof MempoolError && typeof error.context.field === 'string')
    }
    assert.deepEqual(
      { ...new Mempool(fixture.app, {}, { logger: silentLog }).config },
      { maxTxs: 5000, maxBytes: 64 * 1024 * 1024, maxTxBytes: 64 * 1024, ttlBlocks: 100, cacheSize: 10_000, maxPendingBlocks: 4 },
    )
  })
})

import assert from 'node:assert/strict'
import fc from 'fast-check'
import { toHex } from '../../../../src/crypto/index.js'
import { MempoolError } from '../../../../src/node/mempool/index.js'
import { txHash } from '../../../../src/state/index.js'
import { address, blockAt, genesisWithBalances, openPool, snapshot, tx, type PoolFixture } from '../../../unit/node/mempool/fixture.js'

const SENDERS = [0, 1, 2, 3, 4, 5]
// Three rich senders and three that run out of fee money after a few transactions.
const BALANCES = [10n ** 12n, 10n ** 12n, 10n ** 12n, 2_000n, 1_000n, 600n]

type Op =
  | { kind: 'add'; sender: number; offset: bigint; fee: bigint; gasLimit: bigint; source: string | undefined }
  | { kind: 'resubmit'; pick: number; source: string | undefined }
  | { kind: 'reap'; maxTxs: number | undefined; maxGas: bigint | undefined; maxBytes: number | undefined }
  | { kind: 'commit'; maxTxs: number; rival: { sender: number; fee: bigint | 'drain' } | undefined }

const source = fc.option(fc.constantFrom('peer-a', 'peer-b'), { nil: undefined })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      sender: fc.constantFrom(...SENDERS),
      offset: fc.constantFrom(-1n, 0n, 0n, 0n, 0n, 1n),
      fee: fc.bigInt({ min: 0n, max: 400n }),
      gasLimit: fc.constantFrom(60_000n, 100_000n, 200_000n),
      source,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resubmit' as const), pick: fc.nat(), source }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reap' as const),
      maxTxs: fc.option(fc.nat({ max: 8 }), { nil: undefined }),
      maxGas: fc.option(fc.bigInt({ min: 0n, max: 800_000n }), { nil: undefined }),
      maxBytes: fc.option(fc.nat({ max: 1_500 }), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('commit' as const),
      maxTxs: fc.nat({ max: 6 }),
      rival: fc.option(fc.record({ sender: fc.constantFrom(...SENDERS), fee: fc.constantFrom<bigint | 'drain'>(0n, 300n, 'drain') }), {
        nil: undefined,
      }),
    }),
  },
)

const committedNonce = (fixture: PoolFixture, sender: string) =>
  BigInt((fixture.app.query('auth', 'account', { address: sender }) as { nonce: string }).nonce)

const feeBalance = (fixture: PoolFixture, sender: string) =>
  BigInt((fixture.app.query('bank', 'balance', { address: sender, denom: 'ufdr' }) as { amount: string }).amount)

/** Fails unless `txs` run as the next block with every transaction succeeding. */
function assertExecutable(fixture: PoolFixture, txs: Uint8Array[]): void {
  const executed = fixture.app.executeBlock(blockAt(fixture.app.height + 1, txs))
  const failures = executed.txResults
    .filter((result) => result.code !== 0)
    .map((result) => `${result.codespace}/${result.code}: ${result.log}`)
  assert.deepEqual(failures, [])
}

function assertInvariants(fixture: PoolFixture): void {
  const { pool } = fixture
  const pending = pool.pending()
  assert.equal(pool.size, pending.length)
  assert.ok(pool.size <= pool.config.maxTxs)
  assert.equal(
    pool.bytes,
    pending.reduce((sum, entry) => sum + entry.bytes.length, 0),
  )
  assert.ok(pool.bytes <= pool.config.maxBytes)
  const bySender = new Map<string, bigint[]>()
  for (const entry of pending) {
    assert.equal(pool.get(entry.hash), entry)
    assert.equal(entry.hash, toHex(txHash(entry.bytes)))
    assert.ok(pool.verified(entry.hash))
    bySender.set(entry.sender, [...(bySender.get(entry.sender) ?? []), entry.nonce])
  }
  for (const index of SENDERS) {
    const sender = address(index)
    const nonces = bySender.get(sender) ?? []
    const base = committedNonce(fixture, sender)
    assert.deepEqual(
      nonces,
      nonces.map((_, i) => base + BigInt(i)),
      `no nonce gaps for sender ${index}`,
    )
    assert.equal(pool.nextNonce(sender), base + BigInt(nonces.length))
  }
  assertExecutable(fixture, pool.reap())
}

describe('mempool invariants under random operation sequences', function () {
  this.timeout(180_000)

  it('keeps nonces gapless, counters exact, and every reaped list executable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 15, maxLength: 40 }), async (ops) => {
        const fixture = await openPool({ maxTxs: 6, ttlBlocks: 3, cacheSize: 32 }, genesisWithBalances(BALANCES, { stake: 10n ** 12n }))
        const built: Uint8Array[] = []
        try {
          for (const op of ops) {
            const { pool } = fixture
            if (op.kind === 'add' || op.kind === 'resubmit') {
              let bytes: Uint8Array
              if (op.kind === 'add') {
                const next = pool.nextNonce(address(op.sender))
                const nonce = next + op.offset < 0n ? 0n : next + op.offset
                bytes = tx(op.sender, nonce, { to: (op.sender + 1) % SENDERS.length, denom: 'ustake', fee: op.fee, gasLimit: op.gasLimit })
                built.push(bytes)
              } else {
                if (built.length === 0) continue
                bytes = built[op.pick % built.length]!
              }
              const before = snapshot(pool, SENDERS)
              try {
                const result = pool.add(bytes, { source: op.source })
                if (result.code === 'duplicate') assert.deepEqual(snapshot(pool, SENDERS), before)
                else assert.ok(pool.has(result.hash))
              } catch (error) {
                if (!(error instanceof MempoolError)) throw error
                assert.deepEqual(snapshot(pool, SENDERS), before, `a ${error.code} rejection changed the pool`)
              }
            } else if (op.kind === 'reap') {
              const reaped = pool.reap({ maxTxs: op.maxTxs, maxGas: op.maxGas, maxBytes: op.maxBytes })
              assert.ok(op.maxTxs === undefined || reaped.length <= op.maxTxs)
              assert.ok(op.maxBytes === undefined || reaped.reduce((sum, bytes) => sum + bytes.length, 0) <= op.maxBytes)
              assertExecutable(fixture, reaped)
            } else {
              const reaped = pool.reap({ maxTxs: op.maxTxs })
              const txs = [...reaped]
              if (op.rival !== undefined) {
                // Another node's transaction for the nonce right after this block's own ones.
                // 'drain' pays every fee coin the sender has left after its own transactions in the block.
                const sender = address(op.rival.sender)
                const own = pool.pending().filter((entry) => entry.sender === sender && reaped.includes(entry.bytes))
                const left = feeBalance(fixture, sender) - own.reduce((sum, entry) => sum + entry.fee, 0n)
                const fee = op.rival.fee === 'drain' ? left : op.rival.fee
                txs.push(tx(op.rival.sender, committedNonce(fixture, sender) + BigInt(own.length), { amount: 2n, denom: 'ustake', fee }))
              }
              const { executed } = await fixture.commit(txs)
              assert.deepEqual(
                executed.txResults.slice(0, reaped.length).map((result) => result.code),
                reaped.map(() => 0),
              )
              for (const bytes of reaped) assert.equal(pool.has(txHash(bytes)), false)
            }
            assertInvariants(fixture)
          }
        } finally {
          await fixture.close()
        }
      }),
      { numRuns: 50 },
    )
  })
})

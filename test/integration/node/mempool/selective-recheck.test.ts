import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Mempool, MempoolError } from '../../../../src/node/mempool/index.js'
import type { WrittenKeys } from '../../../../src/state/index.js'
import { encode } from '../../../../src/codec/index.js'
import { MsgKnock, MsgToggle, gateModule } from '../../../support/modules/gate.js'
import { address, blockAt, genesisWithBalances, messagesTx, openPool, silentLog, tx } from '../../../unit/node/mempool/fixture.js'

// After a commit the node passes the block's written keys, and the pool re-checks only senders
// whose checks read one of them. That must leave the pool exactly as re-checking everyone does:
// two pools over one application, one updated each way, fed the same random operations. The test
// module `gate` adds an admission rule (MessageHandler.admit) that reads a key blocks toggle and,
// for door 3, the block's height: those reads must send the sender to a re-check too.
const SENDERS = [0, 1, 2, 3, 4, 5]
const BALANCES = [10n ** 12n, 10n ** 12n, 10n ** 12n, 2_000n, 1_000n, 600n, 1n, 10n ** 12n] // 7 sends the gifts

type Op =
  | { kind: 'add'; sender: number; offset: bigint; fee: bigint; to: number; denom: 'ufdr' | 'ustake' }
  | { kind: 'knock'; sender: number; door: number }
  | {
      kind: 'commit'
      maxTxs: number
      rival: { sender: number; fee: bigint | 'drain' } | undefined
      gift: { to: number; amount: bigint } | undefined
      toggle: number | undefined
    }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      sender: fc.constantFrom(...SENDERS),
      offset: fc.constantFrom(0n, 0n, 0n, 1n),
      fee: fc.bigInt({ min: 0n, max: 400n }),
      to: fc.constantFrom(...SENDERS),
      denom: fc.constantFrom('ufdr' as const, 'ustake' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('knock' as const), sender: fc.constantFrom(...SENDERS), door: fc.constantFrom(1, 2, 3) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('commit' as const),
      maxTxs: fc.nat({ max: 4 }),
      rival: fc.option(fc.record({ sender: fc.constantFrom(...SENDERS), fee: fc.constantFrom<bigint | 'drain'>(0n, 300n, 'drain') }), {
        nil: undefined,
      }),
      // A fee-denom transfer from a rich account that is not in the pool's block: raises a poor sender's balance.
      gift: fc.option(fc.record({ to: fc.constantFrom(3, 4, 5), amount: fc.bigInt({ min: 1n, max: 2_000n }) }), { nil: undefined }),
      // Account 7 opens or closes a door: pending knocks on it must be re-checked.
      toggle: fc.option(fc.constantFrom(1, 2, 3), { nil: undefined }),
    }),
  },
)

let gifts = 0
// Pending knocks a re-check dropped by the gate's admission rule (a door closed, or door 3's quiet height).
let notAdmitted = 0

function observe(pool: Mempool) {
  return {
    pending: pool.pending().map((entry) => `${entry.hash}:${entry.nonce}`),
    nextNonces: SENDERS.map((i) => String(pool.nextNonce(address(i)))),
  }
}

async function runBoth(ops: Op[], writtenKeysFor: (keys: WrittenKeys) => WrittenKeys): Promise<void> {
  const fixture = await openPool({ maxTxs: 12, ttlBlocks: 3, cacheSize: 0 }, genesisWithBalances(BALANCES, { stake: 10n ** 12n }), [
    gateModule,
  ])
  const selective = fixture.pool
  const full = new Mempool(fixture.app, { maxTxs: 12, ttlBlocks: 3, cacheSize: 0 }, { logger: silentLog })
  // Account 7 is not a pool sender: its gifts change balances from outside the pool.
  let giftNonce = 0n
  try {
    for (const op of ops) {
      if (op.kind === 'add' || op.kind === 'knock') {
        const nonce = selective.nextNonce(address(op.sender)) + (op.kind === 'add' ? op.offset : 0n)
        const bytes =
          op.kind === 'add'
            ? tx(op.sender, nonce, { to: op.to, denom: op.denom, amount: 1n, fee: op.fee })
            : messagesTx(op.sender, nonce, [encode(MsgKnock, { door: op.door })])
        const outcome = (pool: Mempool) => {
          try {
            return pool.add(bytes).code
          } catch (error) {
            if (!(error instanceof MempoolError)) throw error
            return error.code
          }
        }
        assert.equal(outcome(selective), outcome(full), 'same admission decision')
      } else {
        // Both pools propose (a proposal's size now bounds the pool's depth), and alike.
        const txs = selective.reap({ maxTxs: op.maxTxs })
        assert.deepEqual(full.reap({ maxTxs: op.maxTxs }), txs, 'same proposal')
        if (op.rival !== undefined) {
          const sender = address(op.rival.sender)
          const own = selective.pending().filter((entry) => entry.sender === sender && txs.includes(entry.bytes))
          const committed = BigInt((fixture.app.query('auth', 'account', { address: sender }) as { nonce: string }).nonce)
          const balance = BigInt((fixture.app.query('bank', 'balance', { address: sender, denom: 'ufdr' }) as { amount: string }).amount)
          const left = balance - own.reduce((sum, entry) => sum + entry.fee, 0n)
          txs.push(
            tx(op.rival.sender, committed + BigInt(own.length), {
              amount: 2n,
              denom: 'ustake',
              fee: op.rival.fee === 'drain' ? left : op.rival.fee,
            }),
          )
        }
        const giftAt = txs.length
        if (op.gift !== undefined) txs.push(tx(7, giftNonce++, { to: op.gift.to, denom: 'ufdr', amount: op.gift.amount, fee: 0n }))
        if (op.toggle !== undefined) txs.push(messagesTx(7, giftNonce++, [encode(MsgToggle, { door: op.toggle })], 0n))
        const executed = fixture.app.executeBlock(blockAt(fixture.app.height + 1, txs))
        if (op.gift !== undefined && executed.txResults[giftAt]!.code === 0) gifts++
        await fixture.app.commitBlock(executed)
        const { dropped } = selective.update(fixture.app.height, txs, writtenKeysFor(executed.prepared.writes))
        notAdmitted += dropped.filter((d) => d.code === 'NOT_ADMITTED').length
        full.update(fixture.app.height, txs)
      }
      assert.deepEqual(observe(selective), observe(full))
    }
  } finally {
    await fixture.close()
  }
}

describe('mempool re-check of only the senders a block affected', function () {
  this.timeout(180_000)
  const ops = fc.array(opArb, { minLength: 10, maxLength: 40 })

  it('leaves the pool as re-checking every sender does', async () => {
    await fc.assert(
      fc.asyncProperty(ops, (list) => runBoth(list, (keys) => keys)),
      { numRuns: 60 },
    )
    assert.ok(gifts > 0, "some blocks raised a poor sender's balance from outside the pool")
    assert.ok(notAdmitted > 0, 'some re-checks dropped a pending knock by the admission rule')
  })

  it('is caught when it skips senders the block did affect (planted: no written keys passed)', async () => {
    await assert.rejects(
      fc.assert(
        fc.asyncProperty(ops, (list) => runBoth(list, () => new Set())),
        { numRuns: 60 },
      ),
      (error: Error) => {
        // The pools must differ, not the run break some other way.
        const cause = (error as Error & { cause?: unknown }).cause
        assert.match(String(cause instanceof Error ? cause.message : error.message), /deep-equal|same admission decision/)
        return true
      },
    )
  })
})

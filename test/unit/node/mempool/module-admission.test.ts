import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { toHex } from '../../../../src/crypto/index.js'
import type { TxIndexReader } from '../../../../src/indexer/index.js'
import { MempoolError } from '../../../../src/node/mempool/index.js'
import type { FedraNode } from '../../../../src/node/node.js'
import { NodeRpcBackend } from '../../../../src/node/rpc-backend.js'
import { TX_CODES, txHash } from '../../../../src/state/index.js'
import { MsgKnock, MsgToggle, gateModule } from '../../../support/modules/gate.js'
import { address, blockAt, genesisWithBalances, messagesTx, openPool, snapshot, tx, type PoolFixture } from './fixture.js'

const hashOf = (bytes: Uint8Array) => toHex(txHash(bytes))
const knock = (from: number, nonce: bigint, door: number) => messagesTx(from, nonce, [encode(MsgKnock, { door })])
const toggle = (from: number, nonce: bigint, door: number) => messagesTx(from, nonce, [encode(MsgToggle, { door })])

// A module's admission rule (MessageHandler.admit) in the mempool: a refusal carries the
// module's codespace and code and changes nothing; re-checks after a block run it again, for the
// senders whose rule read a key the block wrote or read the block's height.
describe('mempool admission rules of modules', () => {
  let fixture: PoolFixture

  beforeEach(async () => {
    fixture = await openPool({}, genesisWithBalances([10n ** 12n, 10n ** 12n, 10n ** 12n, 10n ** 12n]), [gateModule])
  })
  afterEach(() => fixture.close())

  /** Commits `txs` and updates the pool with the block's written keys, as the node does (selective re-check). */
  async function commitSelective(txs: Uint8Array[]) {
    const executed = fixture.app.executeBlock(blockAt(fixture.app.height + 1, txs))
    await fixture.app.commitBlock(executed)
    return fixture.pool.update(fixture.app.height, txs, executed.prepared.writes)
  }

  it('refuses a message its module keeps out with NOT_ADMITTED, the module codes, and an unchanged pool', async () => {
    await fixture.commit([toggle(3, 0n, 1)])
    fixture.pool.add(tx(0, 0n))
    const before = snapshot(fixture.pool)
    const bytes = knock(1, 0n, 1)
    assert.throws(
      () => fixture.pool.add(bytes),
      (error: unknown) => {
        assert.ok(error instanceof MempoolError)
        assert.equal(error.code, 'NOT_ADMITTED')
        assert.match(error.message, /door 1 is closed/)
        assert.deepEqual(
          { codespace: error.context.tx?.codespace, moduleCode: error.context.tx?.moduleCode },
          { codespace: 'gate', moduleCode: 2 },
        )
        return true
      },
    )
    assert.deepEqual(snapshot(fixture.pool), before)
    assert.equal(TX_CODES.NOT_ADMITTED, 16)
    // Not remembered as invalid for ever: once the door opens the same bytes are admitted.
    await fixture.commit([toggle(3, 1n, 1)])
    assert.equal(fixture.pool.add(bytes).code, 'added')
  })

  it('runs the rule against the check state, so a sender’s second transaction is checked too', () => {
    assert.equal(fixture.pool.add(knock(1, 0n, 2)).code, 'added')
    assert.equal(fixture.pool.add(knock(1, 1n, 2)).code, 'added')
    assert.equal(fixture.pool.nextNonce(address(1)), 2n)
  })

  it('drops a pending transaction when a block writes a key its rule read', async () => {
    const pending = knock(1, 0n, 2)
    fixture.pool.add(pending)
    fixture.pool.add(knock(2, 0n, 1)) // another door: its sender is not affected
    const update = await commitSelective([toggle(3, 0n, 2)])
    assert.deepEqual(update.dropped, [{ hash: hashOf(pending), code: 'NOT_ADMITTED' }])
    assert.equal(fixture.pool.size, 1)
  })

  it('re-checks a rule that read the height after every block, though the block wrote nothing it read', async () => {
    // The next block is height 1; door 3 is quiet at heights divisible by QUIET_EVERY (3).
    const pending = knock(1, 0n, 3)
    fixture.pool.add(pending)
    assert.deepEqual((await commitSelective([tx(0, 0n)])).dropped, [], 'kept while the next height (2) is not quiet')
    assert.equal(fixture.pool.size, 1)
    // Block 2 writes nothing the knock's rule read, but the next height is now 3.
    assert.deepEqual((await commitSelective([tx(0, 1n)])).dropped, [{ hash: hashOf(pending), code: 'NOT_ADMITTED' }])
    assert.equal(fixture.pool.size, 0)
    assert.throws(
      () => fixture.pool.add(pending),
      (error: unknown) => error instanceof MempoolError && error.code === 'NOT_ADMITTED' && /height 3/.test(error.message),
    )
  })

  it('answers tx_broadcast with the module’s codespace and code, as a block result would carry them', async () => {
    await fixture.commit([toggle(3, 0n, 1)])
    const node = { submitTx: (bytes: Uint8Array) => fixture.pool.add(bytes), mempool: fixture.pool } as unknown as FedraNode
    const refused = new NodeRpcBackend(node, null as unknown as TxIndexReader).submitTx(knock(1, 0n, 1))
    assert.ok(!refused.accepted)
    assert.deepEqual([refused.codespace, refused.code], ['gate', 2])
    assert.match(refused.log, /NOT_ADMITTED: message 0: .*door 1 is closed/)
  })

  it('does not run in blocks: a proposer that skipped it changes no outcome, the handler refuses the same', async () => {
    await fixture.commit([toggle(3, 0n, 1)])
    const { executed } = await fixture.commit([knock(1, 0n, 1)])
    assert.deepEqual({ code: executed.txResults[0]!.code, codespace: executed.txResults[0]!.codespace }, { code: 2, codespace: 'gate' })
    assert.equal(fixture.app.query('gate', 'knocks', {}), '0')
  })
})

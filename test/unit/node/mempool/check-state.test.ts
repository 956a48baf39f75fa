import assert from 'node:assert/strict'
import { toHex } from '../../../../src/crypto/index.js'
import { type Application, type CheckState, TxError, type TxErrorCode, createCheckState } from '../../../../src/state/index.js'
import { openApp, tempDir } from '../../../helpers/chain.js'
import { FEE, address, blockAt, genesisWithBalances, tx } from './fixture.js'

function txError(fn: () => unknown, code: TxErrorCode): void {
  assert.throws(fn, (error: unknown) => error instanceof TxError && error.code === code)
}

describe('CheckState', () => {
  let dir: ReturnType<typeof tempDir>
  let app: Application
  let state: CheckState

  beforeEach(async () => {
    dir = tempDir('fedra-check-state-')
    // Account 0 can pay exactly three default fees; account 1 is rich.
    app = await openApp(dir.path, genesisWithBalances([3n * FEE, 1_000_000n]))
    state = createCheckState(app)
  })
  afterEach(async () => {
    await app.db.close()
    dir.remove()
  })

  it('checks a second transaction of a sender against nonce + 1 and the reduced balance', () => {
    const first = state.check(tx(0, 0n))
    assert.deepEqual(
      { sender: first.sender, nonce: first.nonce, fee: first.fee, gasWanted: first.gasWanted },
      { sender: address(0), nonce: 0n, fee: FEE, gasWanted: 200_000n },
    )
    assert.equal(state.nextNonce(address(0)), 1n)
    txError(() => state.check(tx(0, 0n, { amount: 2n })), 'REPLAYED')
    txError(() => state.check(tx(0, 2n)), 'NONCE_TOO_HIGH')
    state.check(tx(0, 1n))
    state.check(tx(0, 2n))
    txError(() => state.check(tx(0, 3n)), 'INSUFFICIENT_FEE')
    assert.equal(state.nextNonce(address(0)), 3n)
    assert.equal(state.admitted(address(0)), 3)
  })

  it('reports the transaction hash, bytes and signer as an address', () => {
    const bytes = tx(1, 0n, { fee: 500n, gasLimit: 50_000n })
    const result = state.check(bytes)
    assert.equal(result.bytes, bytes)
    assert.equal(result.fee, 500n)
    assert.equal(result.gasWanted, 50_000n)
    assert.match(result.sender, /^fedra1/)
    assert.equal(toHex(result.hash).length, 64)
  })

  it('leaves the state as it was when a check fails or is staged but not committed', () => {
    txError(() => state.check(tx(0, 0n, { fee: 4n * FEE })), 'INSUFFICIENT_FEE')
    txError(() => state.check(tx(0, 0n, { chainId: 'other-chain' })), 'WRONG_CHAIN')
    const staged = state.stage(state.checkStateless(tx(0, 0n)))
    assert.equal(staged.result.nonce, 0n)
    assert.equal(state.nextNonce(address(0)), 0n)
    assert.equal(state.admitted(address(0)), 0)
    staged.commit()
    assert.equal(state.nextNonce(address(0)), 1n)
  })

  it('refuses to commit a staged check once the sender’s layer changed', () => {
    const staged = state.stage(state.checkStateless(tx(0, 0n)))
    state.check(tx(0, 0n, { amount: 2n }))
    assert.throws(() => staged.commit(), /stale staged check/)
    const afterReset = state.stage(state.checkStateless(tx(1, 0n)))
    state.reset()
    assert.throws(() => afterReset.commit(), /stale staged check/)
  })

  it('undoes exactly the last transaction of a sender', () => {
    state.check(tx(0, 0n))
    state.check(tx(0, 1n))
    state.check(tx(0, 2n))
    state.revertLast(address(0))
    assert.equal(state.nextNonce(address(0)), 2n)
    // The balance is back too: a fee of exactly one FEE fits again, one more unit would not.
    txError(() => state.check(tx(0, 2n, { fee: FEE + 1n })), 'INSUFFICIENT_FEE')
    state.check(tx(0, 2n))
    for (let i = 0; i < 3; i++) state.revertLast(address(0))
    assert.equal(state.nextNonce(address(0)), 0n)
    assert.equal(state.admitted(address(0)), 0)
    assert.throws(() => state.revertLast(address(0)), /no admitted transaction/)
    state.check(tx(0, 0n, { fee: 3n * FEE }))
  })

  it('keeps senders apart: reverting one leaves the other untouched', () => {
    state.check(tx(0, 0n))
    state.check(tx(1, 0n))
    state.check(tx(1, 1n))
    state.revertLast(address(0))
    assert.equal(state.nextNonce(address(0)), 0n)
    assert.equal(state.nextNonce(address(1)), 2n)
  })

  it('re-checks a transaction without its stateless checks, against the current layer', () => {
    const checked = state.checkStateless(tx(0, 0n))
    state.recheck(checked)
    assert.equal(state.nextNonce(address(0)), 1n)
    txError(() => state.recheck(checked), 'REPLAYED')
    assert.equal(state.admitted(address(0)), 1)
  })

  it('starts over from the new committed state after reset', async () => {
    state.check(tx(0, 0n))
    state.check(tx(0, 1n))
    const executed = app.executeBlock(blockAt(1, [tx(0, 0n)]))
    await app.commitBlock(executed)
    state.reset()
    assert.equal(state.height, 1)
    assert.equal(state.nextNonce(address(0)), 1n)
    txError(() => state.check(tx(0, 0n)), 'REPLAYED')
    state.check(tx(0, 1n))
  })
})

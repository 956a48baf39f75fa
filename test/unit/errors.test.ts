import assert from 'node:assert/strict'
import { FedraError } from '../../src/errors.js'
import { MempoolError } from '../../src/node/mempool/errors.js'
import { TxError } from '../../src/state/tx-errors.js'

const frames = (error: Error) => (error.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at '))

describe('typed errors: stack traces only where they help', () => {
  it('captures a stack for a FedraError (a fault to debug)', () => {
    assert.ok(frames(new FedraError('X', 'broken', {})).length > 0)
  })

  it('captures none for a refused transaction (an outcome: TxError, MempoolError) and keeps code, message and cause', () => {
    const tx = new TxError('NONCE_TOO_HIGH', 'nonce 5 is ahead of the account (next is 3)', { expected: '3' })
    const pool = MempoolError.rejected(tx, 'ab'.repeat(32))
    for (const e of [tx, pool]) assert.deepEqual(frames(e), [])
    assert.equal(tx.stack, 'TxError: NONCE_TOO_HIGH: nonce 5 is ahead of the account (next is 3)')
    assert.equal(tx.numericCode, 8)
    assert.equal(pool.code, 'NONCE_TOO_HIGH')
    assert.equal(pool.cause, tx)
  })

  it('leaves the process-wide stack limit as it was', () => {
    const before = Error.stackTraceLimit
    new TxError('REPLAYED', 'nonce 1 was already used', {})
    assert.equal(Error.stackTraceLimit, before)
    assert.ok(frames(new Error('plain')).length > 0)
  })
})

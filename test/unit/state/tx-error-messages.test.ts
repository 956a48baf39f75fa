import assert from 'node:assert/strict'
import { fromHex } from '../../../src/crypto/index.js'
import { TxError, decodeTx } from '../../../src/state/index.js'
import { CHAIN_ID } from '../../helpers/chain.js'

/** A wrapped error quotes the inner one's text without its code: one `CODE:` prefix per message. */
describe('transaction error messages', () => {
  const refusal = (bytes: Uint8Array): TxError => {
    try {
      decodeTx(bytes, CHAIN_ID)
    } catch (error) {
      assert.ok(error instanceof TxError)
      return error
    }
    assert.fail('decodeTx accepted it')
  }

  for (const [name, hex] of [
    ['deadbeef', 'deadbeef'],
    ['a truncated array', '93'],
  ] as const) {
    it(`names MALFORMED once for ${name}`, () => {
      const error = refusal(fromHex(hex))
      assert.equal(error.code, 'MALFORMED')
      assert.match(error.message, /^MALFORMED: /)
      assert.doesNotMatch(error.message, /MALFORMED: MALFORMED/)
      assert.equal(error.message, `MALFORMED: ${error.plainMessage}`)
    })
  }
})

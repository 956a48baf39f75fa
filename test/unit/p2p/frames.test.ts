import assert from 'node:assert/strict'
import { P2PError } from '../../../src/p2p/errors.js'
import { MAX_ERROR_FRAME_BYTES, decodeResponse, encodeErrorResponse, encodeOkResponse, plainBytes } from '../../../src/p2p/frames.js'

describe('p2p response frames', () => {
  it('round-trips an OK response', () => {
    assert.deepEqual(decodeResponse(encodeOkResponse(new Uint8Array([1, 2]))), { ok: true, payload: new Uint8Array([1, 2]) })
    assert.deepEqual(decodeResponse(encodeOkResponse(new Uint8Array())), { ok: true, payload: new Uint8Array() })
  })

  it('round-trips an error frame with its code and message', () => {
    assert.deepEqual(decodeResponse(encodeErrorResponse('NOT_FOUND', 'no blob bafk…')), {
      ok: false,
      code: 'NOT_FOUND',
      message: 'no blob bafk…',
    })
  })

  it('truncates long codes and messages on a character boundary', () => {
    const frame = encodeErrorResponse('C'.repeat(100), 'é'.repeat(1000))
    assert.ok(frame.length <= MAX_ERROR_FRAME_BYTES)
    const decoded = decodeResponse(frame)
    assert.ok(!decoded.ok)
    assert.equal(decoded.code, 'C'.repeat(64))
    assert.equal(decoded.message, 'é'.repeat(512))
  })

  it('rejects empty, unknown-status and cut frames as PROTOCOL_VIOLATION', () => {
    for (const frame of [new Uint8Array(), new Uint8Array([7, 1]), new Uint8Array([1]), new Uint8Array([1, 10, 65])]) {
      assert.throws(
        () => decodeResponse(frame),
        (error) => error instanceof P2PError && error.code === 'PROTOCOL_VIOLATION',
      )
    }
  })

  it('turns Buffers into plain Uint8Array views without copying', () => {
    const buffer = Buffer.from([1, 2, 3])
    const plain = plainBytes(buffer)
    assert.equal(Object.getPrototypeOf(plain), Uint8Array.prototype)
    assert.equal(plain.buffer, buffer.buffer)
    assert.deepEqual(plain, new Uint8Array([1, 2, 3]))
  })
})

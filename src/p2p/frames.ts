import type { Stream } from '@libp2p/interface'
import * as lp from 'it-length-prefixed'
import { P2PError } from './errors.js'

/**
 * Wire format of Fedra's stream protocols (sync, blob, direct). Every message is one frame:
 * an unsigned-varint length prefix (as in multistream and libp2p's own protocols) followed by
 * that many bytes. A request or a direct message is the frame body as is. A response body
 * starts with a status byte so a refusal is distinguishable from a transport failure:
 *
 *   0x00 payload                          OK
 *   0x01 codeLength:u8 code:utf8 message:utf8   ERROR (code <= 64 bytes, message <= 1 KiB)
 *
 * One stream carries one exchange: the requester writes its frame and closes its write side,
 * the responder writes one frame and closes.
 */

const STATUS_OK = 0x00
const STATUS_ERROR = 0x01
const MAX_CODE_BYTES = 64
const MAX_ERROR_MESSAGE_BYTES = 1024
/** Room an error frame may take whatever the caller's response limit. */
export const MAX_ERROR_FRAME_BYTES = 2 + MAX_CODE_BYTES + MAX_ERROR_MESSAGE_BYTES

export type Response = { ok: true; payload: Uint8Array } | { ok: false; code: string; message: string }

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

export function encodeOkResponse(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(1 + payload.length)
  frame[0] = STATUS_OK
  frame.set(payload, 1)
  return frame
}

export function encodeErrorResponse(code: string, message: string): Uint8Array {
  const codeBytes = truncateUtf8(code, MAX_CODE_BYTES)
  const messageBytes = truncateUtf8(message, MAX_ERROR_MESSAGE_BYTES)
  const frame = new Uint8Array(2 + codeBytes.length + messageBytes.length)
  frame[0] = STATUS_ERROR
  frame[1] = codeBytes.length
  frame.set(codeBytes, 2)
  frame.set(messageBytes, 2 + codeBytes.length)
  return frame
}

/** @throws P2PError PROTOCOL_VIOLATION for an empty body, an unknown status or a cut error frame. */
export function decodeResponse(frame: Uint8Array): Response {
  const status = frame[0]
  if (status === STATUS_OK) return { ok: true, payload: frame.subarray(1) }
  if (status === STATUS_ERROR && frame.length >= 2) {
    const codeLength = frame[1] ?? 0
    if (2 + codeLength <= frame.length) {
      return {
        ok: false,
        code: fromUtf8.decode(frame.subarray(2, 2 + codeLength)),
        message: fromUtf8.decode(frame.subarray(2 + codeLength)),
      }
    }
  }
  throw new P2PError('PROTOCOL_VIOLATION', 'malformed response frame', {
    reason: status === undefined ? 'empty frame' : `status ${status}`,
    bytes: frame.length,
  })
}

/** Queues one length-prefixed frame; the caller closes the stream to flush it. */
export function writeFrame(stream: Stream, body: Uint8Array): void {
  stream.send(lp.encode.single(body))
}

/**
 * Reads exactly one frame. The length prefix is checked before the body is buffered, so an
 * oversized frame costs at most a few bytes of reading.
 *
 * @throws P2PError MESSAGE_TOO_LARGE when the announced length exceeds `maxBytes` (callers
 *   rename it to their own code), PROTOCOL_VIOLATION when the stream ends first, TRANSPORT when
 *   the stream is reset or aborted underneath.
 */
export async function readFrame(stream: Stream, maxBytes: number): Promise<Uint8Array> {
  try {
    for await (const frame of lp.decode(stream, { maxDataLength: maxBytes })) {
      // Returning ends the iteration and detaches from the stream: one frame per direction.
      return plainBytes(frame.subarray())
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : ''
    if (name === 'InvalidDataLengthError')
      throw new P2PError('MESSAGE_TOO_LARGE', 'frame over the limit', { limit: maxBytes }, { cause: error })
    if (name === 'UnexpectedEOFError' || name === 'InvalidMessageLengthError' || name === 'InvalidDataLengthLengthError') {
      throw new P2PError('PROTOCOL_VIOLATION', 'stream ended inside a frame', { reason: name }, { cause: error })
    }
    throw new P2PError('TRANSPORT', 'stream failed while reading', { reason: name || String(error) }, { cause: error })
  }
  throw new P2PError('PROTOCOL_VIOLATION', 'stream closed before a frame', { reason: 'eof' })
}

/** A plain Uint8Array view (libp2p hands out Buffers on Node), so callers compare and encode alike everywhere. */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function truncateUtf8(text: string, maxBytes: number): Uint8Array {
  const bytes = utf8.encode(text)
  if (bytes.length <= maxBytes) return bytes
  let end = maxBytes
  // Back off to a character boundary so the receiver never decodes half a code point.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return bytes.subarray(0, end)
}

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { buildUnixfsFile, unwantedReason } from '../../../src/blobs/index.js'

/** Bitswap 1.2 block prefix: version, codec, hash code, hash length as varints. */
const prefix = (codec: number, hash = 0x12, length = 32) => new Uint8Array([1, ...varint(codec), hash, length])
const varint = (value: number) => (value < 0x80 ? [value] : [(value & 0x7f) | 0x80, value >> 7])

describe('blobs: which received bitswap blocks are blamed', () => {
  const data = new Uint8Array([1, 2, 3])
  const digest = createHash('sha256').update(data).digest('hex')

  it('accepts a block whose hash is wanted', () => {
    assert.equal(
      unwantedReason(prefix(0x55), data, (key) => key === digest),
      null,
    )
    assert.equal(CID.parse(buildUnixfsFile(data).root.toString()).code, 0x55)
  })

  it('blames a block whose hash matches no want (a corrupted copy)', () => {
    assert.match(unwantedReason(prefix(0x55), data, () => false)!, /matches no wanted CID/)
  })

  it('blames other codecs, other hashes and a malformed prefix without hashing', () => {
    assert.match(unwantedReason(prefix(0x0129), data, () => true)!, /unsupported codec/)
    assert.match(unwantedReason(prefix(0x70, 0x13, 64), data, () => true)!, /unsupported/)
    assert.equal(
      unwantedReason(new Uint8Array([0x80]), data, () => true),
      'malformed prefix',
    )
  })
})

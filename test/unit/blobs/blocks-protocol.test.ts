import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlobError, buildUnixfsFile } from '../../../src/blobs/index.js'
import { decodeWalkRequest, encodeWalkRequest } from '../../../src/blobs/blocks-protocol.js'
import { pseudoRandomBytes } from './fixtures.js'

const isCode = (code: string) => (error: unknown) => error instanceof BlobError && error.code === code

describe('blobs: /fedra/blocks/1.0.0 requests', () => {
  it('round-trips a list of raw and dag-pb CIDs', () => {
    const cids = [buildUnixfsFile(pseudoRandomBytes(10, 1)).root, buildUnixfsFile(pseudoRandomBytes(600_000, 2)).root]
    assert.deepEqual(decodeWalkRequest(encodeWalkRequest(cids), 10).map(String), cids.map(String))
  })

  it('refuses another kind, no CIDs, a cut CID, too many and unsupported CIDs, each typed', async () => {
    const cid = buildUnixfsFile(pseudoRandomBytes(10, 1)).root
    const request = encodeWalkRequest([cid, cid, cid])
    assert.throws(() => decodeWalkRequest(Uint8Array.of(0x09, ...cid.bytes), 10), isCode('INVALID_CID'))
    assert.throws(() => decodeWalkRequest(Uint8Array.of(0x01), 10), isCode('INVALID_CID'))
    assert.throws(() => decodeWalkRequest(request.subarray(0, request.length - 3), 10), isCode('INVALID_CID'))
    assert.throws(() => decodeWalkRequest(request, 2), isCode('INVALID_CID'))
    const dagCbor = CID.createV1(0x71, await sha256.digest(Uint8Array.of(1)))
    assert.throws(() => decodeWalkRequest(Uint8Array.of(0x01, ...dagCbor.bytes), 10), isCode('UNSUPPORTED_CID'))
  })
})

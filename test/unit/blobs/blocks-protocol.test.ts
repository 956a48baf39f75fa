import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlobError, buildUnixfsFile } from '../../../src/blobs/index.js'
import { decodeWalkRequest, encodeWalkRequest, serveWalk } from '../../../src/blobs/blocks-protocol.js'
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

describe('blocks protocol: serving a walk when the peer or the store goes', () => {
  it('a read-ahead that fails after a send failed is handled, not an unhandled rejection (a stopping node closed its store)', async () => {
    const { root, blocks } = buildUnixfsFile(pseudoRandomBytes(3 * 256 * 1024 + 5, 11))
    const byCid = new Map(blocks.map((b) => [b.cid.toString(), b.bytes]))
    const unhandled: unknown[] = []
    const listener = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', listener)
    try {
      let reads = 0
      // The root reads fine; the read-ahead of the first leaf fails a moment later (the store closed).
      const read = async (cid: CID) => {
        if (reads++ === 0) return byCid.get(cid.toString())
        await new Promise((r) => setTimeout(r, 20))
        throw new Error('Database is not open')
      }
      const stream = {
        send: () => {
          throw new Error('stream reset')
        },
        onDrain: async () => undefined,
      }
      await assert.rejects(serveWalk(stream as never, [root], read as never, 1000), /stream reset/)
      await new Promise((r) => setTimeout(r, 60))
      assert.deepEqual(unhandled, [])
    } finally {
      process.off('unhandledRejection', listener)
    }
  })
})

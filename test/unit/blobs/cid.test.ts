import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import { identity } from 'multiformats/hashes/identity'
import { sha512 } from 'multiformats/hashes/sha2'
import { BlobError, buildUnixfsFile, formatCid, parseBlobCid } from '../../../src/blobs/index.js'

const isCode = (code: string) => (error: unknown) => error instanceof BlobError && error.code === code

describe('blobs: CID parsing', () => {
  const cid = formatCid(buildUnixfsFile(new Uint8Array([1, 2, 3])).root)

  it('accepts a raw sha2-256 CIDv1 and prints it back in base32', () => {
    assert.equal(formatCid(parseBlobCid(cid)), cid)
    assert.equal(formatCid(parseBlobCid(CID.parse(cid).toString())), cid)
  })

  it('upgrades a CIDv0 (Qm…) to the v1 of the same dag-pb bytes', () => {
    const v0 = 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR'
    const parsed = parseBlobCid(v0)
    assert.equal(parsed.version, 1)
    assert.equal(formatCid(parsed), CID.parse(v0).toV1().toString())
  })

  it('refuses malformed input with INVALID_CID', () => {
    for (const input of ['', 'hello', 'bafy', `${cid}x`, 'zzzz', cid.slice(0, -3)])
      assert.throws(() => parseBlobCid(input), isCode('INVALID_CID'), input)
  })

  it('refuses other codecs and hashes with UNSUPPORTED_CID', async () => {
    const jsonCid = CID.createV1(json.code, await sha512.digest(new Uint8Array([1])))
    const dagJsonSha256 = CID.createV1(0x0129, CID.parse(cid).multihash)
    const identityCid = CID.createV1(0x55, identity.digest(new Uint8Array([1])))
    for (const other of [jsonCid, dagJsonSha256, identityCid]) {
      assert.throws(
        () => parseBlobCid(other.toString()),
        (error: unknown) => isCode('UNSUPPORTED_CID')(error) && (error as BlobError<'UNSUPPORTED_CID'>).context.cid === other.toString(),
      )
    }
  })
})

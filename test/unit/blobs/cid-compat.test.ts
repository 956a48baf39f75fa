import assert from 'node:assert/strict'
import { importBytes } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { CID } from 'multiformats/cid'
import { type BlobCid, CHUNK_BYTES, buildUnixfsFile, formatCid, walkFile } from '../../../src/blobs/index.js'
import { KiB, MiB, pseudoRandomBytes } from './fixtures.js'

/**
 * The independent implementation: ipfs-unixfs-importer (its own chunker, layout and tree
 * builder) configured as kubo's `ipfs add --cid-version 1`: raw leaves, fixed 262144-byte
 * chunks, balanced layout of 174 links, CIDv1, a single chunk reduced to its raw leaf.
 */
async function kuboV1(bytes: Uint8Array): Promise<{ cid: CID; blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>()
  const storage = { put: async (cid: CID, block: Uint8Array) => (blocks.set(cid.toString(), block), cid) }
  const entry = await importBytes(bytes, storage as never, {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: 262144 }),
    layout: balanced({ maxChildrenPerNode: 174 }),
  })
  return { cid: entry.cid, blocks }
}

const SIZES: [string, number][] = [
  ['0 B', 0],
  ['1 B', 1],
  ['256 KiB', 256 * KiB],
  ['256 KiB + 1', 256 * KiB + 1],
  ['10 MiB', 10 * MiB],
  ['40 MiB', 40 * MiB],
]

describe('blobs: CIDs equal kubo v1 (ipfs add --cid-version 1)', function () {
  this.timeout(60_000)

  for (const [name, size] of SIZES) {
    it(`gives a ${name} blob the CID the importer computes with kubo's v1 settings`, async () => {
      const bytes = pseudoRandomBytes(size, size)
      const ours = buildUnixfsFile(bytes)
      const theirs = await kuboV1(bytes)
      assert.equal(formatCid(ours.root), formatCid(theirs.cid))
      // The same block set, so any IPFS peer can walk what we serve.
      assert.deepEqual(ours.blocks.map((block) => block.cid.toString()).sort(), [...theirs.blocks.keys()].sort())
    })
  }

  it('matches the CID kubo prints for an empty file (published: bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku)', () => {
    assert.equal(formatCid(buildUnixfsFile(new Uint8Array(0)).root), 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
  })

  it('keeps a blob of one chunk a single raw block (today’s updateBlobCid) and makes a larger one dag-pb', () => {
    const one = buildUnixfsFile(pseudoRandomBytes(CHUNK_BYTES))
    assert.equal(one.blocks.length, 1)
    assert.ok(formatCid(one.root).startsWith('bafkrei'))
    const two = buildUnixfsFile(pseudoRandomBytes(CHUNK_BYTES + 1))
    assert.equal(two.blocks.length, 3)
    assert.ok(formatCid(two.root).startsWith('bafybei'))
  })

  it('is independent of how the bytes are split when pushed', async () => {
    const bytes = pseudoRandomBytes(3 * CHUNK_BYTES + 17, 9)
    const { UnixfsFileBuilder } = await import('../../../src/blobs/index.js')
    const builder = new UnixfsFileBuilder()
    for (let offset = 0; offset < bytes.length; offset += 65_537) builder.push(bytes.subarray(offset, offset + 65_537))
    assert.equal(formatCid(builder.finish().root), formatCid(buildUnixfsFile(bytes).root))
  })

  it('builds two levels above 174 chunks exactly as the importer does', async () => {
    const bytes = pseudoRandomBytes(175 * CHUNK_BYTES + 5, 4)
    assert.equal(formatCid(buildUnixfsFile(bytes).root), formatCid((await kuboV1(bytes)).cid))
  })

  it('reads back a DAG the importer wrote, byte for byte', async () => {
    const bytes = pseudoRandomBytes(5 * CHUNK_BYTES + 3, 7)
    const theirs = await kuboV1(bytes)
    const parts: Uint8Array[] = []
    await walkFile(
      theirs.cid as BlobCid,
      async (cid) => theirs.blocks.get(cid.toString()),
      (data) => parts.push(data),
    )
    assert.ok(Buffer.concat(parts).equals(bytes))
  })
})

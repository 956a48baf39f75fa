import { createHash } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

/**
 * The CID the parameter store gives a blob: the root of the UnixFS file DAG that
 * `ipfs add --cid-version 1` builds (kubo's v1 defaults: 256 KiB raw leaves, balanced dag-pb
 * nodes of at most 174 links, CIDv1, sha2-256), as base32 text. A pure function of the bytes,
 * no I/O: src/blobs/unixfs.ts builds the same DAG for storage, but a module may not import
 * src/blobs, so the root is recomputed here; test/unit/modules/training/blob-cid.test.ts holds
 * the two equal. A blob of one chunk is its raw leaf, so for blobs ≤ 256 KiB this is also the
 * FL library's updateBlobCid.
 */
const CHUNK_BYTES = 256 * 1024
const MAX_LINKS = 174
const RAW = 0x55
const DAG_PB = 0x70
const SHA2_256 = 0x12

interface DagNode {
  cid: CID
  fileSize: number
  dagSize: number
}

function cidOf(codec: number, bytes: Uint8Array): CID {
  const digest = createHash('sha256').update(bytes).digest()
  return CID.createV1(codec, Digest.create(SHA2_256, new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)))
}

function interior(children: DagNode[]): DagNode {
  const data = new UnixFS({ type: 'file', blockSizes: children.map((child) => BigInt(child.fileSize)) }).marshal()
  const bytes = dagPb.encode(
    dagPb.prepare({ Data: data, Links: children.map((child) => ({ Hash: child.cid, Name: '', Tsize: child.dagSize })) }),
  )
  const fileSize = children.reduce((sum, child) => sum + child.fileSize, 0)
  const dagSize = children.reduce((sum, child) => sum + child.dagSize, bytes.length)
  return { cid: cidOf(DAG_PB, bytes), fileSize, dagSize }
}

export function blobCid(bytes: Uint8Array): string {
  let level: DagNode[] = []
  for (let offset = 0; offset < bytes.length || level.length === 0; offset += CHUNK_BYTES) {
    const chunk = bytes.subarray(offset, Math.min(offset + CHUNK_BYTES, bytes.length))
    level.push({ cid: cidOf(RAW, chunk), fileSize: chunk.length, dagSize: chunk.length })
    if (bytes.length === 0) break
  }
  while (level.length > 1) {
    const parents: DagNode[] = []
    for (let i = 0; i < level.length; i += MAX_LINKS) parents.push(interior(level.slice(i, i + MAX_LINKS)))
    level = parents
  }
  return level[0]!.cid.toString()
}

/** A CID text as messages must carry it: canonical CIDv1 base32 of a raw or dag-pb sha2-256 block; else undefined. */
export function canonicalCid(text: string): string | undefined {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    return undefined
  }
  if (cid.version !== 1 || (cid.code !== RAW && cid.code !== DAG_PB) || cid.multihash.code !== SHA2_256 || cid.multihash.size !== 32)
    return undefined
  const canonical = cid.toString()
  return canonical === text ? canonical : undefined
}

import { createHash } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { type BlobCid, DAG_PB_CODEC, RAW_CODEC, SHA2_256, checkBlobCid, formatCid } from './cid.js'
import { BlobError } from './errors.js'

/** kubo's `--chunker size-262144`, the default. */
export const CHUNK_BYTES = 256 * 1024
/** kubo's balanced layout: links per interior node (helpers.DefaultLinksPerBlock). */
export const MAX_LINKS = 174

export interface Block {
  cid: BlobCid
  bytes: Uint8Array
}

/** A blob as blocks, root last; `size` is the file's byte length. */
export interface BlobDag {
  root: BlobCid
  size: number
  blocks: Block[]
}

/** The CID of `bytes` under `codec` (sha2-256, CIDv1). */
export function blockCid(codec: typeof RAW_CODEC | typeof DAG_PB_CODEC, bytes: Uint8Array): BlobCid {
  const digest = createHash('sha256').update(bytes).digest()
  return CID.createV1(codec, Digest.create(SHA2_256, new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength))) as BlobCid
}

/** Whether `bytes` hash to `cid` (the check made on every block from a peer or the disk). */
export function blockMatches(cid: BlobCid, bytes: Uint8Array): boolean {
  const digest = createHash('sha256').update(bytes).digest()
  const expected = cid.multihash.digest
  return digest.length === expected.length && digest.equals(expected)
}

interface DagNode {
  cid: BlobCid
  /** File bytes below this node. */
  fileSize: number
  /** Bytes of this block and every block below it (dag-pb Tsize). */
  dagSize: number
}

/**
 * Builds the UnixFS file DAG that `ipfs add --cid-version 1` builds (kubo's v1 defaults):
 * fixed 256 KiB chunks as raw leaves, interior dag-pb nodes of at most 174 links filled
 * depth first (the balanced layout), a one-chunk file (or an empty one) being its raw leaf.
 * Chunks arrive through `push` in any sizes; nothing is hashed twice.
 */
export class UnixfsFileBuilder {
  readonly #blocks: Block[] = []
  readonly #leaves: DagNode[] = []
  #pending: Uint8Array[] = []
  #pendingBytes = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  /** Takes `bytes` over: blocks may be views of it, so the caller must not change it afterwards. */
  push(bytes: Uint8Array): void {
    this.#size += bytes.length
    let offset = 0
    while (offset < bytes.length) {
      const take = Math.min(CHUNK_BYTES - this.#pendingBytes, bytes.length - offset)
      this.#pending.push(bytes.subarray(offset, offset + take))
      this.#pendingBytes += take
      offset += take
      if (this.#pendingBytes === CHUNK_BYTES) this.#flushChunk()
    }
  }

  finish(): BlobDag {
    if (this.#pendingBytes > 0 || this.#leaves.length === 0) this.#flushChunk()
    let level = this.#leaves
    // Batching level by level gives the same tree as kubo's depth-first fill: every node full
    // except the last at each depth, and a short last subtree still as deep as the others.
    while (level.length > 1) {
      const parents: DagNode[] = []
      for (let i = 0; i < level.length; i += MAX_LINKS) parents.push(this.#interior(level.slice(i, i + MAX_LINKS)))
      level = parents
    }
    return { root: level[0]!.cid, size: this.#size, blocks: this.#blocks }
  }

  #flushChunk(): void {
    // A chunk inside one pushed buffer is a view of it (no copy: callers hand over their
    // buffers and do not change them); one spanning pushes is joined into a new buffer.
    const bytes = this.#pending.length === 1 ? this.#pending[0]! : new Uint8Array(Buffer.concat(this.#pending, this.#pendingBytes))
    const cid = blockCid(RAW_CODEC, bytes)
    this.#blocks.push({ cid, bytes })
    this.#leaves.push({ cid, fileSize: bytes.length, dagSize: bytes.length })
    this.#pending = []
    this.#pendingBytes = 0
  }

  #interior(children: DagNode[]): DagNode {
    const data = new UnixFS({ type: 'file', blockSizes: children.map((child) => BigInt(child.fileSize)) }).marshal()
    const bytes = dagPb.encode(
      dagPb.prepare({ Data: data, Links: children.map((child) => ({ Hash: child.cid, Name: '', Tsize: child.dagSize })) }),
    )
    const cid = blockCid(DAG_PB_CODEC, bytes)
    this.#blocks.push({ cid, bytes })
    const fileSize = children.reduce((sum, child) => sum + child.fileSize, 0)
    const dagSize = children.reduce((sum, child) => sum + child.dagSize, bytes.length)
    return { cid, fileSize, dagSize }
  }
}

/** The DAG of a whole byte string. */
export function buildUnixfsFile(bytes: Uint8Array): BlobDag {
  const builder = new UnixfsFileBuilder()
  builder.push(bytes)
  return builder.finish()
}

/** What one block of a file DAG says: its file bytes (leaves) or its children in order. */
export type DecodedBlock = { kind: 'leaf'; data: Uint8Array } | { kind: 'node'; data: Uint8Array; children: BlobCid[]; fileSize: number }

/**
 * Decodes one block of a UnixFS file DAG (a raw leaf, or a dag-pb node of type file or raw).
 * @throws BlobError CORRUPT_BLOCK for dag-pb that does not decode or is not file data (a
 *   directory, a symlink: the store holds files only)
 */
export function decodeFileBlock(cid: BlobCid, bytes: Uint8Array): DecodedBlock {
  if (cid.code === RAW_CODEC) return { kind: 'leaf', data: bytes }
  const corrupt = (reason: string): never => {
    throw new BlobError('CORRUPT_BLOCK', `${formatCid(cid)} is not a UnixFS file node: ${reason}`, { cid: formatCid(cid), reason })
  }
  let node: dagPb.PBNode
  let unixfs: UnixFS
  try {
    node = dagPb.decode(bytes)
    if (node.Data === undefined) return corrupt('no UnixFS data')
    unixfs = UnixFS.unmarshal(node.Data)
  } catch (error) {
    if (error instanceof BlobError) throw error
    return corrupt(error instanceof Error ? error.message : String(error))
  }
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') return corrupt(`type ${unixfs.type}`)
  if (node.Links.length !== unixfs.blockSizes.length) return corrupt('links and block sizes disagree')
  const children = node.Links.map((link) => checkBlobCid(link.Hash))
  const data = unixfs.data ?? new Uint8Array(0)
  return { kind: 'node', data, children, fileSize: Number(unixfs.fileSize()) }
}

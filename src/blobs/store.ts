import { LevelBlockstore } from 'blockstore-level'
import { Level } from 'level'
import { base32upper } from 'multiformats/bases/base32'
import type { CID } from 'multiformats/cid'
import { type BlobCid, RAW_CODEC, formatCid, parseBlobCid } from './cid.js'
import { BlobError } from './errors.js'
import { type BlobDag, type Block, UnixfsFileBuilder, blockMatches, decodeFileBlock } from './unixfs.js'

export interface BlobStoreConfig {
  /** Directory of the level database (the node uses DIR/data/blobs). */
  directory: string
  /** Most bytes of blocks the store holds (blobs.maxBytes); a put beyond it, after GC, is QUOTA_EXCEEDED. */
  maxBytes: number
  /** Largest single blob accepted by put. */
  maxBlobBytes: number
  /** How long an unpinned blob stays before gc() may drop it, ms (time for a tx to reference it). */
  gcGraceMs: number
  now?: () => number
}

/** What the store records per blob, beside its blocks. */
interface BlobRecord {
  size: number
  blocks: number
  /** Bytes of all the blob's blocks: what it costs against maxBytes. */
  dagBytes: number
  addedAt: number
  pins: string[]
}

export interface BlobStat {
  cid: string
  /** File bytes. */
  size: number
  blocks: number
  dagBytes: number
  pinned: boolean
  pins: string[]
  addedAt: number
}

export interface PutResult {
  cid: BlobCid
  size: number
  blocks: number
  /** False when the store already held this blob (puts are idempotent). */
  created: boolean
}

export interface PutOptions {
  /** Pin label to add (e.g. `model:<subnet>:<version>`); unpinned blobs are collected after the grace period. */
  pin?: string
  /** Length the caller announced (an HTTP Content-Length): fewer bytes is TRUNCATED. */
  expectedSize?: number
  /** A lower size limit for this put (the RPC's rpc.limits.maxBlobBytes). */
  maxBytes?: number
}

/** Reads a block; undefined when it is not local. */
export type BlockReader = (cid: BlobCid) => Promise<Uint8Array | undefined>

/** Key of a block in the blocks sublevel: blockstore-level's `/` + base32upper(multihash), so both read the same keys. */
export const blockKey = (cid: CID): string => `/${base32upper.encoder.encode(cid.multihash.bytes)}`

/**
 * The parameter store on disk: UnixFS blocks in a level database plus one record per blob
 * (size, pins, when it arrived). A blob's blocks and its record are written in one level batch,
 * so after a crash at any instant a blob is either wholly there or not there at all; a blob
 * without a record is invisible and its blocks are collected.
 */
export class BlobStore {
  /** The blocks as an interface-blockstore, what bitswap serves from. */
  readonly blockstore: LevelBlockstore
  readonly #db: Level<string, Uint8Array>
  readonly #blocks
  readonly #records
  readonly #config: BlobStoreConfig
  readonly #now: () => number
  #usedBytes = 0
  #open = false
  /** CIDs of the local blobs, for synchronous questions (a proposer filling a block). */
  readonly #local = new Set<string>()
  /** Block keys a DagWriter wrote ahead of its record (key → writers): GC keeps them. */
  readonly #staged = new Map<string, number>()

  constructor(config: BlobStoreConfig) {
    this.#config = config
    this.#now = config.now ?? Date.now
    // Blocks are mostly incompressible weights: snappy would only cost CPU (blockstore-level and
    // kubo's flatfs do not compress either). A write buffer above a 40 MiB blob's batch keeps one
    // put from forcing a flush and compaction of its own.
    this.#db = new Level<string, Uint8Array>(config.directory, {
      keyEncoding: 'utf8',
      valueEncoding: 'view',
      compression: false,
      writeBufferSize: 64 * 1024 * 1024,
    } as never)
    this.#blocks = this.#db.sublevel<string, Uint8Array>('blocks', { keyEncoding: 'utf8', valueEncoding: 'view' })
    this.#records = this.#db.sublevel<string, BlobRecord>('records', { keyEncoding: 'utf8', valueEncoding: 'json' })
    this.blockstore = new LevelBlockstore(this.#blocks as never)
  }

  get usedBytes(): number {
    return this.#usedBytes
  }

  get maxBytes(): number {
    return this.#config.maxBytes
  }

  async open(): Promise<void> {
    await this.#db.open()
    let used = 0
    for await (const [key, record] of this.#records.iterator()) {
      used += record.dagBytes
      this.#local.add(key)
    }
    this.#usedBytes = used
    this.#open = true
  }

  async close(): Promise<void> {
    this.#open = false
    await this.#db.close()
  }

  /**
   * Chunks, hashes and stores a blob in one batch. Puts are idempotent: the same bytes give the
   * same CID and the second put only adds its pin.
   * @throws BlobError TOO_LARGE, TRUNCATED, QUOTA_EXCEEDED
   */
  async put(source: Uint8Array | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<PutResult> {
    this.#checkOpen()
    const limit = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, this.#config.maxBlobBytes)
    return this.putDag(await chunkUpload(source, limit, options.expectedSize), options.pin)
  }

  /**
   * Stores an already built and verified DAG (what a fetch assembled) in one batch.
   * @throws BlobError QUOTA_EXCEEDED
   */
  async putDag(dag: BlobDag, pin?: string): Promise<PutResult> {
    this.#checkOpen()
    const key = formatCid(dag.root)
    const existing = await this.#records.get(key)
    if (existing !== undefined) {
      if (pin !== undefined && !existing.pins.includes(pin))
        await this.#records.put(key, { ...existing, pins: [...existing.pins, pin].sort() })
      return { cid: dag.root, size: existing.size, blocks: existing.blocks, created: false }
    }
    const dagBytes = dag.blocks.reduce((sum, block) => sum + block.bytes.length, 0)
    await this.#reserve(dagBytes)
    const record: BlobRecord = {
      size: dag.size,
      blocks: dag.blocks.length,
      dagBytes,
      addedAt: this.#now(),
      pins: pin === undefined ? [] : [pin],
    }
    await this.#db.batch([
      ...dag.blocks.map((block) => ({ type: 'put' as const, sublevel: this.#blocks, key: blockKey(block.cid), value: block.bytes })),
      { type: 'put' as const, sublevel: this.#records as never, key, value: record as never },
    ])
    this.#usedBytes += dagBytes
    this.#local.add(key)
    return { cid: dag.root, size: dag.size, blocks: dag.blocks.length, created: true }
  }

  /**
   * A writer for a DAG arriving block by block (a fetch): blocks go to disk in batches while the
   * rest is still on the wire, the blob's record only in `commit`, so until then the blob is
   * invisible (as after a crash in the middle of a put) and GC leaves its staged blocks alone.
   */
  beginDag(): DagWriter {
    this.#checkOpen()
    return new DagWriter({
      write: (blocks) =>
        this.#db.batch(
          blocks.map((block) => ({ type: 'put' as const, sublevel: this.#blocks, key: blockKey(block.cid), value: block.bytes })),
        ),
      stage: (key) => this.#staged.set(key, (this.#staged.get(key) ?? 0) + 1),
      commit: (dag, written, pin) => this.#commitStaged(dag, written, pin),
      release: (keys, drop) => this.#release(keys, drop),
    })
  }

  async #commitStaged(dag: BlobDag, written: number, pin: string | undefined): Promise<PutResult> {
    this.#checkOpen()
    const key = formatCid(dag.root)
    const existing = await this.#records.get(key)
    if (existing !== undefined) {
      if (pin !== undefined && !existing.pins.includes(pin))
        await this.#records.put(key, { ...existing, pins: [...existing.pins, pin].sort() })
      return { cid: dag.root, size: existing.size, blocks: existing.blocks, created: false }
    }
    const dagBytes = dag.blocks.reduce((sum, block) => sum + block.bytes.length, 0)
    await this.#reserve(dagBytes)
    const record: BlobRecord = {
      size: dag.size,
      blocks: dag.blocks.length,
      dagBytes,
      addedAt: this.#now(),
      pins: pin === undefined ? [] : [pin],
    }
    await this.#db.batch([
      ...dag.blocks
        .slice(written)
        .map((block) => ({ type: 'put' as const, sublevel: this.#blocks, key: blockKey(block.cid), value: block.bytes })),
      { type: 'put' as const, sublevel: this.#records as never, key, value: record as never },
    ])
    this.#usedBytes += dagBytes
    this.#local.add(key)
    return { cid: dag.root, size: dag.size, blocks: dag.blocks.length, created: true }
  }

  /** Stops protecting a writer's staged keys; with `drop`, deletes those no blob (or other writer) reaches. */
  async #release(keys: readonly string[], drop: boolean): Promise<void> {
    const freed: string[] = []
    for (const key of keys) {
      const count = (this.#staged.get(key) ?? 1) - 1
      if (count > 0) this.#staged.set(key, count)
      else {
        this.#staged.delete(key)
        freed.push(key)
      }
    }
    if (!drop || freed.length === 0 || !this.#open) return
    const keep = await this.#reachable()
    const batch = freed.filter((key) => !keep.has(key) && !this.#staged.has(key)).map((key) => ({ type: 'del' as const, key }))
    if (batch.length > 0) await this.#blocks.batch(batch)
  }

  /** Block keys of every recorded blob. */
  async #reachable(): Promise<Set<string>> {
    const keep = new Set<string>()
    for await (const key of this.#records.keys()) await walkDagKeys(parseBlobCid(key), this.readBlock, keep)
    return keep
  }

  /** Whether the whole blob is local (its record exists; records are written after every block). */
  async has(cid: BlobCid): Promise<boolean> {
    this.#checkOpen()
    return (await this.#records.get(formatCid(cid))) !== undefined
  }

  /** Whether the whole blob is local, from memory (no I/O): what a synchronous caller asks. */
  holdsNow(cid: BlobCid): boolean {
    return this.#local.has(formatCid(cid))
  }

  /** @returns undefined when the blob is not local */
  async stat(cid: BlobCid): Promise<BlobStat | undefined> {
    this.#checkOpen()
    const key = formatCid(cid)
    const record = await this.#records.get(key)
    if (record === undefined) return undefined
    return {
      cid: key,
      size: record.size,
      blocks: record.blocks,
      dagBytes: record.dagBytes,
      pinned: record.pins.length > 0,
      pins: record.pins,
      addedAt: record.addedAt,
    }
  }

  /**
   * The blob's bytes from local blocks, each block's hash checked against its CID (a disk that
   * rotted answers CORRUPT_BLOCK rather than wrong bytes).
   * @throws BlobError NOT_FOUND, CORRUPT_BLOCK
   */
  async get(cid: BlobCid): Promise<Uint8Array> {
    this.#checkOpen()
    const record = await this.#records.get(formatCid(cid))
    if (record === undefined) throw new BlobError('NOT_FOUND', `${formatCid(cid)} is not in the local store`, { cid: formatCid(cid) })
    const parts: Uint8Array[] = []
    await walkFile(cid, this.readBlock, (data) => parts.push(data))
    return Buffer.concat(parts, record.size)
  }

  /** A local block, unverified (bitswap's serving path reads through `blockstore`). */
  readonly readBlock: BlockReader = async (cid) => this.#blocks.get(blockKey(cid))

  /** Adds a pin label. @throws BlobError NOT_FOUND */
  async pin(cid: BlobCid, label: string): Promise<void> {
    const record = await this.#record(cid)
    if (record.pins.includes(label)) return
    await this.#records.put(formatCid(cid), { ...record, pins: [...record.pins, label].sort() })
  }

  /** Removes a pin label; the blob becomes collectable once it has none (and its grace ran out). */
  async unpin(cid: BlobCid, label: string): Promise<void> {
    const record = await this.#records.get(formatCid(cid))
    if (record === undefined || !record.pins.includes(label)) return
    await this.#records.put(formatCid(cid), { ...record, pins: record.pins.filter((pin) => pin !== label) })
  }

  /** Removes every pin whose label `release` selects (a retention policy moving on); returns how many. */
  async unpinWhere(release: (label: string) => boolean): Promise<number> {
    this.#checkOpen()
    let removed = 0
    const changes: { type: 'put'; key: string; value: BlobRecord }[] = []
    for await (const [key, record] of this.#records.iterator()) {
      const pins = record.pins.filter((pin) => !release(pin))
      if (pins.length === record.pins.length) continue
      removed += record.pins.length - pins.length
      changes.push({ type: 'put', key, value: { ...record, pins } })
    }
    if (changes.length > 0) await this.#records.batch(changes)
    return removed
  }

  /**
   * Drops every unpinned blob older than the grace period, and every block no remaining blob
   * reaches (also blocks a crash left without a record). Returns the bytes freed.
   */
  async gc(): Promise<{ blobs: number; bytes: number }> {
    this.#checkOpen()
    const cutoff = this.#now() - this.#config.gcGraceMs
    const keep = new Set<string>()
    const drop: { key: string; record: BlobRecord }[] = []
    for await (const [key, record] of this.#records.iterator()) {
      if (record.pins.length === 0 && record.addedAt <= cutoff) drop.push({ key, record })
      else await walkDagKeys(parseBlobCid(key), this.readBlock, keep)
    }
    const batch: { type: 'del'; key: string; sublevel?: never }[] = []
    for await (const key of this.#blocks.keys())
      if (!keep.has(key) && !this.#staged.has(key)) batch.push({ type: 'del', key, sublevel: this.#blocks as never })
    for (const { key } of drop) batch.push({ type: 'del', key, sublevel: this.#records as never })
    if (batch.length > 0) await this.#db.batch(batch)
    for (const { key } of drop) this.#local.delete(key)
    const bytes = drop.reduce((sum, { record }) => sum + record.dagBytes, 0)
    this.#usedBytes -= bytes
    return { blobs: drop.length, bytes }
  }

  /** Every local blob's CID (for listing and tests). */
  async list(): Promise<string[]> {
    this.#checkOpen()
    const keys: string[] = []
    for await (const key of this.#records.keys()) keys.push(key)
    return keys
  }

  async #reserve(bytes: number): Promise<void> {
    if (this.#usedBytes + bytes <= this.#config.maxBytes) return
    await this.gc()
    if (this.#usedBytes + bytes > this.#config.maxBytes) {
      throw new BlobError('QUOTA_EXCEEDED', `storing ${bytes} bytes would pass blobs.maxBytes`, {
        size: bytes,
        used: this.#usedBytes,
        limit: this.#config.maxBytes,
      })
    }
  }

  async #record(cid: BlobCid): Promise<BlobRecord> {
    this.#checkOpen()
    const record = await this.#records.get(formatCid(cid))
    if (record === undefined) throw new BlobError('NOT_FOUND', `${formatCid(cid)} is not in the local store`, { cid: formatCid(cid) })
    return record
  }

  #checkOpen(): void {
    if (!this.#open) throw new BlobError('NOT_STARTED', 'the blob store is not open', { reason: 'closed' })
  }
}

interface DagWriterSink {
  write(blocks: Block[]): Promise<void>
  stage(key: string): void
  commit(dag: BlobDag, written: number, pin: string | undefined): Promise<PutResult>
  release(keys: readonly string[], drop: boolean): Promise<void>
}

/** Bytes a DagWriter gathers before it writes a batch (while the next blocks arrive). */
const STAGE_BATCH_BYTES = 4 * 1024 * 1024

/**
 * Blocks of one DAG written as they come (BlobStore.beginDag): `add` only verified blocks; then
 * exactly one of `commit` (the record, after every staged batch is on disk) or `abort`.
 */
export class DagWriter {
  readonly #sink: DagWriterSink
  readonly #blocks: Block[] = []
  readonly #keys: string[] = []
  /** Blocks handed to a batch so far (a prefix of #blocks). */
  #queued = 0
  #queuedBytes = 0
  #writing: Promise<void> = Promise.resolve()
  #failed: unknown
  #done = false

  constructor(sink: DagWriterSink) {
    this.#sink = sink
  }

  get blocks(): readonly Block[] {
    return this.#blocks
  }

  add(block: Block): void {
    if (this.#done) throw new BlobError('NOT_STARTED', 'the DAG writer is finished', { reason: 'finished' })
    const key = blockKey(block.cid)
    this.#sink.stage(key)
    this.#keys.push(key)
    this.#blocks.push(block)
    this.#queuedBytes += block.bytes.length
    if (this.#queuedBytes >= STAGE_BATCH_BYTES) this.#flush()
  }

  #flush(): void {
    const batch = this.#blocks.slice(this.#queued)
    this.#queued = this.#blocks.length
    this.#queuedBytes = 0
    this.#writing = this.#writing
      .then(() => (this.#failed === undefined ? this.#sink.write(batch) : undefined))
      .catch((error: unknown) => void (this.#failed ??= error))
  }

  /** Writes the rest with the blob's record. @throws BlobError QUOTA_EXCEEDED (then nothing is kept) */
  async commit(root: BlobDag['root'], size: number, pin?: string): Promise<PutResult> {
    if (this.#done) throw new BlobError('NOT_STARTED', 'the DAG writer is finished', { reason: 'finished' })
    this.#done = true
    await this.#writing
    let ok = false
    try {
      if (this.#failed !== undefined) throw this.#failed
      const result = await this.#sink.commit({ root, size, blocks: this.#blocks }, this.#queued, pin)
      ok = true
      return result
    } finally {
      await this.#sink.release(this.#keys, !ok)
    }
  }

  /** Drops what was staged (blocks another blob also holds stay). Safe to call after commit. */
  async abort(): Promise<void> {
    if (this.#done) return
    this.#done = true
    await this.#writing
    await this.#sink.release(this.#keys, true)
  }
}

/**
 * Chunks and hashes an upload into its DAG, refusing it as soon as it passes `limit` bytes and
 * when it ends short of `expectedSize`. Nothing is stored here.
 * @throws BlobError TOO_LARGE, TRUNCATED
 */
export async function chunkUpload(source: Uint8Array | AsyncIterable<Uint8Array>, limit: number, expectedSize?: number): Promise<BlobDag> {
  const builder = new UnixfsFileBuilder()
  const chunks = source instanceof Uint8Array ? [source] : source
  for await (const chunk of chunks) {
    if (builder.size + chunk.length > limit)
      throw new BlobError('TOO_LARGE', `blob is over the ${limit}-byte limit`, { size: builder.size + chunk.length, limit })
    builder.push(chunk)
  }
  if (expectedSize !== undefined && builder.size !== expectedSize) {
    throw new BlobError('TRUNCATED', `upload ended after ${builder.size} of ${expectedSize} bytes; nothing stored`, {
      expected: expectedSize,
      received: builder.size,
    })
  }
  return builder.finish()
}

/**
 * Walks a file DAG in order, giving each leaf's bytes to `onData`; every block is checked
 * against its CID. @throws BlobError NOT_FOUND (a block missing), CORRUPT_BLOCK
 */
export async function walkFile(root: BlobCid, read: BlockReader, onData: (data: Uint8Array) => void): Promise<void> {
  const bytes = await read(root)
  if (bytes === undefined) throw new BlobError('NOT_FOUND', `block ${formatCid(root)} is missing`, { cid: formatCid(root) })
  if (!blockMatches(root, bytes))
    throw new BlobError('CORRUPT_BLOCK', `block ${formatCid(root)} does not match its hash`, {
      cid: formatCid(root),
      reason: 'hash mismatch',
    })
  const block = decodeFileBlock(root, bytes)
  if (block.data.length > 0) onData(block.data)
  if (block.kind === 'node') for (const child of block.children) await walkFile(child, read, onData)
}

/** Adds the block keys of a DAG to `into`, reading interior nodes only (leaves are known from their links). */
async function walkDagKeys(root: BlobCid, read: BlockReader, into: Set<string>): Promise<void> {
  into.add(blockKey(root))
  if (root.code === RAW_CODEC) return
  const bytes = await read(root)
  if (bytes === undefined) return
  const block = decodeFileBlock(root, bytes)
  if (block.kind === 'node') for (const child of block.children) await walkDagKeys(child, read, into)
}

export type { Block }

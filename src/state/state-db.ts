import { Level } from 'level'
import { keyBytes, keyId } from './bytes.js'
import { StateError } from './errors.js'
import type { KVReader, WriteSet } from './kv.js'
import type { StateProof } from './proof.js'
import { type Node, type TreeWrite, applyWrites, leaves, lookup, prove, rootHash } from './smt.js'
import { SortedKeys } from './sorted-keys.js'

// One byte of namespace per kind of record in the level database.
const STATE = 0x73 // 's' + state key → value
const META = 0x6d // 'm' → last committed height and root
const RESERVED = new Set([STATE, META])

/** A state computed on top of the committed one but not yet written (a proposal being checked). */
export interface PreparedState {
  readonly base: Node | null
  readonly root: Node | null
  readonly rootHash: Uint8Array
  readonly writes: WriteSet
}

export interface StateDBOptions {
  /** How many recent heights keep their tree in memory for historic queries and proofs. */
  keepVersions?: number
}

const STATE_PREFIX = String.fromCharCode(STATE)

/** A state key's level key, `STATE ‖ key`, straight from its latin1 id (see bytes.ts). */
const recordKeyOf = (id: string): Uint8Array => Buffer.from(STATE_PREFIX + id, 'latin1')

/** A state key's bytes for the tree, straight from its latin1 id. */
function treeKeyOf(id: string): Uint8Array {
  const out = new Uint8Array(id.length)
  for (let i = 0; i < id.length; i++) out[i] = id.charCodeAt(i)
  return out
}

function encodeMeta(height: number, root: Uint8Array): Uint8Array {
  const out = new Uint8Array(40)
  new DataView(out.buffer).setBigUint64(0, BigInt(height))
  out.set(root, 8)
  return out
}

/**
 * The committed application state: an authenticated tree in memory (rebuilt from the stored
 * leaves on open and checked against the stored root), and `level` on disk. A commit is one
 * atomic level batch holding the changed leaves, the new height and root, and whatever blocks
 * or results the caller adds, so a crash at any instant leaves the previous commit or the new
 * one, never a mixture.
 */
export class StateDB implements KVReader {
  readonly #db: Level<Uint8Array, Uint8Array>
  readonly #keepVersions: number
  readonly #versions = new Map<number, Node | null>()
  #root: Node | null = null
  #height = 0
  #empty = true
  #keys = new SortedKeys()
  // The latest committed value of every key: reads during execution are map lookups, not tree
  // walks that hash the key. The tree stays the authority for roots, proofs and old versions.
  #values = new Map<string, Uint8Array>()
  #closed = false

  private constructor(db: Level<Uint8Array, Uint8Array>, keepVersions: number) {
    this.#db = db
    this.#keepVersions = keepVersions
  }

  static async open(directory: string, options: StateDBOptions = {}): Promise<StateDB> {
    const db = new Level<Uint8Array, Uint8Array>(directory, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.open()
    const state = new StateDB(db, options.keepVersions ?? 100)
    try {
      await state.#load()
    } catch (error) {
      await db.close()
      throw error
    }
    return state
  }

  async #load(): Promise<void> {
    const writes: { key: Uint8Array; value: Uint8Array }[] = []
    const ids: string[] = []
    for await (const [key, value] of this.#db.iterator({ gte: Uint8Array.of(STATE), lt: Uint8Array.of(STATE + 1) })) {
      const stateKey = key.subarray(1)
      writes.push({ key: stateKey, value })
      const id = keyId(stateKey)
      ids.push(id)
      this.#values.set(id, value)
    }
    this.#root = applyWrites(null, writes)
    this.#keys = SortedKeys.from(ids)
    const meta = await this.#db.get(Uint8Array.of(META))
    if (meta === undefined) {
      if (writes.length > 0) throw new StateError('STORE_CORRUPT', 'state leaves without a committed height', {})
      return
    }
    this.#height = Number(new DataView(meta.buffer, meta.byteOffset, 8).getBigUint64(0))
    this.#empty = false
    const stored = meta.subarray(8, 40)
    const actual = rootHash(this.#root)
    if (Buffer.compare(stored, actual) !== 0) {
      throw new StateError(
        'STORE_CORRUPT',
        `leaves hash to ${Buffer.from(actual).toString('hex')}, stored root is ${Buffer.from(stored).toString('hex')}`,
        {
          height: this.#height,
          expected: Buffer.from(stored).toString('hex'),
          actual: Buffer.from(actual).toString('hex'),
        },
      )
    }
    this.#versions.set(this.#height, this.#root)
  }

  /** Last committed height (genesis is height 0); -1 before genesis was committed. */
  get height(): number {
    return this.#empty ? -1 : this.#height
  }

  get rootHash(): Uint8Array {
    return rootHash(this.#root)
  }

  get size(): number {
    return this.#keys.size
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#values.get(keyId(key))
  }

  *iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    for (const id of this.#keys.withPrefix(keyId(prefix))) yield [keyBytes(id), this.#values.get(id)!]
  }

  /** The root after `writes`, computed without touching the committed state. */
  prepare(writes: WriteSet): PreparedState {
    const base = this.#root
    const treeWrites: TreeWrite[] = []
    for (const [id, value] of writes) treeWrites.push({ key: treeKeyOf(id), value })
    const root = applyWrites(base, treeWrites)
    return { base, root, rootHash: rootHash(root), writes }
  }

  /**
   * Durably commits a prepared state as `height`, together with extra records (blocks, results)
   * whose first byte names a namespace other than the state's own.
   */
  async commit(height: number, prepared: PreparedState, extra: [Uint8Array, Uint8Array][] = []): Promise<void> {
    if (this.#closed) throw new StateError('STORE_CLOSED', 'the state store is closed', {})
    const expected = this.height + 1
    if (height !== expected && !(this.#empty && height >= 0)) {
      throw new StateError('HEIGHT_MISMATCH', `cannot commit height ${height} after ${this.height}`, { height, expected: String(expected) })
    }
    if (prepared.base !== this.#root) throw new StateError('HEIGHT_MISMATCH', 'prepared on top of a different state', { height })
    // A chained batch, not the array form: that one copies the options ({ sync }) into every
    // operation and took 1.7× as long per commit (`npm run bench -- state`, docs/perf.md).
    const batch = this.#db.batch()
    for (const [id, value] of prepared.writes) {
      if (value === null) batch.del(recordKeyOf(id))
      else batch.put(recordKeyOf(id), value)
    }
    for (const [key, value] of extra) {
      if (key.length === 0 || RESERVED.has(key[0]!)) throw new Error(`extra record key uses a reserved namespace: ${key[0]}`)
      batch.put(key, value)
    }
    batch.put(Uint8Array.of(META), encodeMeta(height, prepared.rootHash))
    // sync: the block must be on disk before consensus resets its WAL for the next height and
    // signs there; without it a power cut can leave the state at H−1 with the WAL at H+1.
    await batch.write({ sync: true })

    const added: string[] = []
    const removed = new Set<string>()
    for (const [id, value] of prepared.writes) {
      if (value === null) {
        removed.add(id)
        this.#values.delete(id)
      } else {
        added.push(id)
        this.#values.set(id, value)
      }
    }
    this.#keys.update(added, removed)
    this.#root = prepared.root
    this.#height = height
    this.#empty = false
    this.#versions.set(height, prepared.root)
    this.#versions.delete(height - this.#keepVersions)
  }

  #versionAt(height: number): Node | null {
    if (!this.#versions.has(height)) {
      throw new StateError('VERSION_PRUNED', `state at height ${height} is not kept (kept: last ${this.#keepVersions} since start)`, {
        height,
      })
    }
    return this.#versions.get(height)!
  }

  /** Value of `key` at a kept height (default: latest), with a proof against that height's root. */
  query(key: Uint8Array, height = this.height): { value: Uint8Array | undefined; root: Uint8Array; proof: StateProof } {
    const root = height === this.#height ? this.#root : this.#versionAt(height)
    return { value: lookup(root, key), root: rootHash(root), proof: prove(root, key) }
  }

  /**
   * A read-only view of the state at a kept height (the latest: this store itself), for queries
   * at a past height. Its `iterate` walks every leaf of that version (the tree is keyed by hashed
   * paths, so a prefix has no subtree): fine for the kept versions a query asks about, not a hot path.
   * Throws VERSION_PRUNED.
   */
  readerAt(height: number): KVReader {
    if (height === this.height) return this
    const root = this.#versionAt(height)
    return {
      get: (key) => lookup(root, key),
      *iterate(prefix) {
        const found: [Uint8Array, Uint8Array][] = []
        for (const leaf of leaves(root)) if (startsWith(leaf.key, prefix)) found.push([leaf.key, leaf.value])
        found.sort((a, b) => Buffer.compare(a[0], b[0]))
        yield* found
      },
    }
  }

  /** Raw access to the extra namespaces (blocks, results) written with commits. */
  async getRecord(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#db.get(key)
  }

  recordIterator(namespace: number) {
    return this.#db.iterator({ gte: Uint8Array.of(namespace), lt: Uint8Array.of(namespace + 1) })
  }

  /** Every committed leaf, in path order (tests, export). */
  allLeaves(): Generator<{ key: Uint8Array; value: Uint8Array }> {
    return leaves(this.#root)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#db.close()
  }
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false
  return true
}

import { keyBytes, keyId } from './bytes.js'

/** Synchronous reads over state; iteration is in key byte order. */
export interface KVReader {
  get(key: Uint8Array): Uint8Array | undefined
  /** Entries whose key starts with `prefix`, ascending. */
  iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]>
}

export interface KVStore extends KVReader {
  set(key: Uint8Array, value: Uint8Array): void
  delete(key: Uint8Array): void
}

/** Pending writes in first-write order; `null` is a delete. */
export type WriteSet = Map<string, Uint8Array | null>

/**
 * A write cache over a reader (Cosmos' CacheKVStore): transactions run against one and either
 * `flushTo` their parent or are dropped, which is how a failed message leaves no trace.
 */
export class CacheStore implements KVStore {
  readonly writes: WriteSet = new Map()
  readonly #parent: KVReader

  constructor(parent: KVReader) {
    this.#parent = parent
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const id = keyId(key)
    if (this.writes.has(id)) return this.writes.get(id) ?? undefined
    return this.#parent.get(key)
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(keyId(key), value)
  }

  delete(key: Uint8Array): void {
    this.writes.set(keyId(key), null)
  }

  *iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    const start = keyId(prefix)
    const own = [...this.writes.keys()].filter((id) => id.startsWith(start)).sort()
    let i = 0
    for (const [key, value] of this.#parent.iterate(prefix)) {
      const id = keyId(key)
      for (; i < own.length && own[i]! < id; i++) {
        const mine = this.writes.get(own[i]!)
        if (mine) yield [keyBytes(own[i]!), mine]
      }
      if (i < own.length && own[i] === id) {
        const mine = this.writes.get(own[i++]!)
        if (mine) yield [key, mine]
        continue
      }
      yield [key, value]
    }
    for (; i < own.length; i++) {
      const mine = this.writes.get(own[i]!)
      if (mine) yield [keyBytes(own[i]!), mine]
    }
  }

  flushTo(parent: KVStore): void {
    for (const [id, value] of this.writes) {
      if (value === null) parent.delete(keyBytes(id))
      else parent.set(keyBytes(id), value)
    }
  }
}

/** A module's view of state: every key it touches is under its own prefix. */
export class PrefixStore implements KVStore {
  readonly #parent: KVStore
  readonly #prefix: Uint8Array

  constructor(parent: KVStore, prefix: Uint8Array) {
    this.#parent = parent
    this.#prefix = prefix
  }

  #full(key: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.#prefix.length + key.length)
    out.set(this.#prefix)
    out.set(key, this.#prefix.length)
    return out
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#parent.get(this.#full(key))
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#parent.set(this.#full(key), value)
  }

  delete(key: Uint8Array): void {
    this.#parent.delete(this.#full(key))
  }

  *iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    for (const [key, value] of this.#parent.iterate(this.#full(prefix))) yield [key.subarray(this.#prefix.length), value]
  }
}

/**
 * A Map that holds at most `capacity` entries and forgets the least recently used first
 * (a Map iterates in insertion order, so re-inserting on use keeps the oldest first).
 */
export class LruMap<K, V> {
  readonly capacity: number
  readonly #entries = new Map<K, V>()

  constructor(capacity: number) {
    this.capacity = capacity
  }

  get size(): number {
    return this.#entries.size
  }

  /** The value, marking the key as recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key)
    if (value !== undefined) {
      this.#entries.delete(key)
      this.#entries.set(key, value)
    }
    return value
  }

  /** The value, without changing the eviction order. */
  peek(key: K): V | undefined {
    return this.#entries.get(key)
  }

  has(key: K): boolean {
    return this.#entries.has(key)
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return
    this.#entries.delete(key)
    this.#entries.set(key, value)
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K)
  }

  delete(key: K): boolean {
    return this.#entries.delete(key)
  }
}

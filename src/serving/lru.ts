/**
 * A least-recently-used cache under a byte budget. An entry in use is pinned (acquire … release)
 * and never evicted, so a request that loaded it can finish with it; the cache may run over its
 * budget only by what is pinned. `evict` frees an entry's resources (tensors) when it leaves.
 */
export class ByteBudgetLru<V> {
  readonly #entries = new Map<string, { value: V; bytes: number; pins: number }>()
  #bytes = 0
  evictions = 0

  constructor(
    readonly maxBytes: number,
    private readonly evict: (key: string, value: V) => void,
  ) {}

  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#entries.size
  }

  has(key: string): boolean {
    return this.#entries.has(key)
  }

  /** The entry without pinning it or changing its recency; undefined when absent. */
  peek(key: string): V | undefined {
    return this.#entries.get(key)?.value
  }

  /** Removes an entry (pinned or not) and frees it. */
  delete(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
    this.evict(key, entry.value)
  }

  /** The entry, pinned and marked most recently used; undefined when absent. */
  acquire(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    entry.pins++
    return entry.value
  }

  release(key: string): void {
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.pins > 0) entry.pins--
    this.#shrink()
  }

  /** Adds an entry, pinned (release it when done), then evicts unpinned ones from the cold end while over budget. */
  insert(key: string, value: V, bytes: number): V {
    const existing = this.acquire(key)
    if (existing !== undefined) {
      this.evict(key, value)
      return existing
    }
    this.#entries.set(key, { value, bytes, pins: 1 })
    this.#bytes += bytes
    this.#shrink()
    return value
  }

  keys(): string[] {
    return [...this.#entries.keys()]
  }

  clear(): void {
    for (const [key, entry] of this.#entries) this.evict(key, entry.value)
    this.#entries.clear()
    this.#bytes = 0
  }

  #shrink(): void {
    if (this.#bytes <= this.maxBytes) return
    for (const [key, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break
      if (entry.pins > 0) continue
      this.#entries.delete(key)
      this.#bytes -= entry.bytes
      this.evictions++
      this.evict(key, entry.value)
    }
  }
}

// A chunk splits in two when it grows past MAX_CHUNK keys: an insert moves at most that many.
const MAX_CHUNK = 512

function lowerBound(keys: readonly string[], id: string): number {
  let a = 0
  let b = keys.length
  while (a < b) {
    const mid = (a + b) >> 1
    if (keys[mid]! < id) a = mid + 1
    else b = mid
  }
  return a
}

/**
 * Keys of the committed state in byte order, for prefix iteration: a list of sorted chunks
 * (a one-level B-tree). A commit's m changes cost O(m · (log n + MAX_CHUNK)); the single sorted
 * array this replaces was re-merged whole per commit, O(n), which grew with the state and was
 * 12 % of a 1,000-key commit over 51,000 keys (`npm run bench -- state`, docs/perf.md).
 */
export class SortedKeys {
  // Every chunk is non-empty and sorted, and each chunk's keys sort before the next chunk's.
  #chunks: string[][] = []
  #size = 0

  static from(ids: Iterable<string>): SortedKeys {
    const index = new SortedKeys()
    const sorted = [...new Set(ids)].sort()
    for (let i = 0; i < sorted.length; i += MAX_CHUNK / 2) index.#chunks.push(sorted.slice(i, i + MAX_CHUNK / 2))
    index.#size = sorted.length
    return index
  }

  get size(): number {
    return this.#size
  }

  /** The chunk that holds `id` or would: the first whose last key is ≥ id, else the last one. */
  #chunkFor(id: string): number {
    let a = 0
    let b = this.#chunks.length - 1
    while (a < b) {
      const mid = (a + b) >> 1
      const chunk = this.#chunks[mid]!
      if (chunk[chunk.length - 1]! < id) a = mid + 1
      else b = mid
    }
    return a
  }

  #insert(id: string): void {
    if (this.#chunks.length === 0) {
      this.#chunks.push([id])
      this.#size = 1
      return
    }
    const at = this.#chunkFor(id)
    const chunk = this.#chunks[at]!
    const i = lowerBound(chunk, id)
    if (chunk[i] === id) return
    chunk.splice(i, 0, id)
    this.#size++
    if (chunk.length > MAX_CHUNK) this.#chunks.splice(at + 1, 0, chunk.splice(MAX_CHUNK / 2))
  }

  #remove(id: string): void {
    if (this.#chunks.length === 0) return
    const at = this.#chunkFor(id)
    const chunk = this.#chunks[at]!
    const i = lowerBound(chunk, id)
    if (chunk[i] !== id) return
    chunk.splice(i, 1)
    this.#size--
    if (chunk.length === 0) this.#chunks.splice(at, 1)
  }

  /** Applies one commit's changes: `added` may repeat ids or name present ones; `removed` wins over `added`. */
  update(added: Iterable<string>, removed: ReadonlySet<string>): void {
    for (const id of removed) this.#remove(id)
    for (const id of added) if (!removed.has(id)) this.#insert(id)
  }

  *withPrefix(prefix: string): Generator<string> {
    if (this.#chunks.length === 0) return
    let at = this.#chunkFor(prefix)
    let i = lowerBound(this.#chunks[at]!, prefix)
    for (; at < this.#chunks.length; at++, i = 0) {
      const chunk = this.#chunks[at]!
      for (; i < chunk.length; i++) {
        if (!chunk[i]!.startsWith(prefix)) return
        yield chunk[i]!
      }
    }
  }
}

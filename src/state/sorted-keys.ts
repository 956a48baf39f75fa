/** Keys of the committed state in byte order, for prefix iteration. */
export class SortedKeys {
  #keys: string[] = []

  static from(ids: Iterable<string>): SortedKeys {
    const index = new SortedKeys()
    index.#keys = [...ids].sort()
    return index
  }

  get size(): number {
    return this.#keys.length
  }

  #lowerBound(id: string): number {
    let a = 0
    let b = this.#keys.length
    while (a < b) {
      const mid = (a + b) >> 1
      if (this.#keys[mid]! < id) a = mid + 1
      else b = mid
    }
    return a
  }

  /**
   * Applies one commit's changes in a single merge pass, O(n + m log m): per-key splicing
   * would be O(n·m) and dominated block commits (measured by `npm run bench -- state`).
   */
  update(added: Iterable<string>, removed: ReadonlySet<string>): void {
    const fresh = [...new Set(added)].filter((id) => !removed.has(id)).sort()
    const merged: string[] = []
    const old = this.#keys
    let i = 0
    let j = 0
    while (i < old.length || j < fresh.length) {
      const a = old[i]
      const b = fresh[j]
      if (b === undefined || (a !== undefined && a < b)) {
        if (!removed.has(a!)) merged.push(a!)
        i++
      } else if (a === b) {
        merged.push(a)
        i++
        j++
      } else {
        merged.push(b)
        j++
      }
    }
    this.#keys = merged
  }

  *withPrefix(prefix: string): Generator<string> {
    for (let i = this.#lowerBound(prefix); i < this.#keys.length && this.#keys[i]!.startsWith(prefix); i++) yield this.#keys[i]!
  }
}

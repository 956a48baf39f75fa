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

  add(id: string): void {
    const at = this.#lowerBound(id)
    if (this.#keys[at] !== id) this.#keys.splice(at, 0, id)
  }

  remove(id: string): void {
    const at = this.#lowerBound(id)
    if (this.#keys[at] === id) this.#keys.splice(at, 1)
  }

  *withPrefix(prefix: string): Generator<string> {
    for (let i = this.#lowerBound(prefix); i < this.#keys.length && this.#keys[i]!.startsWith(prefix); i++) yield this.#keys[i]!
  }
}

/**
 * A bounded cache of a pure function's results, for derivations that are exact to remember and
 * asked for again and again on hot paths (bech32 forms, OpenSSL key objects, index key strings):
 * at most `limit` entries, the oldest forgotten first.
 */
export class BoundedMemo<K, V> {
  readonly limit: number
  readonly #entries = new Map<K, V>()

  constructor(limit: number) {
    this.limit = limit
  }

  /** The remembered value for `key`, or `compute()`'s, remembered. */
  get(key: K, compute: () => V): V {
    let value = this.#entries.get(key)
    if (value === undefined) {
      value = compute()
      if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value as K)
      this.#entries.set(key, value)
    }
    return value
  }
}

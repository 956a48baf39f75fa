/**
 * What one module expects of another's keeper (Cosmos' expected_keepers.go): the provider's
 * name and every method the consumer calls. A consumer declares these in its own
 * `expected-keepers.ts` and lists them in `Module.expects`; the registry checks each against
 * the provider's keeper when it is built, and `ctx.keeper(ref)` answers only refs its module
 * declared — so a module reaches another only through the minimum it wrote down.
 */
export interface KeeperRef<K> {
  readonly module: string
  /** Every method of K, by name: checked to be a function on the provider's keeper at registry build. */
  readonly methods: readonly string[]
  /** Type-only: what ctx.keeper(ref) returns. */
  readonly _keeper?: K
}

/**
 * Declares an expected keeper. `methods` must name every member of K (a missing one is a compile
 * error), so the runtime check at registry build covers the whole interface.
 */
export function expectKeeper<K>(module: string, methods: { readonly [P in keyof K]-?: true }): KeeperRef<K> {
  return { module, methods: Object.keys(methods).sort() }
}

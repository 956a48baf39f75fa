import type { CommitInfo, Misbehaviour } from './consensus-info.js'
import type { Event } from './events.js'
import { GasKVStore, GasMeter } from './gas.js'
import { type KVStore, PrefixStore } from './kv.js'
import type { ModuleRegistry } from './module.js'
import { concatBytes, utf8 } from './bytes.js'

/** What execution may know about the block: everything comes from the block, nothing from the host. */
export interface BlockInfo {
  chainId: string
  height: number
  /** Block time, milliseconds since the Unix epoch, from the header (never the wall clock). */
  time: bigint
  proposer: Uint8Array
  /** The block's verified evidence, with each offender's power at the time (empty when none). */
  evidence: readonly Misbehaviour[]
  /** Who signed the commit of the previous block; null in the first block and outside blocks (checkTx, queries). */
  lastCommit: CommitInfo | null
}

/** The block info of work outside a block (mempool checks, queries, invariants): no time, proposer, evidence or commit. */
export function outsideBlock(chainId: string, height: number): BlockInfo {
  return { chainId, height, time: 0n, proposer: new Uint8Array(20), evidence: [], lastCommit: null }
}

// Every transaction builds a few keepers, each asking for its module's prefix.
const modulePrefixes = new Map<string, Uint8Array>()

/** `name/` as bytes; shared, so callers only read it. */
function modulePrefix(name: string): Uint8Array {
  let prefix = modulePrefixes.get(name)
  if (prefix === undefined) {
    prefix = utf8(`${name}/`)
    modulePrefixes.set(name, prefix)
  }
  return prefix
}

/**
 * The one argument of every handler: the block, a gas-metered store, the event log, and the
 * keepers of other modules bound to the same store.
 */
export class Context {
  readonly block: BlockInfo
  readonly store: KVStore
  readonly gas: GasMeter
  readonly events: Event[]
  readonly #registry: ModuleRegistry
  readonly #keepers = new Map<string, unknown>()

  constructor(block: BlockInfo, store: KVStore, gas: GasMeter, registry: ModuleRegistry, events: Event[] = []) {
    this.block = block
    this.gas = gas
    this.store = new GasKVStore(store, gas)
    this.events = events
    this.#registry = registry
  }

  /** The store of module `name`: its keys, under its prefix, owned by nobody else. */
  moduleStore(name: string): KVStore {
    return new PrefixStore(this.store, modulePrefix(name))
  }

  /** The full state key of `key` in a module's store. */
  moduleKey(name: string, key: Uint8Array): Uint8Array {
    return concatBytes(modulePrefix(name), key)
  }

  /** Another module's keeper (its "expected keeper" interface), bound to this context. */
  keeper<K>(name: string): K {
    let keeper = this.#keepers.get(name)
    if (keeper === undefined) {
      keeper = this.#registry.get(name).keeper(this)
      this.#keepers.set(name, keeper)
    }
    return keeper as K
  }

  emit(type: string, attributes: Record<string, string>): void {
    this.events.push({ type, attributes: Object.entries(attributes) })
  }
}

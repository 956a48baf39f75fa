import type { CommitInfo, Misbehaviour } from './consensus-info.js'
import type { Event } from './events.js'
import { GasKVStore, type GasMeter } from './gas.js'
import { type KVStore, PrefixStore } from './kv.js'
import type { ModuleRegistry } from './module.js'
import type { ModuleAccount } from './module-accounts.js'
import type { HookPoint } from './hooks.js'
import type { KeeperRef } from './keepers.js'
import { type ModuleParams, PARAMS_KEY, ParamsKeeper } from './params.js'
import { StateError } from './errors.js'
import { concatBytes, utf8 } from './bytes.js'
import { type EnvelopeOpener, NO_ENVELOPES } from './envelopes.js'

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
  /** Evidence of an offence more than this many heights old is refused (genesis consensus_params.evidence.max_age_num_blocks). */
  evidenceMaxAge: number
  /** The blobs the block's messages declared (MessageHandler.blobs), loaded before execution; local reads only. */
  blobs: BlobReader
  /** This node's opener of private subnets' update envelopes (envelopes.ts); NO_ENVELOPES outside blocks. */
  envelopes: EnvelopeOpener
}

/**
 * Blob contents during execution (DESIGN §5: a block commits to CIDs; before executing it a
 * validator makes every referenced blob local). Reads are synchronous and local: `get` answers
 * only CIDs the block's messages declared, so what a handler can read is fixed by the block.
 * @throws StateError BLOB_NOT_DECLARED for a CID no message of the block declared (the same on
 * every node), BLOB_NOT_LOADED when the node executes without having loaded it (a node-local
 * failure: the block is not executed, never turned into a transaction result).
 */
export interface BlobReader {
  get(cid: string): Uint8Array
}

/** The reader of work without loaded blobs (mempool checks, queries, blocks that declare none). */
export const NO_BLOBS: BlobReader = {
  get(cid) {
    throw new StateError('BLOB_NOT_LOADED', `blob ${cid} is not loaded for this execution`, {})
  },
}

/** A reader over blobs loaded for one block: declared CIDs answer from `loaded`, others are refused. */
export function blobReader(declared: Iterable<string>, loaded: ReadonlyMap<string, Uint8Array>): BlobReader {
  const allowed = new Set(declared)
  return {
    get(cid) {
      if (!allowed.has(cid)) throw new StateError('BLOB_NOT_DECLARED', `blob ${cid} was not declared by any message of the block`, {})
      const bytes = loaded.get(cid)
      if (bytes === undefined) throw new StateError('BLOB_NOT_LOADED', `blob ${cid} was declared but not loaded before execution`, {})
      return bytes
    },
  }
}

/** The block info of work outside a block (mempool checks, queries, invariants): no time, proposer, evidence or commit. */
export function outsideBlock(chainId: string, height: number): BlockInfo {
  return {
    chainId,
    height,
    time: 0n,
    proposer: new Uint8Array(20),
    evidence: [],
    lastCommit: null,
    evidenceMaxAge: 0,
    blobs: NO_BLOBS,
    envelopes: NO_ENVELOPES,
  }
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
 * A module's own store, with the framework's reserved keys (those starting 0x00: its params)
 * readable but not writable: params change at genesis and through the ParamsKeeper only.
 */
class OwnModuleStore extends PrefixStore {
  readonly #module: string

  constructor(parent: KVStore, module: string) {
    super(parent, modulePrefix(module))
    this.#module = module
  }

  #check(key: Uint8Array): void {
    if (key[0] === PARAMS_KEY[0])
      throw new StateError('SCOPE_VIOLATION', `module ${this.#module} cannot write its params key; the ParamsKeeper does`, {
        module: this.#module,
      })
  }

  override set(key: Uint8Array, value: Uint8Array): void {
    this.#check(key)
    super.set(key, value)
  }

  override delete(key: Uint8Array): void {
    this.#check(key)
    super.delete(key)
  }
}

/** The scope of the framework itself (ante handler, mempool checks, tests): not a module. */
export const FRAMEWORK = ''

/**
 * The one argument of every handler: the block, a gas-metered store, the event log, and the
 * keepers of other modules bound to the same store. A context is scoped to one module (the one
 * whose handler, hook or keeper runs): it opens only that module's store and hands out only the
 * keepers that module declared in `expects`. The framework's own context (FRAMEWORK) opens any
 * store and scopes contexts for modules.
 */
export class Context {
  readonly block: BlockInfo
  readonly store: KVStore
  readonly gas: GasMeter
  readonly events: Event[]
  /** The module this context runs for, or FRAMEWORK. */
  readonly module: string
  readonly #raw: KVStore
  readonly #registry: ModuleRegistry
  readonly #keepers = new Map<string, unknown>()

  constructor(block: BlockInfo, store: KVStore, gas: GasMeter, registry: ModuleRegistry, events: Event[] = [], module = FRAMEWORK) {
    this.block = block
    this.gas = gas
    this.#raw = store
    this.store = new GasKVStore(store, gas)
    this.events = events
    this.module = module
    this.#registry = registry
  }

  /** The same block, store, gas meter and event log, scoped to `module`; only the framework scopes. */
  forModule(module: string): Context {
    if (this.module !== FRAMEWORK)
      throw new StateError('SCOPE_VIOLATION', `module ${this.module} cannot act as ${module}`, { module: this.module })
    return new Context(this.block, this.#raw, this.gas, this.#registry, this.events, module)
  }

  /** The store of module `name` (by default this context's): its keys, under its prefix, owned by nobody else. */
  moduleStore(name: string = this.module): KVStore {
    if (this.module !== FRAMEWORK && name !== this.module) {
      throw new StateError('SCOPE_VIOLATION', `module ${this.module} cannot open the store of ${name}; use its keeper`, {
        module: this.module,
      })
    }
    return this.module === FRAMEWORK ? new PrefixStore(this.store, modulePrefix(name)) : new OwnModuleStore(this.store, name)
  }

  /** The full state key of `key` in a module's store. */
  moduleKey(name: string, key: Uint8Array): Uint8Array {
    return concatBytes(modulePrefix(name), key)
  }

  /**
   * Another module's keeper through an expected-keeper ref this context's module declared in
   * `expects` (checked against the provider when the registry was built), bound to this context's
   * store and gas meter; the provider learns who asks (module accounts and permissions go by it).
   */
  keeper<K>(ref: KeeperRef<K>): K {
    if (!this.#registry.mayUse(this.module, ref)) {
      throw new StateError(
        'UNDECLARED_KEEPER',
        `module ${this.module || '(framework)'} did not declare the ${ref.module} keeper it asks for`,
        { module: this.module },
      )
    }
    let keeper = this.#keepers.get(ref.module)
    if (keeper === undefined) {
      keeper = this.#registry.get(ref.module).keeper(this.#as(ref.module), this.module)
      this.#keepers.set(ref.module, keeper)
    }
    return keeper as K
  }

  /** Calls every subscriber of one of this module's hook points, in the order composition listed them. */
  hooks<H>(point: HookPoint<H>): H {
    if (point.provider !== this.module)
      throw new StateError('SCOPE_VIOLATION', `module ${this.module || '(framework)'} cannot fire hooks of ${point.provider}`, {
        module: this.module,
      })
    const subscribers = this.#registry.hookSubscribers(point)
    const fanOut: Record<string, (...args: unknown[]) => void> = {}
    for (const method of point.methods) {
      fanOut[method] = (...args: unknown[]) => {
        for (const { module, implementation } of subscribers) {
          const hooks = implementation.build(this.#as(module)) as Record<string, (...a: unknown[]) => void>
          hooks[method]!(...args)
        }
      }
    }
    return fanOut as H
  }

  /** The keeper of every module's params; only for modules composition names as params authorities (governance). */
  paramsKeeper(): ParamsKeeper {
    if (!this.#registry.paramsAuthorities.includes(this.module)) {
      throw new StateError('SCOPE_VIOLATION', `module ${this.module || '(framework)'} is not a params authority`, { module: this.module })
    }
    return new ParamsKeeper(this.#as(FRAMEWORK))
  }

  /** A module's params declaration, if it has params. */
  moduleParams(name: string): ModuleParams<unknown> | undefined {
    return this.#registry.has(name) ? this.#registry.get(name).params : undefined
  }

  /** The module account called `name`, as composition declared it. */
  moduleAccount(name: string): ModuleAccount | undefined {
    return this.#registry.moduleAccounts.get(name)
  }

  get moduleAccounts(): ReadonlyMap<string, ModuleAccount> {
    return this.#registry.moduleAccounts
  }

  emit(type: string, attributes: Record<string, string>): void {
    this.events.push({ type, attributes: Object.entries(attributes) })
  }

  // The framework's own scoping, used to run a provider's keeper or a subscriber's hooks.
  #as(module: string): Context {
    return module === this.module ? this : new Context(this.block, this.#raw, this.gas, this.#registry, this.events, module)
  }
}

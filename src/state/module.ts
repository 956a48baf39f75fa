import type { StructType } from '../codec/index.js'
import type { PublicKey } from '../crypto/index.js'
import { Context, FRAMEWORK, outsideBlock } from './context.js'
import { StateError } from './errors.js'
import { FRAMEWORK_KEEPERS } from './expected-keepers.js'
import { GasMeter } from './gas.js'
import { type HookImplementation, type HookPoint, type HookSubscription, hookId } from './hooks.js'
import type { KeeperRef } from './keepers.js'
import { CacheStore } from './kv.js'
import { MODULE_PERMISSIONS, type ModuleAccount, type ModulePermission } from './module-accounts.js'
import type { ModuleParams } from './params.js'
import type { ValidatorUpdate } from './validator-updates.js'

/** A message a module handles: its schema, stateless checks, and the stateful handler. */
export interface MessageHandler<M = any> {
  readonly type: StructType<any>
  /** Stateless checks (Cosmos' ValidateBasic); throw ModuleError. */
  validate?(message: M): void
  /**
   * The blobs (CIDv1 text, base32) `handle` may read through `ctx.block.blobs`: a function of the
   * message alone, so every node loads the same set before executing the block (data availability).
   */
  blobs?(message: M): string[]
  /**
   * The module's admission rule (the check-state half of a Cosmos ante decorator): runs when the
   * mempool admits or re-checks a transaction carrying this message, against the check state
   * before the transaction's own ante (its sender's earlier pending transactions applied), and
   * throws ModuleError to keep it out of the pool (TxError NOT_ADMITTED). What it reads is
   * recorded, so a block that writes one of those keys, or any block when it read the block's
   * height, has the sender re-checked. It sees the next block's height but no time (0 outside a
   * block) and no blobs; its writes are dropped. It may refuse only what `handle` refuses too:
   * blocks do not run it, so a proposer that skipped it changes no outcome.
   */
  admit?(ctx: Context, message: M, signer: PublicKey): void
  handle(ctx: Context, message: M, signer: PublicKey): void
}

export type QueryHandler = (ctx: Context, params: Record<string, unknown>) => unknown

export interface ModuleGenesis<G = any> {
  /** Checks a JSON genesis section (without its `params`); throws StateError GENESIS_INVALID naming the field under `path`. */
  validate(section: unknown, path: string): G
  /** Writes the section (params are already written); a module that owns the validator set (staking) returns the genesis set. */
  init(ctx: Context, genesis: G): ValidatorUpdate[] | void
  /** The section as JSON, without `params` (the framework adds them). */
  export(ctx: Context): unknown
}

/**
 * A native module: `src/modules/<name>/` exports one of these (see docs/architecture.md, "How
 * to write a module"). Other modules reach it only through `keeper`, by a KeeperRef they
 * declare, never through its keys. Every function gets a context scoped to this module.
 */
export interface Module<K = unknown> {
  readonly name: string
  /** The other modules' keepers this one calls (its expected-keepers.ts), checked at registry build. */
  readonly expects?: readonly KeeperRef<any>[]
  readonly messages: MessageHandler[]
  readonly queries: Record<string, QueryHandler>
  readonly genesis: ModuleGenesis
  /** Its parameters, stored under its prefix, set at genesis and by the ParamsKeeper. */
  readonly params?: ModuleParams<any>
  /** The keeper other modules get; `ctx` is scoped to this module, `caller` is the module asking (FRAMEWORK for the framework). */
  keeper(ctx: Context, caller: string): K
  /** Hook points of other modules this one implements; subscribed (or not) at composition. */
  readonly hooks?: readonly HookImplementation<any>[]
  beginBlock?(ctx: Context): void
  /** Cosmos' EndBlocker: may return validator updates, which consensus applies at H+2. */
  endBlock?(ctx: Context): ValidatorUpdate[] | void
  /** Checks of the module's books; each returns null when they hold, or what is wrong. */
  readonly invariants: Record<string, (ctx: Context) => string | null>
}

/** How the modules of one chain fit together (Cosmos' app.go): decided once, checked at registry build. */
export interface Composition {
  /** Module accounts by name: the owning module and what the account may do. */
  moduleAccounts?: Record<string, { owner: string; permissions?: readonly ModulePermission[] }>
  /** Hook subscriptions; each point's subscribers run in the order listed here. */
  hooks?: readonly HookSubscription[]
  /** Orders of genesis init, begin-block and end-block (each lists every module once); registration order by default. */
  order?: { initGenesis?: readonly string[]; beginBlock?: readonly string[]; endBlock?: readonly string[] }
  /** Modules that may change any module's params (governance). */
  paramsAuthorities?: readonly string[]
  /** Keepers the framework itself calls; by default the ante handler's account and fee keepers. */
  frameworkKeepers?: readonly KeeperRef<any>[]
}

const EMPTY_STATE = { get: () => undefined, *iterate(): Generator<[Uint8Array, Uint8Array]> {} }

function compositionError(message: string, module?: string): StateError {
  return new StateError('COMPOSITION_INVALID', message, module === undefined ? {} : { module })
}

/**
 * The modules of a chain and how they are composed. Building one checks every seam: unique
 * names and message tags, every expected keeper present with every method it names, module
 * accounts owned by registered modules with known permissions, hook subscribers implementing
 * their points, and each order listing every module once. A registry that builds cannot fail
 * at a seam later.
 */
export class ModuleRegistry {
  readonly modules: readonly Module[]
  readonly initGenesisOrder: readonly Module[]
  readonly beginBlockOrder: readonly Module[]
  readonly endBlockOrder: readonly Module[]
  readonly moduleAccounts: ReadonlyMap<string, ModuleAccount>
  readonly paramsAuthorities: readonly string[]
  /** Whether any message type declares blobs (MessageHandler.blobs): when none does, no block needs data made local. */
  readonly declaresBlobs: boolean
  readonly #byName = new Map<string, Module>()
  readonly #byTag = new Map<number, { module: Module; handler: MessageHandler }>()
  /** Per module, the providers it declared (FRAMEWORK: the framework's own). */
  readonly #expects = new Map<string, Set<string>>()
  readonly #subscribers = new Map<string, { module: string; implementation: HookImplementation<unknown> }[]>()

  constructor(modules: Module[], composition: Composition = {}) {
    for (const module of modules) {
      if (module.name === FRAMEWORK || !/^[a-z][a-z0-9_-]{0,31}$/.test(module.name))
        throw compositionError(`module name "${module.name}" is not a-z0-9_- (1–32)`, module.name)
      if (this.#byName.has(module.name))
        throw new StateError('DUPLICATE_MODULE', `module ${module.name} registered twice`, { module: module.name })
      this.#byName.set(module.name, module)
      for (const handler of module.messages) {
        if (this.#byTag.has(handler.type.tag))
          throw new StateError('DUPLICATE_MODULE', `message tag ${handler.type.tag} registered twice`, { module: module.name })
        this.#byTag.set(handler.type.tag, { module, handler })
      }
    }
    this.modules = modules
    this.declaresBlobs = modules.some((m) => m.messages.some((h) => h.blobs !== undefined))
    this.moduleAccounts = this.#checkAccounts(composition.moduleAccounts ?? {})
    this.paramsAuthorities = [...(composition.paramsAuthorities ?? [])]
    for (const name of this.paramsAuthorities)
      if (!this.#byName.has(name)) throw compositionError(`params authority ${name} is not a registered module`, name)
    for (const module of modules) this.#checkExpects(module.name, module.expects ?? [])
    this.#checkExpects(FRAMEWORK, composition.frameworkKeepers ?? FRAMEWORK_KEEPERS)
    this.#checkHooks(composition.hooks ?? [])
    const order = composition.order ?? {}
    this.initGenesisOrder = this.#checkOrder('initGenesis', order.initGenesis)
    this.beginBlockOrder = this.#checkOrder('beginBlock', order.beginBlock)
    this.endBlockOrder = this.#checkOrder('endBlock', order.endBlock)
  }

  #checkAccounts(table: NonNullable<Composition['moduleAccounts']>): Map<string, ModuleAccount> {
    const accounts = new Map<string, ModuleAccount>()
    for (const name of Object.keys(table).sort()) {
      const { owner, permissions = [] } = table[name]!
      if (!this.#byName.has(owner)) throw compositionError(`module account ${name} is owned by ${owner}, which is not registered`, owner)
      for (const permission of permissions)
        if (!MODULE_PERMISSIONS.includes(permission))
          throw compositionError(`module account ${name}: unknown permission ${permission}`, owner)
      accounts.set(name, { name, owner, permissions: [...permissions] })
    }
    return accounts
  }

  /** Each ref's provider must be registered and its keeper (built on empty state) must have every method the ref names. */
  #checkExpects(consumer: string, refs: readonly KeeperRef<unknown>[]): void {
    const providers = new Set<string>()
    const who = consumer === FRAMEWORK ? 'the framework' : `module ${consumer}`
    for (const ref of refs) {
      const provider = this.#byName.get(ref.module)
      if (provider === undefined)
        throw compositionError(`${who} expects a ${ref.module} keeper, and no module ${ref.module} is registered`, consumer)
      if (ref.module === consumer) throw compositionError(`${who} declares its own keeper as expected`, consumer)
      const probe = new Context(
        outsideBlock('composition', 0),
        new CacheStore(EMPTY_STATE),
        new GasMeter(2n ** 64n),
        this,
        [],
        provider.name,
      )
      const keeper = provider.keeper(probe, consumer) as Record<string, unknown> | null
      for (const method of ref.methods) {
        if (keeper === null || typeof keeper !== 'object' || typeof keeper[method] !== 'function') {
          throw compositionError(`${who} expects ${ref.module}'s keeper to have ${method}(), and it does not`, consumer)
        }
      }
      providers.add(ref.module)
    }
    this.#expects.set(consumer, providers)
  }

  #checkHooks(subscriptions: readonly HookSubscription[]): void {
    for (const { point, subscriber } of subscriptions) {
      if (!this.#byName.has(point.provider))
        throw compositionError(`hook point ${hookId(point)}: provider ${point.provider} is not registered`, point.provider)
      const module = this.#byName.get(subscriber)
      if (module === undefined) throw compositionError(`hook ${hookId(point)}: subscriber ${subscriber} is not registered`, subscriber)
      const implementation = module.hooks?.find((h) => h.point === point)
      if (implementation === undefined) throw compositionError(`module ${subscriber} does not implement hook ${hookId(point)}`, subscriber)
      const list = this.#subscribers.get(hookId(point)) ?? []
      if (list.some((s) => s.module === subscriber))
        throw compositionError(`module ${subscriber} subscribed to ${hookId(point)} twice`, subscriber)
      list.push({ module: subscriber, implementation })
      this.#subscribers.set(hookId(point), list)
    }
  }

  #checkOrder(phase: string, names: readonly string[] | undefined): Module[] {
    if (names === undefined) return [...this.modules]
    const seen = new Set<string>()
    const ordered = names.map((name) => {
      const module = this.#byName.get(name)
      if (module === undefined) throw compositionError(`${phase} order names ${name}, which is not registered`, name)
      if (seen.has(name)) throw compositionError(`${phase} order names ${name} twice`, name)
      seen.add(name)
      return module
    })
    const missing = this.modules.filter((m) => !seen.has(m.name)).map((m) => m.name)
    if (missing.length > 0) throw compositionError(`${phase} order leaves out ${missing.join(', ')}`, missing[0])
    return ordered
  }

  get(name: string): Module {
    const module = this.#byName.get(name)
    if (module === undefined) throw new StateError('UNKNOWN_MODULE', `no module named ${name}`, { module: name })
    return module
  }

  has(name: string): boolean {
    return this.#byName.has(name)
  }

  handlerForTag(tag: number): { module: Module; handler: MessageHandler } | undefined {
    return this.#byTag.get(tag)
  }

  /** Whether `consumer` (a module or FRAMEWORK) declared the keeper `ref` asks for. */
  mayUse(consumer: string, ref: KeeperRef<unknown>): boolean {
    return this.#expects.get(consumer)?.has(ref.module) === true
  }

  /** The subscribers of a hook point, in composition order. */
  hookSubscribers(point: HookPoint<unknown>): readonly { module: string; implementation: HookImplementation<unknown> }[] {
    return this.#subscribers.get(hookId(point)) ?? []
  }
}

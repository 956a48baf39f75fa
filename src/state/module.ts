import type { StructType } from '../codec/index.js'
import type { PublicKey } from '../crypto/index.js'
import type { Context } from './context.js'
import { StateError } from './errors.js'
import type { ValidatorUpdate } from './validator-updates.js'

/** A message a module handles: its schema, stateless checks, and the stateful handler. */
export interface MessageHandler<M = any> {
  readonly type: StructType<any>
  /** Stateless checks (Cosmos' ValidateBasic); throw ModuleError. */
  validate?(message: M): void
  handle(ctx: Context, message: M, signer: PublicKey): void
}

export type QueryHandler = (ctx: Context, params: Record<string, unknown>) => unknown

export interface ModuleGenesis<G = any> {
  /** Checks a JSON genesis section; throws StateError GENESIS_INVALID naming the field under `path`. */
  validate(section: unknown, path: string): G
  /** Writes the section; a module that owns the validator set (staking) returns the genesis set. */
  init(ctx: Context, genesis: G): ValidatorUpdate[] | void
  export(ctx: Context): unknown
}

/**
 * A native module: `src/modules/<name>/` exports one of these. Other modules reach it only
 * through `keeper(ctx)`, never through its keys.
 */
export interface Module<K = unknown> {
  readonly name: string
  readonly messages: MessageHandler[]
  readonly queries: Record<string, QueryHandler>
  readonly genesis: ModuleGenesis
  keeper(ctx: Context): K
  beginBlock?(ctx: Context): void
  /** Cosmos' EndBlocker: may return validator updates, which consensus applies at H+2. */
  endBlock?(ctx: Context): ValidatorUpdate[] | void
  /** Checks of the module's books; each returns null when they hold, or what is wrong. */
  readonly invariants: Record<string, (ctx: Context) => string | null>
}

export class ModuleRegistry {
  readonly modules: readonly Module[]
  readonly #byName = new Map<string, Module>()
  readonly #byTag = new Map<number, { module: Module; handler: MessageHandler }>()

  constructor(modules: Module[]) {
    for (const module of modules) {
      if (this.#byName.has(module.name)) throw new StateError('DUPLICATE_MODULE', `module ${module.name} registered twice`, { module: module.name })
      this.#byName.set(module.name, module)
      for (const handler of module.messages) {
        if (this.#byTag.has(handler.type.tag)) throw new StateError('DUPLICATE_MODULE', `message tag ${handler.type.tag} registered twice`, { module: module.name })
        this.#byTag.set(handler.type.tag, { module, handler })
      }
    }
    this.modules = modules
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
}

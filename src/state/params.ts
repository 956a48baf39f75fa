import { CodecError, type StructType, decodeStored, encode } from '../codec/index.js'
import type { Context } from './context.js'
import type { KVStore } from './kv.js'
import { ModuleError } from './tx-errors.js'

/**
 * A module's parameters (x/params, per module): a canonical schema for state, defaults, a JSON
 * form for genesis and proposals, and checks. Stored under the module's own prefix at the key
 * PARAMS_KEY, which no module may use for anything else; written at genesis and afterwards only
 * through the ParamsKeeper (governance).
 */
export interface ModuleParams<P> {
  readonly schema: StructType<any>
  readonly defaults: P
  /** The JSON form (genesis `app_state.<module>.params`): missing fields take the defaults; throws StateError GENESIS_INVALID naming the field. */
  fromJson(json: unknown, path: string): P
  toJson(params: P): Record<string, unknown>
  /** Checks a value as a whole; throws ModuleError (the module's INVALID_PARAMS code). */
  validate(params: P): void
}

/** The one key of every module's store reserved for its params; module keys start at 0x01. */
export const PARAMS_KEY = Uint8Array.of(0x00)

/** Codes of the `params` codespace (a proposal carrying a value that does not fit the schema). */
export const PARAMS_ERRORS = { MALFORMED_PARAMS: 2, UNKNOWN_PARAMS: 3 } as const

export function readParams<P>(store: KVStore, params: ModuleParams<P>): P {
  const raw = store.get(PARAMS_KEY)
  return raw === undefined ? params.defaults : (decodeStored(params.schema, raw) as P)
}

/** Validates and writes; the caller has checked who may. */
export function writeParams<P>(store: KVStore, params: ModuleParams<P>, value: P): void {
  let bytes: Uint8Array
  try {
    bytes = encode(params.schema, value as never)
  } catch (error) {
    if (!(error instanceof CodecError)) throw error
    throw new ModuleError(
      'params',
      PARAMS_ERRORS.MALFORMED_PARAMS,
      'MALFORMED_PARAMS',
      `params do not fit ${params.schema.name}: ${error.plainMessage}`,
    )
  }
  params.validate(decodeStored(params.schema, bytes) as P)
  store.set(PARAMS_KEY, bytes)
}

/**
 * Reads and changes any module's params: what governance calls. Only modules named in
 * `Composition.paramsAuthorities` get one (`ctx.paramsKeeper()`); a module reads its own params
 * through its keeper.
 */
export class ParamsKeeper {
  readonly #ctx: Context

  constructor(ctx: Context) {
    this.#ctx = ctx
  }

  #params(module: string): ModuleParams<unknown> {
    const params = this.#ctx.moduleParams(module)
    if (params === undefined)
      throw new ModuleError('params', PARAMS_ERRORS.UNKNOWN_PARAMS, 'UNKNOWN_PARAMS', `module ${module} has no params`, { module })
    return params
  }

  get(module: string): unknown {
    return readParams(this.#ctx.moduleStore(module), this.#params(module))
  }

  /** Replaces a module's params after its checks; emits `params_changed`. Throws ModuleError on a bad value. */
  set(module: string, value: unknown): void {
    const params = this.#params(module)
    writeParams(this.#ctx.moduleStore(module), params, value)
    this.#ctx.emit('params_changed', { module, params: JSON.stringify(params.toJson(value)) })
  }
}

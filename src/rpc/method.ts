import { RPC_ERRORS, RpcError, type RpcErrorName } from './errors.js'
import { type Infer, type ObjectOf, type Schema, SchemaError, type Shape } from './schema.js'

/**
 * A method's contract: its name, what it is for, its params (in positional order: a request
 * may pass them by position or by name) and its result. The table, the validator, the
 * OpenRPC document, docs/rpc.md and the client's types all come from these declarations.
 */
export interface MethodSpec<P extends Shape = Shape, R extends Schema<unknown> = Schema<unknown>> {
  readonly name: string
  readonly summary: string
  readonly description?: string
  readonly params: P
  readonly result: R
  /** Application errors the method may answer with (the standard ones apply to every method). */
  readonly errors?: readonly RpcErrorName[]
  /** 'ws' for methods that need a persistent connection (subscriptions). */
  readonly transport?: 'any' | 'ws'
  /** Documentation examples: params by name and the result. */
  readonly examples?: readonly { name: string; params: Record<string, unknown>; result: unknown }[]
}

export type ParamsOf<M> = M extends MethodSpec<infer P, Schema<unknown>> ? ObjectOf<P> : never
export type ResultOf<M> = M extends MethodSpec<Shape, infer R> ? Infer<R> : never

export function defineMethod<P extends Shape, R extends Schema<unknown>>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec
}

/** What a handler learns about the call besides its params. */
export interface CallContext {
  readonly transport: 'http' | 'ws'
  /** The connection's session: subscriptions live here (WebSocket only). */
  readonly session: unknown
  /** Aborted when the connection closes or the server shuts down. */
  readonly signal: AbortSignal
}

export type Handler<M extends MethodSpec> = (params: ParamsOf<M>, ctx: CallContext) => ResultOf<M> | Promise<ResultOf<M>>

export interface MethodEntry {
  readonly spec: MethodSpec
  readonly handler: (params: Record<string, unknown>, ctx: CallContext) => unknown
  /** Validates raw JSON-RPC params (array, object or absent) into the handler's object. */
  readonly parseParams: (raw: unknown) => Record<string, unknown>
}

function paramsParser(spec: MethodSpec): (raw: unknown) => Record<string, unknown> {
  const names = Object.keys(spec.params)
  const schemas = names.map((name) => spec.params[name]!)
  const invalid = (field: string, reason: string) => new RpcError('INVALID_PARAMS', { field, reason }, `${field}: ${reason}`)
  return (raw) => {
    const out: Record<string, unknown> = {}
    try {
      if (raw === undefined) {
        names.forEach((name, i) => {
          if (!schemas[i]!.optional) throw invalid(`params.${name}`, 'required')
        })
        return out
      }
      if (Array.isArray(raw)) {
        if (raw.length > names.length) throw invalid(`params[${names.length}]`, `${spec.name} takes at most ${names.length} params`)
        names.forEach((name, i) => {
          // A trailing optional param may be left out, or given as null to skip it by position.
          if (i >= raw.length || (raw[i] === null && schemas[i]!.optional)) {
            if (!schemas[i]!.optional) throw invalid(`params[${i}]`, `${name} is required`)
            return
          }
          out[name] = schemas[i]!.parse(raw[i], `params[${i}]`)
        })
        return out
      }
      const byName = raw as Record<string, unknown>
      for (const key of Object.keys(byName)) if (!Object.hasOwn(spec.params, key)) throw invalid(`params.${key}`, 'unknown param')
      names.forEach((name, i) => {
        if (!Object.hasOwn(byName, name) || byName[name] === undefined) {
          if (!schemas[i]!.optional) throw invalid(`params.${name}`, 'required')
          return
        }
        out[name] = schemas[i]!.parse(byName[name], `params.${name}`)
      })
      return out
    } catch (error) {
      if (error instanceof SchemaError) throw invalid(error.path, error.reason)
      throw error
    }
  }
}

/**
 * The methods a server answers. Later modules register their namespaces (`subnet_*`,
 * `round_*`) on the same table; a name can be registered once.
 */
export class MethodTable {
  readonly #entries = new Map<string, MethodEntry>()

  add<M extends MethodSpec>(spec: M, handler: Handler<M>): this {
    if (this.#entries.has(spec.name)) throw new Error(`RPC method ${spec.name} registered twice`)
    if (!/^(rpc\.)?[A-Za-z][A-Za-z0-9_.]*$/.test(spec.name)) throw new Error(`RPC method name ${spec.name} is not a plain identifier`)
    for (const code of spec.errors ?? []) if (!(code in RPC_ERRORS)) throw new Error(`unknown error ${code} in ${spec.name}`)
    this.#entries.set(spec.name, {
      spec,
      handler: handler as unknown as MethodEntry['handler'],
      parseParams: paramsParser(spec),
    })
    return this
  }

  get(name: string): MethodEntry | undefined {
    return this.#entries.get(name)
  }

  /** Every method, sorted by name (the order of the docs). */
  list(): MethodEntry[] {
    return [...this.#entries.values()].sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0))
  }
}

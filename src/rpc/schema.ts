/**
 * A tiny schema language for JSON values. One declaration gives three things: the TypeScript
 * type (`Infer<S>`), a validator that names the offending field (`parse`), and the JSON Schema
 * the OpenRPC document and docs/rpc.md print (`json`). Values stay in their JSON form (hex
 * strings, decimal strings); handlers convert after validation, so parsing never throws twice.
 */

export type JsonSchema = { [key: string]: unknown }

/** A validation failure: `path` names the field (`params.filter.signer`), `reason` says what is wrong. */
export class SchemaError extends Error {
  readonly path: string
  readonly reason: string

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`)
    this.path = path
    this.reason = reason
  }
}

export interface Schema<T> {
  readonly json: JsonSchema
  /** Set for a field that may be left out of an object (or a trailing positional param). */
  readonly optional: boolean
  /** Returns the validated value (a fresh copy for objects and arrays) or throws SchemaError. */
  parse(value: unknown, path: string): T
}

export type Infer<S> = S extends Schema<infer T> ? T : never

export type Shape = Record<string, Schema<unknown>>

type Simplify<T> = { [K in keyof T]: T[K] } & {}
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? never : K }[keyof S]
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>
export type ObjectOf<S extends Shape> = Simplify<{ [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }>

function make<T>(json: JsonSchema, parse: (value: unknown, path: string) => T): Schema<T> {
  return { json, optional: false, parse }
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

const fail = (path: string, reason: string): never => {
  throw new SchemaError(path, reason)
}

function string(
  options: { minLength?: number; maxLength?: number; pattern?: RegExp; patternHint?: string; description?: string } = {},
): Schema<string> {
  const { minLength, maxLength, pattern, patternHint } = options
  const json: JsonSchema = { type: 'string' }
  if (minLength !== undefined) json.minLength = minLength
  if (maxLength !== undefined) json.maxLength = maxLength
  if (pattern !== undefined) json.pattern = pattern.source
  if (options.description !== undefined) json.description = options.description
  return make(json, (value, path) => {
    if (typeof value !== 'string') return fail(path, `expected a string, got ${typeName(value)}`)
    if (minLength !== undefined && value.length < minLength) return fail(path, `shorter than ${minLength} characters`)
    if (maxLength !== undefined && value.length > maxLength) return fail(path, `longer than ${maxLength} characters`)
    if (pattern !== undefined && !pattern.test(value)) return fail(path, patternHint ?? `does not match ${pattern.source}`)
    return value
  })
}

function integer(options: { min?: number; max?: number; description?: string } = {}): Schema<number> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER
  const max = options.max ?? Number.MAX_SAFE_INTEGER
  const json: JsonSchema = { type: 'integer', minimum: min, maximum: max }
  if (options.description !== undefined) json.description = options.description
  return make(json, (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      return fail(path, `expected an integer, got ${typeof value === 'number' ? value : typeName(value)}`)
    if (value < min || value > max) return fail(path, `${value} is outside ${min}..${max}`)
    return value
  })
}

/** Any JSON number (the JSON-RPC spec examples use plain numbers). */
function number(description?: string): Schema<number> {
  return make(description === undefined ? { type: 'number' } : { type: 'number', description }, (value, path) =>
    typeof value === 'number' && Number.isFinite(value) ? value : fail(path, `expected a number, got ${typeName(value)}`),
  )
}

function boolean(description?: string): Schema<boolean> {
  return make(description === undefined ? { type: 'boolean' } : { type: 'boolean', description }, (value, path) =>
    typeof value === 'boolean' ? value : fail(path, `expected a boolean, got ${typeName(value)}`),
  )
}

function nullValue(): Schema<null> {
  return make({ type: 'null' }, (value, path) => (value === null ? null : fail(path, `expected null, got ${typeName(value)}`)))
}

function enumOf<const V extends string>(values: readonly V[], description?: string): Schema<V> {
  const allowed = new Set<string>(values)
  const json: JsonSchema = { type: 'string', enum: [...values] }
  if (description !== undefined) json.description = description
  return make(json, (value, path) =>
    typeof value === 'string' && allowed.has(value) ? (value as V) : fail(path, `expected one of ${values.join(', ')}`),
  )
}

function literal<const V extends string | number | boolean>(constant: V): Schema<V> {
  return make({ const: constant }, (value, path) => (value === constant ? constant : fail(path, `expected ${JSON.stringify(constant)}`)))
}

/** Hex-encoded bytes, lower or upper case (normalised to lower): exactly `bytes` long, or at most `maxBytes`. */
function hex(options: { bytes?: number; maxBytes?: number; description?: string } = {}): Schema<string> {
  const { bytes, maxBytes } = options
  const json: JsonSchema = {
    type: 'string',
    pattern: bytes === undefined ? '^([0-9a-fA-F]{2})*$' : `^[0-9a-fA-F]{${bytes * 2}}$`,
    contentEncoding: 'base16',
  }
  if (maxBytes !== undefined) json.maxLength = maxBytes * 2
  if (options.description !== undefined) json.description = options.description
  return make(json, (value, path) => {
    if (typeof value !== 'string') return fail(path, `expected a hex string, got ${typeName(value)}`)
    if (bytes !== undefined && value.length !== bytes * 2)
      return fail(path, `expected ${bytes} bytes (${bytes * 2} hex digits), got ${value.length} digits`)
    if (maxBytes !== undefined && value.length > maxBytes * 2) return fail(path, `longer than ${maxBytes} bytes`)
    if (value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) return fail(path, 'not an even-length hex string')
    return value.toLowerCase()
  })
}

/** A non-negative integer too big for a JSON number (token amounts, voting power): a decimal string. */
function decimal(description?: string): Schema<string> {
  const json: JsonSchema = { type: 'string', pattern: '^(0|[1-9][0-9]{0,77})$' }
  if (description !== undefined) json.description = description
  return make(json, (value, path) =>
    typeof value === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(value)
      ? value
      : fail(path, 'expected a decimal integer string without leading zeros'),
  )
}

function array<T>(item: Schema<T>, options: { minItems?: number; maxItems?: number; description?: string } = {}): Schema<T[]> {
  const { minItems, maxItems } = options
  const json: JsonSchema = { type: 'array', items: item.json }
  if (minItems !== undefined) json.minItems = minItems
  if (maxItems !== undefined) json.maxItems = maxItems
  if (options.description !== undefined) json.description = options.description
  return make(json, (value, path) => {
    if (!Array.isArray(value)) return fail(path, `expected an array, got ${typeName(value)}`)
    if (minItems !== undefined && value.length < minItems) return fail(path, `expected at least ${minItems} items`)
    if (maxItems !== undefined && value.length > maxItems) return fail(path, `expected at most ${maxItems} items`)
    return value.map((element, i) => item.parse(element, `${path}[${i}]`))
  })
}

/**
 * An object with exactly the declared fields (unknown ones are refused, so a misspelt filter
 * is an error rather than silently ignored). The result is a fresh object holding only those
 * fields, so a `__proto__` member of the input can never reach a handler.
 */
function object<S extends Shape>(shape: S, options: { description?: string; title?: string } = {}): Schema<ObjectOf<S>> {
  const keys = Object.keys(shape)
  const known = new Set(keys)
  const required = keys.filter((key) => !shape[key]!.optional)
  const properties: Record<string, JsonSchema> = {}
  for (const key of keys) properties[key] = shape[key]!.json
  const json: JsonSchema = { type: 'object', properties, additionalProperties: false }
  if (required.length > 0) json.required = required
  if (options.title !== undefined) json.title = options.title
  if (options.description !== undefined) json.description = options.description
  return make(json, (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, `expected an object, got ${typeName(value)}`)
    const input = value as Record<string, unknown>
    for (const key of Object.keys(input)) if (!known.has(key)) return fail(`${path}.${key}`, 'unknown field')
    const out: Record<string, unknown> = {}
    for (const key of keys) {
      const field = input[key]
      if (field === undefined || !Object.hasOwn(input, key)) {
        if (!shape[key]!.optional) return fail(`${path}.${key}`, 'required')
        continue
      }
      out[key] = shape[key]!.parse(field, `${path}.${key}`)
    }
    return out as ObjectOf<S>
  })
}

/** A map from strings to one kind of value (attributes, genesis sections). */
function record<T>(value: Schema<T>, options: { maxProperties?: number; description?: string } = {}): Schema<Record<string, T>> {
  const json: JsonSchema = { type: 'object', additionalProperties: value.json }
  if (options.maxProperties !== undefined) json.maxProperties = options.maxProperties
  if (options.description !== undefined) json.description = options.description
  return make(json, (input, path) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail(path, `expected an object, got ${typeName(input)}`)
    const entries = Object.entries(input)
    if (options.maxProperties !== undefined && entries.length > options.maxProperties)
      return fail(path, `more than ${options.maxProperties} members`)
    const out: Record<string, T> = Object.create(null)
    for (const [key, element] of entries) out[key] = value.parse(element, `${path}.${key}`)
    return out
  })
}

function optional<T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } {
  return { json: inner.json, optional: true, parse: inner.parse }
}

function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return make({ oneOf: [inner.json, { type: 'null' }] }, (value, path) => (value === null ? null : inner.parse(value, path)))
}

/** The first member that accepts the value wins; members should be told apart by type or a literal field. */
function union<S extends Schema<unknown>[]>(members: S, description?: string): Schema<Infer<S[number]>> {
  const json: JsonSchema = { oneOf: members.map((m) => m.json) }
  if (description !== undefined) json.description = description
  return make(json, (value, path) => {
    const reasons: string[] = []
    for (const member of members) {
      try {
        return member.parse(value, path) as Infer<S[number]>
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error
        reasons.push(error.reason)
      }
    }
    return fail(path, `matches none of the allowed forms (${reasons.join('; ')})`)
  })
}

/** Any JSON value, passed through as is (genesis documents, module-defined payloads). */
function unknownValue(description?: string): Schema<unknown> {
  return make(description === undefined ? {} : { description }, (value) => value)
}

/** Gives a schema a name: the OpenRPC document lists it once under components.schemas. */
function named<T>(title: string, inner: Schema<T>, description?: string): Schema<T> {
  const json: JsonSchema = { ...inner.json, title }
  if (description !== undefined) json.description = description
  return { json, optional: inner.optional, parse: inner.parse }
}

/** Adds a check the JSON Schema cannot say (a bech32 checksum): `check` returns null or the reason. */
function refine<T>(inner: Schema<T>, check: (value: T) => string | null): Schema<T> {
  return {
    json: inner.json,
    optional: inner.optional,
    parse(value, path) {
      const parsed = inner.parse(value, path)
      const problem = check(parsed)
      return problem === null ? parsed : fail(path, problem)
    },
  }
}

/** Adds a use-site description; a named schema is wrapped (allOf) so its shared definition stays one. */
function describe<T>(inner: Schema<T>, description: string): Schema<T> {
  const json = inner.json.title === undefined ? { ...inner.json, description } : { description, allOf: [inner.json] }
  return { json, optional: inner.optional, parse: inner.parse }
}

export const s = {
  string,
  integer,
  number,
  boolean,
  null: nullValue,
  enum: enumOf,
  literal,
  hex,
  decimal,
  array,
  object,
  record,
  optional,
  nullable,
  union,
  unknown: unknownValue,
  named,
  refine,
  describe,
}

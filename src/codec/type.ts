import { CodecError } from './errors.js'

/** What msgpackr is allowed to see: no maps, no floats, no undefined. */
export type Wire = null | boolean | number | bigint | string | Uint8Array | Wire[]

/**
 * A schema for one kind of value. `toWire` checks a value and lowers it to the wire tree;
 * `fromWire` checks a decoded wire tree and lifts it back. Both throw CodecError naming
 * the path of the offending field.
 */
export interface Type<T> {
  readonly name: string
  toWire(value: T, path: string): Wire
  fromWire(wire: unknown, path: string): T
}

export type Infer<S> = S extends Type<infer T> ? T : never

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `bytes[${value.length}]`
  if (Array.isArray(value)) return `array[${value.length}]`
  if (typeof value === 'number' && !Number.isInteger(value)) return 'float'
  return typeof value
}

export function wrongType(path: string, expected: string, value: unknown): CodecError {
  return new CodecError('WRONG_TYPE', `${path || 'value'}: expected ${expected}, got ${describe(value)}`, {
    path,
    expected,
    actual: describe(value),
  })
}

export function outOfRange(path: string, what: string, limit?: number, size?: number): CodecError {
  return new CodecError('OUT_OF_RANGE', `${path || 'value'}: ${what}`, { path, limit, size })
}

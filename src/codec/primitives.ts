import { fromHex, toHex, utf8Length } from '../bytes.js'
import { type Type, type Wire, outOfRange, wrongType } from './type.js'

function unsigned(name: string, max: number): Type<number> {
  const check = (value: unknown, path: string): number => {
    // Integers must be plain numbers: a bigint here would change the encoding.
    if (typeof value !== 'number' || !Number.isInteger(value) || Object.is(value, -0)) throw wrongType(path, name, value)
    if (value < 0 || value > max) throw outOfRange(path, `${value} outside 0..${max}`, max)
    return value
  }
  return { name, toWire: check, fromWire: check }
}

export const bool: Type<boolean> = {
  name: 'bool',
  toWire(value, path) {
    if (typeof value !== 'boolean') throw wrongType(path, 'bool', value)
    return value
  },
  fromWire(wire, path) {
    if (typeof wire !== 'boolean') throw wrongType(path, 'bool', wire)
    return wire
  },
}

export const u8 = unsigned('u8', 0xff)
export const u16 = unsigned('u16', 0xffff)
export const u32 = unsigned('u32', 0xffff_ffff)

const U64_MAX = (1n << 64n) - 1n

/** 64-bit unsigned, always a bigint, always encoded as a 9-byte MessagePack uint64/int64. */
export const u64: Type<bigint> = {
  name: 'u64',
  toWire(value, path) {
    if (typeof value !== 'bigint') throw wrongType(path, 'u64 (bigint)', value)
    if (value < 0n || value > U64_MAX) throw outOfRange(path, `${value} outside 0..2^64-1`)
    return value
  },
  fromWire(wire, path) {
    if (typeof wire !== 'bigint') throw wrongType(path, 'u64 (bigint)', wire)
    if (wire < 0n || wire > U64_MAX) throw outOfRange(path, `${wire} outside 0..2^64-1`)
    return wire
  },
}

/**
 * Unsigned integer of up to `bits` bits (token amounts: 256), encoded as its minimal
 * big-endian bytes: zero is the empty byte string, and a leading zero byte is non-canonical.
 */
export function uint(bits = 256): Type<bigint> {
  const max = (1n << BigInt(bits)) - 1n
  const name = `uint${bits}`
  return {
    name,
    toWire(value, path) {
      if (typeof value !== 'bigint') throw wrongType(path, `${name} (bigint)`, value)
      if (value < 0n || value > max) throw outOfRange(path, `${value} outside 0..2^${bits}-1`)
      if (value === 0n) return new Uint8Array(0)
      let hex = value.toString(16)
      if (hex.length % 2 === 1) hex = `0${hex}`
      return fromHex(hex)
    },
    fromWire(wire, path) {
      if (!(wire instanceof Uint8Array)) throw wrongType(path, `${name} (bytes)`, wire)
      if (wire.length > bits / 8) throw outOfRange(path, `${wire.length} bytes exceed ${name}`, bits / 8, wire.length)
      if (wire.length === 0) return 0n
      if (wire[0] === 0) throw outOfRange(path, `${name} has a leading zero byte`)
      return BigInt(`0x${toHex(wire)}`)
    },
  }
}

export function bytes(options: { min?: number; max: number }): Type<Uint8Array> {
  const { min = 0, max } = options
  const check = (value: unknown, path: string): Uint8Array => {
    if (!(value instanceof Uint8Array)) throw wrongType(path, 'bytes', value)
    if (value.length < min || value.length > max) {
      throw outOfRange(path, `length ${value.length} outside ${min}..${max}`, max, value.length)
    }
    return value
  }
  return {
    name: min === max ? `bytes${max}` : 'bytes',
    toWire: check,
    // msgpackr hands back Buffers; expose plain Uint8Array views so values compare equal.
    fromWire: (wire, path) => {
      const value = check(wire, path)
      return Object.getPrototypeOf(value) === Uint8Array.prototype ? value : new Uint8Array(value.buffer, value.byteOffset, value.length)
    },
  }
}

export const fixedBytes = (length: number): Type<Uint8Array> => bytes({ min: length, max: length })

/** UTF-8 text with a byte-length bound. Lone surrogates cannot round-trip, so they are refused. */
export function string(options: { max: number; pattern?: RegExp }): Type<string> {
  const { max, pattern } = options
  const check = (value: unknown, path: string): string => {
    if (typeof value !== 'string') throw wrongType(path, 'string', value)
    if (!value.isWellFormed()) throw wrongType(path, 'well-formed UTF-16 string', value)
    const size = utf8Length(value)
    if (size > max) throw outOfRange(path, `${size} UTF-8 bytes exceed ${max}`, max, size)
    if (pattern !== undefined && !pattern.test(value)) throw outOfRange(path, `"${value}" does not match ${pattern}`)
    return value
  }
  return { name: 'string', toWire: check, fromWire: check }
}

export function array<T>(element: Type<T>, options: { max: number; min?: number }): Type<T[]> {
  const { max, min = 0 } = options
  const checkLength = (length: number, path: string): void => {
    if (length < min || length > max) throw outOfRange(path, `length ${length} outside ${min}..${max}`, max, length)
  }
  return {
    name: `${element.name}[]`,
    toWire(value, path) {
      if (!Array.isArray(value)) throw wrongType(path, `array of ${element.name}`, value)
      checkLength(value.length, path)
      return value.map((item, i) => element.toWire(item, `${path}[${i}]`))
    },
    fromWire(wire, path) {
      if (!Array.isArray(wire)) throw wrongType(path, `array of ${element.name}`, wire)
      checkLength(wire.length, path)
      return wire.map((item, i) => element.fromWire(item, `${path}[${i}]`))
    },
  }
}

/** `null` or a value; there is no `undefined` on the wire. */
export function optional<T>(inner: Type<T>): Type<T | null> {
  return {
    name: `${inner.name}?`,
    toWire: (value, path) => (value === null ? null : inner.toWire(value, path)),
    fromWire: (wire, path) => (wire === null ? null : inner.fromWire(wire, path)),
  }
}

export type { Wire }

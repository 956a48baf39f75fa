import { CodecError, t, type Type } from '../codec/index.js'
import { StateError } from './errors.js'

/** Digits after the point: Cosmos' LegacyDec precision, so rates and shares read the same as in x/staking. */
export const DEC_PRECISION = 18
const ONE_RAW = 10n ** BigInt(DEC_PRECISION)
const DEC_TEXT = /^(0|[1-9][0-9]{0,59})(\.[0-9]{1,18})?$/

/**
 * A non-negative-or-negative fixed-point decimal with 18 digits after the point, held as one
 * bigint (`raw` = value × 10^18). Shares, commission rates, slash fractions and reward ratios
 * are Decs; amounts of tokens stay plain bigint. Every operation that could lose digits says
 * how: `mul`/`quo` truncate toward zero (x/staking's MulTruncate/QuoTruncate), `mulCeil` and
 * `quoCeil` round up. No floats anywhere, so every node gets the same bits.
 */
export class Dec {
  readonly raw: bigint

  private constructor(raw: bigint) {
    this.raw = raw
  }

  static readonly ZERO = new Dec(0n)
  static readonly ONE = new Dec(ONE_RAW)

  static fromRaw(raw: bigint): Dec {
    return new Dec(raw)
  }

  static fromInt(value: bigint): Dec {
    return new Dec(value * ONE_RAW)
  }

  /** `"0.05"`, `"1"`, `"12.000000000000000001"`; throws StateError DEC_INVALID otherwise (no sign, exponent or spaces). */
  static parse(text: string): Dec {
    if (typeof text !== 'string' || !DEC_TEXT.test(text))
      throw new StateError(
        'DEC_INVALID',
        `"${String(text).slice(0, 80)}" is not a decimal like 0.05 (at most 18 digits after the point)`,
        {},
      )
    const [whole, fraction = ''] = text.split('.')
    return new Dec(BigInt(whole!) * ONE_RAW + BigInt(fraction.padEnd(DEC_PRECISION, '0')))
  }

  /** Exact decimal text with trailing zeros trimmed: `0.05`, `1`, `-3.5`. */
  toString(): string {
    const negative = this.raw < 0n
    const abs = negative ? -this.raw : this.raw
    const whole = abs / ONE_RAW
    const fraction = (abs % ONE_RAW).toString().padStart(DEC_PRECISION, '0').replace(/0+$/, '')
    return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`
  }

  toJSON(): string {
    return this.toString()
  }

  add(other: Dec): Dec {
    return new Dec(this.raw + other.raw)
  }

  sub(other: Dec): Dec {
    return new Dec(this.raw - other.raw)
  }

  /** Product, truncated toward zero at the 18th digit. */
  mul(other: Dec): Dec {
    return new Dec((this.raw * other.raw) / ONE_RAW)
  }

  /** Product, rounded up (away from zero for positives) at the 18th digit. */
  mulCeil(other: Dec): Dec {
    return new Dec(ceilDiv(this.raw * other.raw, ONE_RAW))
  }

  mulInt(value: bigint): Dec {
    return new Dec(this.raw * value)
  }

  /** Quotient, truncated toward zero; throws DEC_DIVISION_BY_ZERO. */
  quo(other: Dec): Dec {
    if (other.raw === 0n) throw new StateError('DEC_DIVISION_BY_ZERO', 'division of a decimal by zero', {})
    return new Dec((this.raw * ONE_RAW) / other.raw)
  }

  /** Quotient, rounded up; throws DEC_DIVISION_BY_ZERO. */
  quoCeil(other: Dec): Dec {
    if (other.raw === 0n) throw new StateError('DEC_DIVISION_BY_ZERO', 'division of a decimal by zero', {})
    return new Dec(ceilDiv(this.raw * ONE_RAW, other.raw))
  }

  quoInt(value: bigint): Dec {
    if (value === 0n) throw new StateError('DEC_DIVISION_BY_ZERO', 'division of a decimal by zero', {})
    return new Dec(this.raw / value)
  }

  /** The integer part, truncated toward zero (what a token amount computed from a Dec is). */
  truncate(): bigint {
    return this.raw / ONE_RAW
  }

  /** The smallest integer not below this value. */
  ceil(): bigint {
    return ceilDiv(this.raw, ONE_RAW)
  }

  cmp(other: Dec): -1 | 0 | 1 {
    return this.raw < other.raw ? -1 : this.raw > other.raw ? 1 : 0
  }

  eq(other: Dec): boolean {
    return this.raw === other.raw
  }

  lt(other: Dec): boolean {
    return this.raw < other.raw
  }

  lte(other: Dec): boolean {
    return this.raw <= other.raw
  }

  gt(other: Dec): boolean {
    return this.raw > other.raw
  }

  gte(other: Dec): boolean {
    return this.raw >= other.raw
  }

  isZero(): boolean {
    return this.raw === 0n
  }

  isNegative(): boolean {
    return this.raw < 0n
  }

  static min(a: Dec, b: Dec): Dec {
    return a.raw <= b.raw ? a : b
  }

  static max(a: Dec, b: Dec): Dec {
    return a.raw >= b.raw ? a : b
  }
}

/** ⌈a / b⌉ for b > 0 (bigint division truncates toward zero, which rounds negatives up already). */
function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a > 0n ? q + 1n : q
}

const RAW = t.uint(256)

/**
 * The codec type of a non-negative Dec (shares, rates, fractions, reward ratios): its raw
 * integer as a canonical uint, so one value has one encoding. Negative Decs never reach state.
 */
export const decType: Type<Dec> = {
  name: 'dec',
  toWire(value, path) {
    if (!(value instanceof Dec)) throw new CodecError('WRONG_TYPE', `${path || 'value'}: expected a Dec`, { path, expected: 'Dec' })
    return RAW.toWire(value.raw, path)
  },
  fromWire(wire, path) {
    return Dec.fromRaw(RAW.fromWire(wire, path))
  },
}

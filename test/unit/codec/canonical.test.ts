import assert from 'node:assert/strict'
import fc from 'fast-check'
import { CodecError, decode, decodeStored, encode, t } from '../../../src/codec/index.js'

const Coin = t.struct('TestCoin', 990, 1, { denom: t.string({ max: 32 }), amount: t.uint() })
const Ping = t.struct('TestPing', 991, 1, { seq: t.u32 })
const Sample = t.struct('TestSample', 992, 2, {
  flag: t.bool,
  small: t.u8,
  count: t.u32,
  big: t.u64,
  memo: t.string({ max: 64 }),
  blob: t.bytes({ max: 48 }),
  hash: t.fixedBytes(4),
  coins: t.array(Coin, { max: 3 }),
  parent: t.optional(t.bytes({ max: 8 })),
  body: t.union('TestBody', [Coin, Ping]),
})

const coinArb = fc.record(
  { denom: fc.string({ maxLength: 10 }), amount: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }) },
  { noNullPrototype: true },
)
const sampleArb = fc.record(
  {
    flag: fc.boolean(),
    small: fc.integer({ min: 0, max: 255 }),
    count: fc.integer({ min: 0, max: 0xffff_ffff }),
    big: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    // 20 graphemes can exceed 64 UTF-8 bytes; keep generated values inside the schema.
    memo: fc.string({ maxLength: 20, unit: 'grapheme' }).filter((s) => Buffer.byteLength(s) <= 64),
    blob: fc.uint8Array({ maxLength: 48 }),
    hash: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    coins: fc.array(coinArb, { maxLength: 3 }),
    parent: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null }),
    body: fc.oneof(
      coinArb.map((value) => ({ type: 'TestCoin', value })),
      fc.integer({ min: 0, max: 0xffff_ffff }).map((seq) => ({ type: 'TestPing', value: { seq } })),
    ),
  },
  { noNullPrototype: true },
)

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof CodecError, `expected CodecError, got ${String(error)}`)
    return error.code
  }
  return 'ACCEPTED'
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replaceAll(' ', ''), 'hex'))

describe('canonical codec', () => {
  it('decode ∘ encode is the identity', () => {
    fc.assert(
      fc.property(sampleArb, (value) => {
        assert.deepEqual(decode(Sample, encode(Sample, value as never)), value)
      }),
      { numRuns: 500 },
    )
  })

  it('decodeStored reads back what encode wrote, as decode does (state values skip only the re-encode)', () => {
    fc.assert(
      fc.property(sampleArb, (value) => {
        const bytes = encode(Sample, value as never)
        assert.deepEqual(decodeStored(Sample, bytes), decode(Sample, bytes))
      }),
      { numRuns: 300 },
    )
    assert.throws(
      () => decodeStored(Sample, Uint8Array.of(0x92)),
      (e: unknown) => e instanceof CodecError && e.code === 'MALFORMED',
    )
    assert.throws(
      () => decodeStored(Sample, encode(Ping, { seq: 1 })),
      (e: unknown) => e instanceof CodecError,
    )
  })

  it('mutated bytes are rejected or decode to a different value', () => {
    fc.assert(
      fc.property(
        sampleArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        (value, edits) => {
          const original = encode(Sample, value as never)
          const mutated = Uint8Array.from(original)
          for (const [at, xor] of edits) mutated[at % mutated.length]! ^= xor
          if (Buffer.compare(mutated, original) === 0) return
          let decoded: unknown
          try {
            decoded = decode(Sample, mutated)
          } catch (error) {
            assert.ok(error instanceof CodecError)
            return
          }
          assert.notDeepEqual(decoded, value)
          assert.deepEqual(encode(Sample, decoded as never), mutated)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('truncations and extensions are rejected', () => {
    fc.assert(
      fc.property(sampleArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 }), (value, cut, extra) => {
        const bytes = encode(Sample, value as never)
        assert.equal(
          codeOf(() => decode(Sample, bytes.subarray(0, cut % bytes.length))),
          'MALFORMED',
        )
        assert.notEqual(
          codeOf(() => decode(Sample, Uint8Array.from([...bytes, ...extra]))),
          'ACCEPTED',
        )
      }),
      { numRuns: 300 },
    )
  })

  describe('rejects each non-canonical form with a typed error', () => {
    it('a non-minimal integer header', () => {
      assert.deepEqual(decode(Ping, hex('93 cd03df 01 05')), { seq: 5 })
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03df 01 cd0005'))),
        'NON_CANONICAL',
      )
    })
    it('a float where an integer belongs', () => {
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03df 01 cb4016000000000000'))),
        'WRONG_TYPE',
      ) // 5.5
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03df 01 cb4014000000000000'))),
        'NON_CANONICAL',
      ) // 5.0
      assert.equal(
        codeOf(() => encode(Ping, { seq: 1.5 })),
        'WRONG_TYPE',
      )
      assert.equal(
        codeOf(() => encode(Ping, { seq: -0 })),
        'WRONG_TYPE',
      )
    })
    it('a 64-bit integer where a u32 belongs', () => {
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03df 01 d30000000000000005'))),
        'WRONG_TYPE',
      )
    })
    it('a string in a longer header than needed', () => {
      const coin = encode(Coin, { denom: 'ab', amount: 1n })
      assert.equal(Buffer.from(coin).toString('hex'), '94cd03de01a26162c40101')
      assert.equal(
        codeOf(() => decode(Coin, hex('94cd03de01 d9026162 c40101'))),
        'NON_CANONICAL',
      )
    })
    it('an amount with a leading zero byte', () => {
      assert.equal(
        codeOf(() => decode(Coin, hex('94cd03de01a26162 c4020001'))),
        'OUT_OF_RANGE',
      )
    })
    it('a map instead of a struct', () => {
      assert.equal(
        codeOf(() => decode(Ping, hex('81a3736571 05'))),
        'WRONG_TYPE',
      )
    })
    it('an unknown tag and an unsupported version', () => {
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03e0 01 05'))),
        'UNKNOWN_TAG',
      )
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03df 02 05'))),
        'UNSUPPORTED_VERSION',
      )
    })
    it('missing or extra fields', () => {
      assert.equal(
        codeOf(() => decode(Ping, hex('92 cd03df 01'))),
        'WRONG_TYPE',
      )
      assert.equal(
        codeOf(() => decode(Ping, hex('94 cd03df 01 05 05'))),
        'WRONG_TYPE',
      )
    })
    it('invalid UTF-8 in a string', () => {
      assert.notEqual(
        codeOf(() => decode(Coin, hex('94cd03de01 a2c328 c40101'))),
        'ACCEPTED',
      )
    })
    it('an extension type (timestamp)', () => {
      assert.equal(
        codeOf(() => decode(Ping, hex('93 cd03df 01 d6ffaaaaaaaa'))),
        'WRONG_TYPE',
      )
    })
    it('input above the size limit, before parsing it', () => {
      assert.equal(
        codeOf(() => decode(Ping, new Uint8Array(100), { maxBytes: 99 })),
        'TOO_LARGE',
      )
    })
    it('values outside declared bounds, on encode and decode', () => {
      assert.equal(
        codeOf(() => encode(Coin, { denom: 'x'.repeat(33), amount: 0n })),
        'OUT_OF_RANGE',
      )
      assert.equal(
        codeOf(() => encode(Coin, { denom: 'x', amount: -1n })),
        'OUT_OF_RANGE',
      )
      assert.equal(
        codeOf(() => encode(Coin, { denom: 'x', amount: 1 as unknown as bigint })),
        'WRONG_TYPE',
      )
      assert.equal(
        codeOf(() => encode(Coin, { denom: '\ud800', amount: 0n })),
        'WRONG_TYPE',
      )
    })
  })

  it('refuses to register one tag for two schemas', () => {
    assert.throws(() => t.struct('Impostor', 991, 1, {}), /tag 991/)
  })
})

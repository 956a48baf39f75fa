import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeUpdateBlob, encodeUpdateBlob, updateBlobCid, type QuantizedUpdate } from '../../../src/fl/update/blob.js'
import { validateUpdateBlob } from '../../../src/fl/update/validate.js'

const sample: QuantizedUpdate = { dtype: 'int16', shape: [2, 3], scale: 1024, values: Int32Array.of(1, -2, 3, -32767, 32767, 0) }
const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected

/** A valid blob with one byte changed / bytes cut or appended. */
function patched(at: number, value: number): Uint8Array {
  const bytes = encodeUpdateBlob(sample)
  bytes[at] = value
  return bytes
}

describe('update blob', () => {
  it('round-trips every dtype, shape and in-range value', () => {
    const update = fc.constantFrom('int8', 'int16', 'int32' as const).chain((dtype) => {
      const limit = { int8: 127, int16: 32767, int32: 2147483647 }[dtype]
      return fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
        fc.record({
          dtype: fc.constant(dtype),
          shape: fc.constant(shape),
          scale: fc.integer({ min: 1, max: 0xffffffff }),
          values: fc
            .array(fc.integer({ min: -limit, max: limit }), {
              minLength: shape.reduce((a, b) => a * b, 1),
              maxLength: shape.reduce((a, b) => a * b, 1),
            })
            .map((v) => Int32Array.from(v)),
        }),
      )
    })
    fc.assert(
      fc.property(update, (u) => assert.deepEqual({ ...decodeUpdateBlob(encodeUpdateBlob(u)) }, { ...u })),
      { seed: 5 },
    )
  })

  it('has a CIDv1 raw sha2-256 address', async () => {
    const cid = await updateBlobCid(encodeUpdateBlob(sample))
    assert.equal(cid.version, 1)
    assert.equal(cid.code, 0x55)
    assert.equal(cid.multihash.code, 0x12)
    assert.ok(cid.toString().startsWith('bafkrei'))
  })

  it('rejects a blob shorter than the header', () => assert.throws(() => decodeUpdateBlob(new Uint8Array(5)), code('FL_BLOB_TRUNCATED')))
  it('rejects a wrong magic', () => assert.throws(() => decodeUpdateBlob(patched(0, 0x00)), code('FL_BLOB_MAGIC')))
  it('rejects an unknown version', () => assert.throws(() => decodeUpdateBlob(patched(4, 2)), code('FL_BLOB_VERSION')))
  it('rejects an unknown dtype code', () => {
    assert.throws(() => decodeUpdateBlob(patched(5, 0)), code('FL_BLOB_DTYPE'))
    assert.throws(() => decodeUpdateBlob(patched(5, 9)), code('FL_BLOB_DTYPE'))
  })
  it('rejects rank 0 and rank above 4', () => {
    assert.throws(() => decodeUpdateBlob(patched(6, 0)), code('FL_BLOB_RANK'))
    assert.throws(() => decodeUpdateBlob(patched(6, 5)), code('FL_BLOB_RANK'))
  })
  it('rejects a non-zero reserved byte', () => assert.throws(() => decodeUpdateBlob(patched(7, 1)), code('FL_BLOB_RESERVED')))
  it('rejects scale 0', () => {
    const bytes = encodeUpdateBlob(sample)
    bytes.fill(0, 8, 12)
    assert.throws(() => decodeUpdateBlob(bytes), code('FL_BLOB_SCALE'))
  })
  it('rejects a shape cut short', () =>
    assert.throws(() => decodeUpdateBlob(encodeUpdateBlob(sample).subarray(0, 14)), code('FL_BLOB_TRUNCATED')))
  it('rejects a zero dimension', () => {
    const bytes = encodeUpdateBlob(sample)
    bytes.fill(0, 12, 16)
    assert.throws(() => decodeUpdateBlob(bytes), code('FL_BLOB_SHAPE'))
  })
  it('rejects a shape with more elements than allowed, before allocating', () => {
    const bytes = encodeUpdateBlob(sample)
    new DataView(bytes.buffer).setUint32(12, 0xffffffff, true)
    assert.throws(() => decodeUpdateBlob(bytes), code('FL_BLOB_SIZE'))
  })
  it('rejects values cut short', () => {
    const bytes = encodeUpdateBlob(sample)
    assert.throws(() => decodeUpdateBlob(bytes.subarray(0, bytes.length - 1)), code('FL_BLOB_TRUNCATED'))
  })
  it('rejects trailing bytes', () => {
    const bytes = encodeUpdateBlob(sample)
    const longer = new Uint8Array(bytes.length + 1)
    longer.set(bytes)
    assert.throws(() => decodeUpdateBlob(longer), code('FL_BLOB_LENGTH'))
  })
  it('rejects the asymmetric minimum of the dtype (-32768 for int16)', () => {
    const bytes = encodeUpdateBlob(sample)
    new DataView(bytes.buffer).setInt16(20, -32768, true)
    assert.throws(() => decodeUpdateBlob(bytes), code('FL_VALUE_RANGE'))
  })
  it('rejects arbitrary garbage with a typed error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeUpdateBlob(bytes)
        } catch (error) {
          assert.match((error as { code?: string }).code ?? '', /^FL_/)
        }
      }),
      { seed: 9 },
    )
  })
  it('refuses to encode values the dtype cannot hold', () =>
    assert.throws(() => encodeUpdateBlob({ ...sample, dtype: 'int8', values: Int32Array.of(1, 2, 3, 4, 5, 128) }), code('FL_VALUE_RANGE')))
})

describe('update validation against the round', () => {
  const round = { dtype: 'int16' as const, shape: [2, 3], scale: 1024, maxAbs: 32767 }
  it('accepts a matching update and checks its CID', async () => {
    const bytes = encodeUpdateBlob(sample)
    const cid = (await updateBlobCid(bytes)).toString()
    assert.deepEqual((await validateUpdateBlob(bytes, { ...round, cid })).values, sample.values)
  })
  it('rejects a blob that does not hash to the submitted CID', async () => {
    const other = (await updateBlobCid(new Uint8Array([1]))).toString()
    await assert.rejects(validateUpdateBlob(encodeUpdateBlob(sample), { ...round, cid: other }), code('FL_CID_MISMATCH'))
  })
  it('rejects another dtype, shape or scale', async () => {
    await assert.rejects(validateUpdateBlob(encodeUpdateBlob({ ...sample, dtype: 'int32' }), round), code('FL_UPDATE_MISMATCH'))
    await assert.rejects(validateUpdateBlob(encodeUpdateBlob({ ...sample, shape: [3, 2] }), round), code('FL_UPDATE_MISMATCH'))
    await assert.rejects(validateUpdateBlob(encodeUpdateBlob({ ...sample, scale: 512 }), round), code('FL_UPDATE_MISMATCH'))
  })
  it('rejects values beyond the round range', async () =>
    assert.rejects(validateUpdateBlob(encodeUpdateBlob(sample), { ...round, maxAbs: 1000 }), code('FL_VALUE_RANGE')))
})

import assert from 'node:assert/strict'
import { RpcError, SchemaError, defineMethod, MethodTable, s } from '../../../src/rpc/index.js'
import { address } from '../../../src/rpc/shapes.js'
import { testKey } from '../../helpers/chain.js'

const reason = (fn: () => unknown): { path: string; reason: string } => {
  try {
    fn()
  } catch (error) {
    if (error instanceof SchemaError) return { path: error.path, reason: error.reason }
    throw error
  }
  throw new Error('expected a SchemaError')
}

describe('schema DSL', () => {
  it('names the path of a nested failure', () => {
    const schema = s.object({ filter: s.object({ items: s.array(s.integer({ min: 0 })) }) })
    assert.deepEqual(reason(() => schema.parse({ filter: { items: [1, -2] } }, 'params')).path, 'params.filter.items[1]')
  })

  it('refuses unknown fields and reports missing required ones', () => {
    const schema = s.object({ a: s.string(), b: s.optional(s.boolean()) })
    assert.equal(reason(() => schema.parse({ a: 'x', c: 1 }, 'p')).path, 'p.c')
    assert.equal(reason(() => schema.parse({ b: true }, 'p')).path, 'p.a')
    assert.deepEqual(schema.parse({ a: 'x' }, 'p'), { a: 'x' })
  })

  it('normalises hex to lower case and checks lengths', () => {
    assert.equal(s.hex({ bytes: 2 }).parse('ABcd', 'h'), 'abcd')
    assert.match(reason(() => s.hex({ bytes: 2 }).parse('abc', 'h')).reason, /2 bytes/)
    assert.match(reason(() => s.hex().parse('zz', 'h')).reason, /hex/)
    assert.match(reason(() => s.hex({ maxBytes: 1 }).parse('aabb', 'h')).reason, /longer/)
  })

  it('accepts only safe integers in range and decimal strings without leading zeros', () => {
    assert.throws(() => s.integer().parse(1.5, 'x'), SchemaError)
    assert.throws(() => s.integer().parse(2 ** 60, 'x'), SchemaError)
    assert.throws(() => s.integer({ max: 3 }).parse(4, 'x'), SchemaError)
    assert.equal(s.decimal().parse('120', 'x'), '120')
    assert.throws(() => s.decimal().parse('012', 'x'), SchemaError)
    assert.throws(() => s.decimal().parse(12, 'x'), SchemaError)
  })

  it('checks bech32 addresses including the checksum', () => {
    const good = testKey(0).publicKey.address
    assert.equal(address.parse(good, 'a'), good)
    const flipped = good.slice(0, -1) + (good.endsWith('q') ? 'p' : 'q')
    assert.throws(() => address.parse(flipped, 'a'), SchemaError)
  })

  it('emits JSON Schema with required, additionalProperties and titles', () => {
    const schema = s.named('Thing', s.object({ a: s.string(), b: s.optional(s.nullable(s.integer({ min: 0 }))) }))
    assert.deepEqual(schema.json, {
      type: 'object',
      title: 'Thing',
      additionalProperties: false,
      required: ['a'],
      properties: {
        a: { type: 'string' },
        b: { oneOf: [{ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { type: 'null' }] },
      },
    })
  })
})

describe('MethodTable params', () => {
  const spec = defineMethod({
    name: 'demo_x',
    summary: 'x',
    params: { height: s.optional(s.integer({ min: 0 })), prove: s.optional(s.boolean()) },
    result: s.null(),
  })
  const table = new MethodTable().add(spec, () => null)
  const parse = (raw: unknown) => table.get('demo_x')!.parseParams(raw)

  it('takes params by position, by name, or not at all when all are optional', () => {
    assert.deepEqual(parse([5, true]), { height: 5, prove: true })
    assert.deepEqual(parse({ prove: false }), { prove: false })
    assert.deepEqual(parse(undefined), {})
    assert.deepEqual(parse([null, true]), { prove: true })
  })

  it('throws INVALID_PARAMS with the field', () => {
    assert.throws(
      () => parse({ height: -1 }),
      (e: unknown) => e instanceof RpcError && e.code === 'INVALID_PARAMS' && e.context.field === 'params.height',
    )
  })

  it('refuses a second registration of a name', () => {
    assert.throws(() => table.add(spec, () => null), /twice/)
  })
})

/**
 * Generators of JSON-RPC request bodies for fuzzing a server: random JSON, mutated valid
 * requests, well-formed calls of every method with near-valid and wrong-typed params, batches,
 * invalid UTF-8 and raw bytes, huge and odd numbers, deep nesting and bodies over the size
 * limit. Shared by the fuzz test against the in-process test node and the one against a
 * running `fedra start` process (test/e2e/rpc/fuzz.test.ts).
 */
import fc from 'fast-check'
import { FEDRA_API, type RpcLimits } from '../../../../src/rpc/index.js'

export type Body = string | Buffer

export interface FuzzBodyOptions {
  /** Signed transactions the server would admit (or has committed), hex; the first goes into the templates. */
  validTxs: string[]
  /** A funded account's bech32 address. */
  account: string
  /** A state path that exists, e.g. `auth/61<address>`. */
  statePath: string
  limits: Pick<RpcLimits, 'maxBodyBytes' | 'maxBatchSize' | 'maxJsonDepth'>
  /** Weight of bodies over maxBodyBytes among 200 (each costs its size on the wire); default 10. */
  oversizedWeight?: number
}

export interface FuzzBodies {
  /** Every kind of body, mixed. */
  body: fc.Arbitrary<Body>
  /** Whether the body, as the server reads it, holds only notifications (then it answers nothing). */
  onlyNotifications(body: Body): boolean
  /** Whether the body is over maxBodyBytes (the server may close the connection). */
  oversized(body: Body): boolean
}

const sizeOf = (body: Body) => (typeof body === 'string' ? Buffer.byteLength(body) : body.length)

/** JSON number literals JSON.stringify never writes: beyond doubles, beyond 2^53, negative zero, exponents. */
const ODD_NUMBERS = [
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-9007199254740993',
  '-0',
  '0.5',
  '1E2',
  '-1',
  '4294967296',
  '18446744073709551616',
]

/** Byte sequences that are not UTF-8: lone continuation, overlong encodings, surrogates, truncated sequences. */
const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
]

/** Values of the wrong type for most params (and a few right-typed ones out of range). */
const WRONG_TYPED: unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 60),
  '',
  'x',
  'ff',
  'zz',
  true,
  false,
  null,
  [],
  [1],
  {},
  { a: 1 },
  'fedra1qqqq',
  '0'.repeat(65),
]

export function fuzzBodies(options: FuzzBodyOptions): FuzzBodies {
  const { validTxs, account, statePath, limits } = options
  const validTx = validTxs[0]!
  const methods = Object.values(FEDRA_API)
  const methodNames = [...Object.keys(FEDRA_API), 'foobar', 'rpc.nope', '', 'chain_', 'constructor', '__proto__', 'toString']
  const paramNames = [...new Set(methods.flatMap((m) => Object.keys(m.params))), '__proto__', 'extra']

  const templates = [
    '{"jsonrpc":"2.0","method":"chain_status","id":1}',
    '{"jsonrpc":"2.0","method":"chain_getBlock","params":{"height":1},"id":"a"}',
    '{"jsonrpc":"2.0","method":"chain_getBlock","params":[null,"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"],"id":2}',
    '{"jsonrpc":"2.0","method":"chain_getCommit","params":[1],"id":3}',
    '{"jsonrpc":"2.0","method":"chain_getValidators","params":{},"id":4}',
    '{"jsonrpc":"2.0","method":"chain_getBlockResults","params":{"height":2},"id":5}',
    `{"jsonrpc":"2.0","method":"tx_broadcast","params":{"tx":"${validTx}","mode":"sync"},"id":6}`,
    `{"jsonrpc":"2.0","method":"tx_broadcast","params":["${validTx}","commit",50],"id":7}`,
    `{"jsonrpc":"2.0","method":"tx_search","params":{"signer":"${account}","limit":5,"order":"desc"},"id":8}`,
    '{"jsonrpc":"2.0","method":"tx_search","params":{"event":{"type":"transfer","key":"amount","value":"1ufdr"},"cursor":"1.0"},"id":9}',
    `{"jsonrpc":"2.0","method":"account_get","params":["${account}"],"id":10}`,
    `{"jsonrpc":"2.0","method":"state_query","params":{"path":"${statePath}","prove":true},"id":11}`,
    '{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"txs","filter":{"messageType":"bank/MsgSend"},"fromHeight":1},"id":12}',
    '{"jsonrpc":"2.0","method":"unsubscribe","params":["0011223344556677"],"id":13}',
    '{"jsonrpc":"2.0","method":"mempool_pending","params":{"limit":3},"id":14}',
    '[{"jsonrpc":"2.0","method":"net_info","id":15},{"jsonrpc":"2.0","method":"chain_health"},{"jsonrpc":"2.0","method":"rpc.discover","id":16}]',
  ]

  const jsonValue = fc.jsonValue({ maxDepth: 4 })
  const idArb = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(null),
    fc.boolean(),
    fc.constant('12345678901234567890'),
  )
  const paramsArb = fc.oneof(
    fc.dictionary(fc.constantFrom(...paramNames), jsonValue, { maxKeys: 4 }),
    fc.array(jsonValue, { maxLength: 4 }),
    jsonValue,
  )
  const requestArb = fc.record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), jsonValue),
      method: fc.oneof(fc.constantFrom(...methodNames), fc.string({ maxLength: 12 })),
      params: paramsArb,
      id: idArb,
    },
    { requiredKeys: [] },
  )
  const hexArb = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 80 })
  /** Param values near the valid ones: small heights, hashes, addresses, modes, kinds, paths. */
  const paramValue = fc.oneof(
    jsonValue,
    fc.integer({ min: -2, max: 30 }),
    hexArb,
    fc.constantFrom(
      ...validTxs,
      account,
      'sync',
      'commit',
      'async',
      'newBlocks',
      'txs',
      'events',
      'asc',
      'desc',
      'bank/MsgSend',
      '1.0',
      statePath,
      true,
      false,
      null,
    ),
    fc.record({
      type: fc.constantFrom('transfer', 'fee', 'tx'),
      key: fc.constantFrom('sender', 'recipient', 'amount'),
      value: fc.constantFrom(account, '1ufdr'),
    }),
  )
  /** Well-formed calls of real methods with params drawn by name or by position. */
  const callArb = fc.constantFrom(...methods).chain((method) => {
    const names = Object.keys(method.params)
    const byName = fc.record(Object.fromEntries(names.map((n) => [n, paramValue])), { requiredKeys: [] })
    const byPosition = fc.array(paramValue, { maxLength: names.length + 1 })
    return fc.record(
      { jsonrpc: fc.constant('2.0'), method: fc.constant(method.name), params: fc.oneof(byName, byPosition), id: idArb },
      { requiredKeys: ['jsonrpc', 'method'] },
    )
  })
  /** Every method with one param of the wrong type (by name or at its position), the others valid-looking. */
  const wrongTypeArb = fc.constantFrom(...methods.filter((m) => Object.keys(m.params).length > 0)).chain((method) => {
    const names = Object.keys(method.params)
    return fc
      .tuple(fc.nat({ max: names.length - 1 }), fc.constantFrom(...WRONG_TYPED), fc.boolean(), fc.integer())
      .map(([at, wrong, byName, id]) => {
        const params = byName ? { [names[at]!]: wrong } : [...Array.from({ length: at }, () => null), wrong]
        return JSON.stringify({ jsonrpc: '2.0', method: method.name, params, id })
      })
  })
  const structured = fc.oneof(
    { weight: 3, arbitrary: callArb.map((r) => JSON.stringify(r)) },
    { weight: 2, arbitrary: wrongTypeArb },
    { weight: 1, arbitrary: fc.array(fc.oneof(callArb, requestArb), { maxLength: limits.maxBatchSize + 5 }).map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: requestArb.map((r) => JSON.stringify(r)) },
  )

  /** Edits a valid body: flips, deletes, duplicates or inserts characters, or truncates it. */
  const mutated = fc
    .tuple(
      fc.constantFrom(...templates),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.integer({ min: 0, max: 4 }), fc.string({ minLength: 1, maxLength: 3 })), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([text, edits]) => {
      let out = text
      for (const [at, span, kind, insert] of edits) {
        const i = at % (out.length + 1)
        if (kind === 0) out = out.slice(0, i) + insert + out.slice(i + 1)
        else if (kind === 1) out = out.slice(0, i) + out.slice(i + span)
        else if (kind === 2) out = out.slice(0, i) + out.slice(i, i + span).repeat(2) + out.slice(i + span)
        else if (kind === 3) out = out.slice(0, i) + insert + out.slice(i)
        else out = out.slice(0, i)
      }
      return out
    })

  /** Odd number literals as ids and as height-like params. */
  const oddNumbers = fc
    .tuple(
      fc.constantFrom(...ODD_NUMBERS),
      fc.constantFrom(...ODD_NUMBERS),
      fc.constantFrom(
        'chain_getBlock',
        'chain_getCommit',
        'chain_getValidators',
        'chain_getBlockResults',
        'mempool_pending',
        'state_query',
      ),
    )
    .map(([id, value, method]) =>
      method === 'state_query'
        ? `{"jsonrpc":"2.0","method":"state_query","params":{"path":"${statePath}","height":${value}},"id":${id}}`
        : method === 'mempool_pending'
          ? `{"jsonrpc":"2.0","method":"mempool_pending","params":[${value}],"id":${id}}`
          : `{"jsonrpc":"2.0","method":"${method}","params":{"height":${value}},"id":${id}}`,
    )

  /** Invalid UTF-8 inside a method name, a string param or an id, or as the whole body. */
  const badUtf8 = fc.tuple(fc.constantFrom(...BAD_UTF8), fc.integer({ min: 0, max: 3 })).map(([bytes, where]) => {
    const bad = Buffer.from(bytes)
    const parts: [string, string] =
      where === 0
        ? ['{"jsonrpc":"2.0","method":"chain_', 'status","id":1}']
        : where === 1
          ? ['{"jsonrpc":"2.0","method":"tx_get","params":["', '"],"id":2}']
          : where === 2
            ? ['{"jsonrpc":"2.0","method":"chain_status","id":"', '"}']
            : ['', '']
    return Buffer.concat([Buffer.from(parts[0]), bad, Buffer.from(parts[1])])
  })

  const depth = limits.maxJsonDepth
  const deep = fc
    .integer({ min: Math.max(1, depth - 8), max: depth + 40 })
    .map((n) => `{"jsonrpc":"2.0","method":"chain_status","params":${'['.repeat(n)}${']'.repeat(n)},"id":1}`)
  const oversize = fc.integer({ min: 1, max: 4096 }).map((extra) => {
    const hexBytes = Math.ceil((limits.maxBodyBytes + extra) / 2)
    return `{"jsonrpc":"2.0","method":"tx_broadcast","params":["${'ab'.repeat(hexBytes)}"],"id":1}`
  })

  const body: fc.Arbitrary<Body> = fc.oneof(
    { weight: 80, arbitrary: structured },
    { weight: 60, arbitrary: mutated },
    { weight: 10, arbitrary: oddNumbers },
    { weight: 10, arbitrary: badUtf8 },
    { weight: 10, arbitrary: fc.json({ maxDepth: 5 }) },
    { weight: 10, arbitrary: fc.string({ maxLength: 64, unit: 'binary' }) },
    { weight: 10, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    { weight: 10, arbitrary: deep },
    { weight: options.oversizedWeight ?? 10, arbitrary: oversize },
  )

  const isNotification = (r: unknown) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return false
    const o = r as Record<string, unknown>
    return (
      !Object.hasOwn(o, 'id') &&
      o.jsonrpc === '2.0' &&
      typeof o.method === 'string' &&
      (o.params === undefined || (typeof o.params === 'object' && o.params !== null))
    )
  }
  return {
    body,
    onlyNotifications(b: Body): boolean {
      let value: unknown
      try {
        value = JSON.parse(typeof b === 'string' ? b : b.toString('utf8'))
      } catch {
        return false
      }
      if (Array.isArray(value)) return value.length > 0 && value.length <= limits.maxBatchSize && value.every(isNotification)
      return isNotification(value)
    },
    oversized: (b: Body) => sizeOf(b) > limits.maxBodyBytes,
  }
}

/** The methods the JSON-RPC 2.0 specification's examples call (§7), on a method table of their own. */
import { MethodTable, defineMethod, s } from '../../../../src/rpc/index.js'
import type { Session } from '../../../../src/rpc/session.js'

const n = s.number()
const maybe = s.optional(s.number())

export const notified: unknown[][] = []

export function specTable(): MethodTable {
  const table = new MethodTable()
  table.add(
    defineMethod({ name: 'subtract', summary: 'minuend − subtrahend', params: { minuend: n, subtrahend: n }, result: s.number() }),
    ({ minuend, subtrahend }) => minuend - subtrahend,
  )
  table.add(
    defineMethod({
      name: 'sum',
      summary: 'sum of up to six numbers',
      params: { a: n, b: maybe, c: maybe, d: maybe, e: maybe, f: maybe },
      result: s.number(),
    }),
    (p) => [p.a, p.b, p.c, p.d, p.e, p.f].reduce<number>((sum, x) => sum + (x ?? 0), 0),
  )
  table.add(defineMethod({ name: 'notify_hello', summary: 'records a hello', params: { n }, result: s.null() }), ({ n: value }) => {
    notified.push(['notify_hello', value])
    return null
  })
  table.add(defineMethod({ name: 'notify_sum', summary: 'records a sum', params: { a: n, b: maybe, c: maybe }, result: s.null() }), (p) => {
    notified.push(['notify_sum', p.a, p.b, p.c])
    return null
  })
  table.add(
    defineMethod({ name: 'update', summary: 'records five numbers', params: { a: n, b: n, c: n, d: n, e: n }, result: s.null() }),
    (p) => {
      notified.push(['update', p.a, p.b, p.c, p.d, p.e])
      return null
    },
  )
  table.add(defineMethod({ name: 'get_data', summary: 'constant data', params: {}, result: s.array(s.unknown()) }), () => ['hello', 5])
  table.add(
    defineMethod({ name: 'echo', summary: 'returns its argument', params: { value: s.unknown() }, result: s.unknown() }),
    ({ value }) => value,
  )
  table.add(
    defineMethod({ name: 'sleep', summary: 'answers after ms', params: { ms: s.integer({ min: 0, max: 10_000 }) }, result: s.null() }),
    async ({ ms }, ctx) => {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, ms)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          resolve(null)
        })
      })
      return null
    },
  )
  table.add(
    defineMethod({
      name: 'flood',
      summary: 'pushes count notifications of size bytes',
      params: { count: s.integer({ min: 1 }), size: s.integer({ min: 1 }) },
      result: s.integer(),
    }),
    ({ count, size }, ctx) => {
      const text = `{"jsonrpc":"2.0","method":"flood","params":"${'x'.repeat(size)}"}`
      let sent = 0
      for (let i = 0; i < count && (ctx.session as Session).push(text); i++) sent++
      return sent
    },
  )
  table.add(defineMethod({ name: 'fail', summary: 'throws a non-RPC error', params: {}, result: s.null() }), () => {
    throw new Error('secret internal detail')
  })
  // foobar is deliberately absent: the specification's examples call it expecting -32601.
  return table
}

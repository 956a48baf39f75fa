import { RPC_ERRORS, RPC_ERROR_DATA, RPC_ERROR_MESSAGES, type RpcErrorName } from './errors.js'
import type { MethodTable } from './method.js'
import type { JsonSchema } from './schema.js'

export const OPENRPC_VERSION = '1.2.6'

/** The notification every subscription sends, for the document's components. */
const NOTIFICATION_DOC =
  'Subscriptions push {"jsonrpc":"2.0","method":"subscription","params":{"subscription":ID,"height":H,"seq":N,"result":R}} where R is a Block (newBlocks), a Tx (txs) or {phase, txHash, txIndex, event} (events).'

/**
 * Lifts every titled (named) schema into components.schemas and leaves a $ref in its place,
 * so each shared shape (Block, Header, Tx, ...) is described once.
 */
function lifter(components: Record<string, JsonSchema>): (schema: JsonSchema) => JsonSchema {
  const seen = new Map<string, string>()
  const lift = (schema: JsonSchema): JsonSchema => {
    const out: JsonSchema = {}
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' || key === 'patternProperties') {
        const props: Record<string, JsonSchema> = {}
        for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) props[name] = lift(sub)
        out[key] = props
      } else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object' && value !== null) {
        out[key] = lift(value as JsonSchema)
      } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
        out[key] = (value as JsonSchema[]).map(lift)
      } else {
        out[key] = value
      }
    }
    const title = schema.title
    if (typeof title !== 'string') return out
    const text = JSON.stringify(out)
    const previous = seen.get(title)
    if (previous !== undefined && previous !== text) throw new Error(`two different schemas are both named ${title}`)
    seen.set(title, text)
    components[title] = out
    return { $ref: `#/components/schemas/${title}` }
  }
  return lift
}

/** An OpenRPC document of every method in `table`, generated from the method declarations. */
export function openRpcDocument(table: MethodTable, info: { title: string; version: string }): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {}
  const lift = lifter(schemas)
  const errors: Record<string, unknown> = {}
  for (const name of Object.keys(RPC_ERRORS) as RpcErrorName[]) {
    errors[name] = { code: RPC_ERRORS[name], message: RPC_ERROR_MESSAGES[name], data: { description: `data: ${RPC_ERROR_DATA[name]}` } }
  }
  const methods = table.list().map(({ spec }) => {
    const method: Record<string, unknown> = {
      name: spec.name,
      summary: spec.summary,
      paramStructure: 'either',
      params: Object.entries(spec.params).map(([name, schema]) => {
        const param: Record<string, unknown> = { name, required: !schema.optional, schema: lift(schema.json) }
        if (typeof schema.json.description === 'string') param.description = schema.json.description
        return param
      }),
      result: { name: `${spec.name}Result`, schema: lift(spec.result.json) },
    }
    if (spec.description !== undefined) method.description = spec.description
    if (spec.errors !== undefined && spec.errors.length > 0)
      method.errors = spec.errors.map((code) => ({ $ref: `#/components/errors/${code}` }))
    if (spec.transport === 'ws') method['x-transport'] = 'websocket'
    if (spec.examples !== undefined) {
      method.examples = spec.examples.map((e) => ({
        name: e.name,
        params: Object.entries(e.params).map(([name, value]) => ({ name, value })),
        result: { name: 'result', value: e.result },
      }))
    }
    return method
  })
  return {
    openrpc: OPENRPC_VERSION,
    info: { title: info.title, version: info.version, description: `JSON-RPC 2.0 over HTTP POST and WebSocket. ${NOTIFICATION_DOC}` },
    methods,
    components: { schemas, errors },
  }
}

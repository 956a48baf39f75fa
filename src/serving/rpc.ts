import { RpcError } from '../rpc/errors.js'
import { type MethodTable, defineMethod } from '../rpc/method.js'
import { s } from '../rpc/schema.js'
import { ServingError } from './errors.js'
import type { ModelServer } from './model-server.js'

const Decimal = (what: string) => s.decimal(what)
const Ref = s.named(
  'ServedVersion',
  s.object({ subnet: s.decimal(), version: s.decimal() }),
  'a model version: its subnet and version number',
)
const Cid = s.string({ minLength: 1, maxLength: 128, description: 'CIDv1 text' })
/** Most input values one request may carry (a 256×256 RGB image). */
export const MAX_INPUT_VALUES = 256 * 256 * 3

export const SERVING_API = {
  model_infer: defineMethod({
    name: 'model_infer',
    summary:
      'Class probabilities of one input under a model version (a full model, or an adapter applied on its shared base), with its ancestry and top contributors; checks a use receipt when given.',
    description:
      'Only on nodes with serving.enabled. `input` is one example, prod(inputShape) numbers row-major (a 28×28 digit: 784 grey levels in [0, 1]). `receipt` is a MsgUseModel receipt id (usage_receipt) that must have paid for this version. Refusals are INFERENCE_REFUSED { code, ... } (docs/serving.md).',
    params: {
      version: s.object({ subnet: Decimal('subnet id'), version: Decimal('version number') }),
      input: s.array(s.number(), { minItems: 1, maxItems: MAX_INPUT_VALUES, description: 'one example, row-major' }),
      receipt: s.optional(Decimal('a MsgUseModel receipt id')),
    },
    result: s.object({
      subnet: s.decimal(),
      version: s.decimal(),
      kind: s.enum(['full', 'adapter'] as const),
      global_cid: Cid,
      base: s.nullable(s.object({ subnet: s.decimal(), version: s.decimal(), global_cid: Cid })),
      probabilities: s.array(s.number(), { description: 'softmax of the logits, one per class' }),
      predicted: s.integer({ min: 0, description: 'the most probable class' }),
      ancestry: s.object({
        versions: s.array(
          s.object({
            subnet: s.decimal(),
            version: s.decimal(),
            depth: s.integer({ min: 0 }),
            kind: s.string(),
            round: s.nullable(s.decimal()),
            status: s.string(),
          }),
        ),
        roots: s.array(Ref),
        datanet_versions: s.array(s.object({ datanet: s.decimal(), version: s.decimal() })),
        contributors: s.array(s.object({ contributor: s.string(), weight: s.decimal('parts per scale'), versions: s.integer({ min: 0 }) })),
        scale: s.decimal(),
        truncated: s.boolean(),
      }),
      receipt: s.nullable(
        s.object({
          id: s.decimal(),
          user: s.string(),
          subnet: s.decimal(),
          version: s.decimal(),
          fee: s.decimal(),
          denom: s.string(),
          used_height: s.decimal(),
        }),
      ),
      height: s.integer({ min: 0, description: 'the height whose state answered' }),
      cache: s.object({ base: s.enum(['warm', 'cold'] as const), adapter: s.enum(['warm', 'cold', 'none'] as const) }),
    }),
    errors: ['INFERENCE_REFUSED'],
  }),
} as const

/** A serving refusal as the JSON-RPC error clients switch on. */
export function inferenceRefused(error: ServingError): RpcError {
  return new RpcError('INFERENCE_REFUSED', { code: error.code, ...error.context }, error.plainMessage)
}

/** Registers model_infer (RpcServerOptions.extend); with serving off it answers SERVING_DISABLED. */
export function registerServingMethods(table: MethodTable, server: ModelServer | undefined): void {
  table.add(SERVING_API.model_infer, async ({ version, input, receipt }) => {
    try {
      if (server === undefined || !server.enabled)
        throw new ServingError('SERVING_DISABLED', 'this node does not serve models (serving.enabled is false)', {})
      const answer = await server.infer({ subnet: version.subnet, version: version.version, input, receipt })
      const r = answer.receipt
      return {
        ...answer,
        ancestry: {
          ...answer.ancestry,
          versions: [...answer.ancestry.versions],
          roots: [...answer.ancestry.roots],
          datanet_versions: [...answer.ancestry.datanet_versions],
          contributors: [...answer.ancestry.contributors],
        },
        receipt:
          r === null
            ? null
            : { id: r.id, user: r.user, subnet: r.subnet, version: r.version, fee: r.fee, denom: r.denom, used_height: r.used_height },
      }
    } catch (error) {
      if (error instanceof ServingError) throw inferenceRefused(error)
      throw error
    }
  })
}

/** Registers model_infer with no server behind it, for scripts/gen-rpc-docs.ts. */
export function documentServingMethods(table: MethodTable): void {
  registerServingMethods(table, undefined)
}

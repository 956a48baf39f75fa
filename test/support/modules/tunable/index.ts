import { t, type StructValue } from '../../../../src/codec/index.js'
import {
  type MessageHandler,
  type Module,
  ModuleError,
  type ModuleParams,
  genesisError,
  intAt,
  objectAt,
  readParams,
  utf8,
} from '../../../../src/state/index.js'
import { TEST_TAGS } from '../tags.js'

/**
 * Test-only modules for params: `tunable` has a param `step` (1..100) that MsgBump adds to a
 * counter; `govern` is a params authority whose MsgSetParams sets any module's params through
 * the ParamsKeeper, as governance will.
 */
export const TUNABLE_ERRORS = { INVALID_PARAMS: 2 } as const

const TunableParamsType = t.struct('test/TunableParams', TEST_TAGS.tunableParams, 1, { step: t.u32 })
type TunableParams = StructValue<typeof TunableParamsType.fields>

export const tunableParams: ModuleParams<TunableParams> = {
  schema: TunableParamsType,
  defaults: { step: 1 },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body)) if (key !== 'step') throw genesisError(`${path}.${key}`, 'no such tunable param')
    return { step: body.step === undefined ? 1 : intAt(body.step, `${path}.step`, 0, 2 ** 32 - 1) }
  },
  toJson: (params) => ({ step: params.step }),
  validate(params) {
    if (params.step < 1 || params.step > 100)
      throw new ModuleError('tunable', TUNABLE_ERRORS.INVALID_PARAMS, 'INVALID_PARAMS', `step ${params.step} outside 1..100`)
  },
}

export const MsgBump = t.struct('test/MsgBump', TEST_TAGS.bump, 1, {})
export const MsgSetParams = t.struct('test/MsgSetParams', TEST_TAGS.setParams, 1, { module: t.string({ max: 32 }), step: t.u32 })

const COUNTER = utf8('c')

/** The tunable keeper: its params read through it, as every module's are. */
export class TunableKeeper {
  readonly #ctx: Parameters<Module['keeper']>[0]
  constructor(ctx: Parameters<Module['keeper']>[0]) {
    this.#ctx = ctx
  }
  params(): TunableParams {
    return readParams(this.#ctx.moduleStore(), tunableParams)
  }
  counter(): number {
    const raw = this.#ctx.moduleStore().get(COUNTER)
    return raw === undefined ? 0 : Number(Buffer.from(raw).toString('utf8'))
  }
  bump(): void {
    this.#ctx.moduleStore().set(COUNTER, utf8(String(this.counter() + this.params().step)))
  }
}

const bump: MessageHandler = { type: MsgBump, handle: (ctx) => new TunableKeeper(ctx).bump() }
const setParams: MessageHandler<StructValue<typeof MsgSetParams.fields>> = {
  type: MsgSetParams,
  handle: (ctx, { module, step }) => ctx.paramsKeeper().set(module, { step }),
}

const base = { queries: {}, genesis: { validate: () => ({}), init: () => {}, export: () => ({}) }, invariants: {} }

export const tunableModule: Module<TunableKeeper> = {
  name: 'tunable',
  messages: [bump],
  params: tunableParams,
  keeper: (ctx) => new TunableKeeper(ctx),
  ...base,
  queries: { counter: (ctx) => new TunableKeeper(ctx).counter(), params: (ctx) => tunableParams.toJson(new TunableKeeper(ctx).params()) },
}

export const governModule: Module<null> = { name: 'govern', messages: [setParams], keeper: () => null, ...base }

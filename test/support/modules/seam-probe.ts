import { t, type StructValue } from '../../../src/codec/index.js'
import {
  type Module,
  ModuleError,
  type ModuleParams,
  genesisError,
  implementHooks,
  intAt,
  objectAt,
  readParams,
  utf8,
} from '../../../src/state/index.js'
import { PING_HOOKS } from './pinger/hooks.js'
import { describeConsensus } from './consensus-echo.js'
import { TEST_TAGS } from './tags.js'

/**
 * Test-only module that uses every seam at once: a param (`power_step`, set at genesis) read in
 * end-block to set validator height mod n to power 10 + step × height; begin-block records what
 * it saw of consensus (evidence, last commit); it implements the pinger's hook.
 */
const ProbeParams = t.struct('test/SeamProbeParams', TEST_TAGS.probeParams, 1, { powerStep: t.u32 })
type ProbeParamsValue = StructValue<typeof ProbeParams.fields>

const probeParams: ModuleParams<ProbeParamsValue> = {
  schema: ProbeParams,
  defaults: { powerStep: 1 },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body)) if (key !== 'power_step') throw genesisError(`${path}.${key}`, 'no such seam-probe param')
    return { powerStep: body.power_step === undefined ? 1 : intAt(body.power_step, `${path}.power_step`, 0, 1000) }
  },
  toJson: (p) => ({ power_step: p.powerStep }),
  validate(p) {
    if (p.powerStep < 1) throw new ModuleError('seam-probe', 2, 'INVALID_PARAMS', 'power_step must be positive')
  },
}

/** The power end-block of `height` gives validator height mod n. */
export const probePower = (powerStep: number, height: number): bigint => 10n + BigInt(powerStep) * BigInt(height)

export function seamProbeModule(validators: readonly Uint8Array[]): Module<null> {
  const read = (ctx: Parameters<Module['keeper']>[0], key: string) => {
    const raw = ctx.moduleStore().get(utf8(key))
    return raw === undefined ? null : Buffer.from(raw).toString('utf8')
  }
  return {
    name: 'seam-probe',
    messages: [],
    params: probeParams,
    keeper: () => null,
    genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
    queries: {
      seen: (ctx, { height }) => read(ctx, `seen/${String(height)}`),
      pings: (ctx) => read(ctx, 'pings') ?? '0',
    },
    beginBlock(ctx) {
      ctx.moduleStore().set(utf8(`seen/${ctx.block.height}`), utf8(describeConsensus(ctx.block)))
    },
    endBlock(ctx) {
      const { powerStep } = readParams(ctx.moduleStore(), probeParams)
      return [{ publicKey: validators[ctx.block.height % validators.length]!, power: probePower(powerStep, ctx.block.height) }]
    },
    hooks: [
      implementHooks(PING_HOOKS, (ctx) => ({
        afterPing: (_sender, count) => ctx.moduleStore().set(utf8('pings'), utf8(String(count))),
      })),
    ],
    invariants: {},
  }
}

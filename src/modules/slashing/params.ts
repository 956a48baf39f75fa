import { t, type StructValue } from '../../codec/index.js'
import { Dec, type ModuleParams, bigintAt, decType, genesisError, objectAt, decAt } from '../../state/index.js'
import { slashingError } from './errors.js'

export const SlashingParamsType = t.struct('SlashingParams', 2102, 1, {
  signedBlocksWindow: t.u64,
  minSignedPerWindow: decType,
  downtimeJailDuration: t.u64,
  slashFractionDoubleSign: decType,
  slashFractionDowntime: decType,
})
export type SlashingParamsValue = StructValue<typeof SlashingParamsType.fields>

/** The longest window accepted: a validator's bitmap never holds more keys than this. */
export const MAX_SIGNED_BLOCKS_WINDOW = 1_000_000n

const FIELDS = [
  'signed_blocks_window',
  'min_signed_per_window',
  'downtime_jail_duration',
  'slash_fraction_double_sign',
  'slash_fraction_downtime',
] as const

/**
 * `app_state.slashing.params` (x/slashing Params): `signed_blocks_window` (blocks),
 * `min_signed_per_window` (fraction of the window), `downtime_jail_duration` (ms of block
 * time), `slash_fraction_double_sign` and `slash_fraction_downtime` (fractions of stake).
 */
export const slashingParams: ModuleParams<SlashingParamsValue> = {
  schema: SlashingParamsType,
  defaults: {
    signedBlocksWindow: 100n,
    minSignedPerWindow: Dec.parse('0.5'),
    downtimeJailDuration: 600_000n,
    slashFractionDoubleSign: Dec.parse('0.05'),
    slashFractionDowntime: Dec.parse('0.01'),
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body))
      if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such slashing param')
    const d = slashingParams.defaults
    const at = (key: (typeof FIELDS)[number]) => `${path}.${key}`
    return {
      signedBlocksWindow:
        body.signed_blocks_window === undefined
          ? d.signedBlocksWindow
          : bigintAt(body.signed_blocks_window, at('signed_blocks_window'), { min: 1n, max: MAX_SIGNED_BLOCKS_WINDOW }),
      minSignedPerWindow:
        body.min_signed_per_window === undefined ? d.minSignedPerWindow : decAt(body.min_signed_per_window, at('min_signed_per_window')),
      downtimeJailDuration:
        body.downtime_jail_duration === undefined
          ? d.downtimeJailDuration
          : bigintAt(body.downtime_jail_duration, at('downtime_jail_duration'), { min: 1n, max: 2n ** 63n }),
      slashFractionDoubleSign:
        body.slash_fraction_double_sign === undefined
          ? d.slashFractionDoubleSign
          : decAt(body.slash_fraction_double_sign, at('slash_fraction_double_sign')),
      slashFractionDowntime:
        body.slash_fraction_downtime === undefined
          ? d.slashFractionDowntime
          : decAt(body.slash_fraction_downtime, at('slash_fraction_downtime')),
    }
  },
  toJson: (p) => ({
    signed_blocks_window: String(p.signedBlocksWindow),
    min_signed_per_window: p.minSignedPerWindow.toString(),
    downtime_jail_duration: String(p.downtimeJailDuration),
    slash_fraction_double_sign: p.slashFractionDoubleSign.toString(),
    slash_fraction_downtime: p.slashFractionDowntime.toString(),
  }),
  validate(p) {
    const fraction = (name: string, value: Dec) => {
      if (value.isNegative() || value.gt(Dec.ONE))
        throw slashingError('INVALID_PARAMS', `${name} must lie in [0, 1], got ${value}`, { param: name, value: value.toString() })
    }
    if (p.signedBlocksWindow < 1n || p.signedBlocksWindow > MAX_SIGNED_BLOCKS_WINDOW) {
      throw slashingError(
        'INVALID_PARAMS',
        `signed_blocks_window must lie in [1, ${MAX_SIGNED_BLOCKS_WINDOW}], got ${p.signedBlocksWindow}`,
        { param: 'signed_blocks_window', value: String(p.signedBlocksWindow) },
      )
    }
    fraction('min_signed_per_window', p.minSignedPerWindow)
    if (p.downtimeJailDuration < 1n)
      throw slashingError('INVALID_PARAMS', 'downtime_jail_duration must be positive', {
        param: 'downtime_jail_duration',
        value: String(p.downtimeJailDuration),
      })
    fraction('slash_fraction_double_sign', p.slashFractionDoubleSign)
    fraction('slash_fraction_downtime', p.slashFractionDowntime)
  },
}

/** Blocks of the window a validator must sign: window × min_signed_per_window, truncated. */
export const minSignedBlocks = (p: SlashingParamsValue): bigint => p.minSignedPerWindow.mulInt(p.signedBlocksWindow).truncate()

/**
 * slashing_*: the slashing module's queries (src/modules/slashing/queries.ts) on the latest
 * committed state, each answer with the `height` it was read at.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { DecText, bech32Of } from './module-shapes.js'

/** What slashing_signingInfo takes: a consensus address, 40 hex digits, or the validator's operator. */
export const ConsensusRef = s.union(
  [
    s.hex({ bytes: 20, description: 'the consensus address as 40 hex digits' }),
    bech32Of(
      ['fedravalcons', 'fedravaloper', 'fedra'],
      'ConsensusRef',
      "fedravalcons1… (consensus address), or the validator's operator fedravaloper1… / fedra1…",
    ),
  ],
  'a validator: consensus address (fedravalcons1… or 40 hex digits) or operator (fedravaloper1… or fedra1…)',
)

const signingInfoShape = {
  address: bech32Of(['fedravalcons'], 'ConsensusAddress', 'consensus address, fedravalcons1…'),
  address_hex: s.hex({ bytes: 20 }),
  start_height: s.decimal(),
  index_offset: s.decimal(),
  missed_blocks_counter: s.decimal(),
  jailed_until: s.decimal('unix ms of block time (2^64-1 once tombstoned)'),
  tombstoned: s.boolean(),
}
export const SigningInfoJson = s.named('SigningInfo', s.object(signingInfoShape))

const QF = ['QUERY_FAILED'] as const

export const slashingSigningInfo = defineMethod({
  name: 'slashing_signingInfo',
  summary: "A validator's liveness record: its window, missed blocks, jail time, tombstone.",
  description:
    'QUERY_FAILED { codespace: slashing, code: INVALID_ADDRESS } for an operator with no validator; NO_SIGNING_INFO for a validator that never bonded.',
  params: { address: ConsensusRef },
  result: s.object({ height, ...signingInfoShape }),
  errors: QF,
})

export const slashingSigningInfos = defineMethod({
  name: 'slashing_signingInfos',
  summary: 'Every signing info, by consensus address.',
  params: {},
  result: s.object({ height, signing_infos: s.array(SigningInfoJson) }),
  errors: QF,
})

export const slashingParams = defineMethod({
  name: 'slashing_params',
  summary: "Slashing's parameters.",
  params: {},
  result: s.object({
    height,
    signed_blocks_window: s.decimal('blocks'),
    min_signed_per_window: DecText,
    downtime_jail_duration: s.decimal('ms of block time'),
    slash_fraction_double_sign: DecText,
    slash_fraction_downtime: DecText,
  }),
  errors: QF,
})

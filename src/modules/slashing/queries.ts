/**
 * Slashing's queries (plain JSON in and out; amounts and heights as decimal strings):
 *
 *   signingInfo  { address }  → SigningInfoJson
 *       `address` is a consensus address (fedravalcons1… or 40 hex digits) or a validator's
 *       operator (fedravaloper1… or its account fedra1…), resolved to its consensus address
 *       through staking. Errors: INVALID_ADDRESS (none of those forms, or an operator with no
 *       validator), NO_SIGNING_INFO (a validator that never bonded).
 *   signingInfos {}           → { signing_infos: SigningInfoJson[] }  (by consensus address)
 *   params       {}           → { signed_blocks_window, min_signed_per_window,
 *                                 downtime_jail_duration, slash_fraction_double_sign,
 *                                 slash_fraction_downtime }  (as in genesis)
 *
 *   SigningInfoJson = { address: 'fedravalcons1…', address_hex, start_height, index_offset,
 *                       missed_blocks_counter, jailed_until (ms of block time), tombstoned: boolean }
 */
import { CryptoError, decodeAddress } from '../../crypto/index.js'
import type { Context, QueryHandler } from '../../state/index.js'
import { slashingError } from './errors.js'
import { CONSENSUS_PREFIX, consensusAddressText } from './events.js'
import { STAKING } from './expected-keepers.js'
import { SlashingKeeper } from './keeper.js'
import type { ValidatorSigningInfoValue } from './messages.js'
import { slashingParams } from './params.js'
import { SigningInfos } from './signing-infos.js'

export function signingInfoJson(consensusAddress: Uint8Array, info: ValidatorSigningInfoValue) {
  return {
    address: consensusAddressText(consensusAddress),
    address_hex: Buffer.from(consensusAddress).toString('hex'),
    start_height: String(info.startHeight),
    index_offset: String(info.indexOffset),
    missed_blocks_counter: String(info.missedBlocksCounter),
    jailed_until: String(info.jailedUntil),
    tombstoned: info.tombstoned,
  }
}

const OPERATOR_PREFIXES = ['fedravaloper', 'fedra']

/** The consensus address a query names, in any of the forms queries.ts lists. */
export function resolveConsensusAddress(ctx: Context, address: unknown): Uint8Array {
  if (typeof address !== 'string')
    throw slashingError('INVALID_ADDRESS', 'address must be a string: fedravalcons1…, hex, fedravaloper1… or fedra1…')
  if (/^[0-9a-fA-F]{40}$/.test(address)) return Uint8Array.from(Buffer.from(address, 'hex'))
  const prefix = address.slice(0, address.lastIndexOf('1'))
  try {
    if (prefix === CONSENSUS_PREFIX) return decodeAddress(address, CONSENSUS_PREFIX)
    if (OPERATOR_PREFIXES.includes(prefix)) {
      const operator = decodeAddress(address, prefix)
      const validator = ctx.keeper(STAKING).validator(operator)
      if (validator === undefined) throw slashingError('INVALID_ADDRESS', `${address} operates no validator`, { address })
      return validator.consensusAddress
    }
  } catch (error) {
    if (error instanceof CryptoError) throw slashingError('INVALID_ADDRESS', error.plainMessage, { address: address.slice(0, 100) })
    throw error
  }
  throw slashingError('INVALID_ADDRESS', `"${address.slice(0, 100)}" is not fedravalcons1…, 40 hex digits, fedravaloper1… or fedra1…`, {
    address: address.slice(0, 100),
  })
}

export const slashingQueries: Record<string, QueryHandler> = {
  signingInfo(ctx, params) {
    const consensusAddress = resolveConsensusAddress(ctx, params.address)
    const info = new SigningInfos(ctx.moduleStore()).get(consensusAddress)
    if (info === undefined)
      throw slashingError('NO_SIGNING_INFO', `no signing info for ${consensusAddressText(consensusAddress)}`, {
        address: consensusAddressText(consensusAddress),
      })
    return signingInfoJson(consensusAddress, info)
  },
  signingInfos: (ctx) => ({
    signing_infos: [...new SigningInfos(ctx.moduleStore()).all()].map(({ consensusAddress, info }) =>
      signingInfoJson(consensusAddress, info),
    ),
  }),
  params: (ctx) => slashingParams.toJson(new SlashingKeeper(ctx).params()),
}

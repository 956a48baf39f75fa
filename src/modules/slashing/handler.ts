import { encodeAddress } from '../../crypto/index.js'
import type { MessageHandler } from '../../state/index.js'
import { tokensFromShares } from '../staking/views.js'
import { slashingError } from './errors.js'
import { emitUnjail } from './events.js'
import { STAKING } from './expected-keepers.js'
import { MsgUnjail, type MsgUnjailValue } from './messages.js'
import { SigningInfos } from './signing-infos.js'

const operatorText = (operator: Uint8Array): string => encodeAddress(operator, 'fedravaloper')

/**
 * x/slashing Unjail, checks in its order: the signer operates a validator, whose
 * self-delegation exists and is worth at least its min_self_delegation, which is jailed, not
 * tombstoned, and past its jail period; then staking lets it back.
 */
const unjail: MessageHandler<MsgUnjailValue> = {
  type: MsgUnjail,
  handle(ctx, _message, signer) {
    const staking = ctx.keeper(STAKING)
    const operator = signer.addressBytes
    const validator = staking.validator(operator)
    if (validator === undefined)
      throw slashingError('NO_VALIDATOR', `${encodeAddress(operator)} operates no validator`, { operator: operatorText(operator) })
    const self = staking.delegation(operator, operator)
    if (self === undefined)
      throw slashingError('MISSING_SELF_DELEGATION', `validator ${operatorText(operator)} has no self-delegation`, {
        operator: operatorText(operator),
      })
    const tokens = tokensFromShares(validator, self.shares).truncate()
    if (tokens < validator.minSelfDelegation) {
      throw slashingError(
        'SELF_DELEGATION_TOO_LOW',
        `self-delegation of ${operatorText(operator)} is ${tokens}, below its min_self_delegation ${validator.minSelfDelegation}`,
        {
          operator: operatorText(operator),
          tokens: String(tokens),
          minSelfDelegation: String(validator.minSelfDelegation),
        },
      )
    }
    if (!validator.jailed)
      throw slashingError('VALIDATOR_NOT_JAILED', `validator ${operatorText(operator)} is not jailed`, { operator: operatorText(operator) })
    const info = new SigningInfos(ctx.moduleStore()).get(validator.consensusAddress)
    if (info !== undefined) {
      if (info.tombstoned)
        throw slashingError(
          'VALIDATOR_TOMBSTONED',
          `validator ${operatorText(operator)} is tombstoned for double-signing and can never be unjailed`,
          { operator: operatorText(operator) },
        )
      if (info.jailedUntil > ctx.block.time) {
        throw slashingError(
          'VALIDATOR_STILL_JAILED',
          `validator ${operatorText(operator)} is jailed until ${info.jailedUntil} (block time ${ctx.block.time})`,
          {
            operator: operatorText(operator),
            jailedUntil: String(info.jailedUntil),
            blockTime: String(ctx.block.time),
          },
        )
      }
    }
    staking.unjail(validator.consensusAddress)
    emitUnjail(ctx, validator.consensusAddress, operator)
  },
}

export const slashingMessages: MessageHandler[] = [unjail]

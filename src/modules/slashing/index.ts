import type { Module } from '../../state/index.js'
import { slashingBeginBlock } from './begin-block.js'
import { slashingExpectedKeepers } from './expected-keepers.js'
import { slashingGenesis } from './genesis.js'
import { slashingMessages } from './handler.js'
import { slashingStakingHooks } from './hooks.js'
import { slashingInvariants } from './invariants.js'
import { SlashingKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { slashingParams } from './params.js'
import { slashingQueries } from './queries.js'

/**
 * Liveness (missed blocks: slash, jail for a while) and double-signing (slash, jail for ever,
 * tombstone) of validators: Cosmos' x/slashing with x/evidence's equivocation handling.
 * Composition subscribes it to STAKING_HOOKS and runs its begin-block before staking's and
 * distribution's reads of the set.
 */
export const slashingModule: Module<SlashingKeeper> = {
  name: MODULE,
  expects: slashingExpectedKeepers,
  messages: slashingMessages,
  queries: slashingQueries,
  genesis: slashingGenesis,
  params: slashingParams,
  keeper: (ctx) => new SlashingKeeper(ctx),
  hooks: [slashingStakingHooks],
  beginBlock: slashingBeginBlock,
  invariants: slashingInvariants,
}

export { SlashingKeeper }
export { MsgUnjail, ValidatorSigningInfo, JAILED_FOREVER, type MsgUnjailValue, type ValidatorSigningInfoValue } from './messages.js'
export { SLASHING_ERRORS, type SlashingErrorCode } from './errors.js'
export { SLASHING_EVENTS, CONSENSUS_PREFIX, type EvidenceRefusal, type SlashReason } from './events.js'
export { slashingParams, minSignedBlocks, type SlashingParamsValue } from './params.js'
export { slashingStakingHooks } from './hooks.js'
export { VALIDATOR_UPDATE_DELAY } from './liveness.js'
export { signingInfoKey, missedBlockKey, parseSigningInfoKey, parseMissedBlockKey } from './keys.js'

import type { Context, Misbehaviour } from '../../state/index.js'
import { STAKING } from './expected-keepers.js'
import { type EvidenceRefusal, emitEvidenceRefused, emitJail, emitSlash, emitTombstone } from './events.js'
import { VALIDATOR_UPDATE_DELAY } from './liveness.js'
import { JAILED_FOREVER } from './messages.js'
import type { SlashingParamsValue } from './params.js'
import type { SigningInfos } from './signing-infos.js'

/**
 * x/evidence HandleEquivocationEvidence for one duplicate vote of the block's (already
 * verified) evidence: refuses it with a reason, or slashes `slash_fraction_double_sign` of the
 * stake that was bonded for the offence, with the offender's power then, jails it if it is not
 * jailed yet, and tombstones it: jailed forever, never unjailable, never punished again.
 * Returns the refusal, or null when the evidence was acted on.
 */
export function handleEquivocation(
  ctx: Context,
  books: SigningInfos,
  params: SlashingParamsValue,
  evidence: Misbehaviour,
): EvidenceRefusal | null {
  const refusal = refusalOf(ctx, books, evidence)
  if (refusal !== null) {
    emitEvidenceRefused(ctx, evidence.validator, evidence.height, refusal)
    return refusal
  }
  const staking = ctx.keeper(STAKING)
  const validator = staking.validatorByConsensusAddress(evidence.validator)!
  const info = books.get(evidence.validator)!
  // The set that signed at the offence height was chosen `delay` heights earlier: stake that
  // began unbonding from then on still stood behind the offending vote (x/evidence's distributionHeight).
  const distributionHeight = evidence.height - VALIDATOR_UPDATE_DELAY
  const burned = staking.slash(evidence.validator, distributionHeight, evidence.power, params.slashFractionDoubleSign)
  emitSlash(ctx, evidence.validator, evidence.power, 'double_sign', distributionHeight, burned)
  if (!validator.jailed) staking.jail(evidence.validator)
  info.jailedUntil = JAILED_FOREVER
  info.tombstoned = true
  books.set(evidence.validator, info)
  emitJail(ctx, evidence.validator, JAILED_FOREVER)
  emitTombstone(ctx, evidence.validator)
  return null
}

function refusalOf(ctx: Context, books: SigningInfos, evidence: Misbehaviour): EvidenceRefusal | null {
  // Fedra's evidence age is in blocks only (x/evidence also requires max_age_duration to have passed).
  if (ctx.block.height - evidence.height > ctx.block.evidenceMaxAge) return 'EVIDENCE_TOO_OLD'
  const validator = ctx.keeper(STAKING).validatorByConsensusAddress(evidence.validator)
  if (validator === undefined) return 'UNKNOWN_VALIDATOR'
  if (validator.status === 'unbonded') return 'VALIDATOR_UNBONDED'
  const info = books.get(evidence.validator)
  if (info === undefined) return 'NO_SIGNING_INFO'
  if (info.tombstoned) return 'ALREADY_TOMBSTONED'
  return null
}

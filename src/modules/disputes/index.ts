import type { Module } from '../../state/index.js'
import { disputesExpectedKeepers } from './expected-keepers.js'
import { disputesGenesis } from './genesis.js'
import { disputesMessages, settleJudged } from './handler.js'
import { disputesInvariants } from './invariants.js'
import { DisputesKeeper } from './keeper.js'
import { DISPUTES_ACCOUNT, MODULE } from './keys.js'
import { disputesParams } from './params.js'
import { disputesQueries } from './queries.js'

/**
 * Disputes (issue 24): MsgOpenDispute escrows a bond against a slash on record and, for a claim
 * the chain can check (`wrong_rejection`: training's wrong-aggregate verdict re-run from the
 * round's updates), decides it in the same tx — an upheld dispute mints the slash back to the
 * target and returns the bond, a dismissed one burns the bond. A judged claim (`wrong_verdict`: a
 * free-rider verdict) opens a subnet-scope proposal its members vote; the end-block settles the
 * dispute when that proposal has ended (docs/governance.md).
 */
export const disputesModule: Module<DisputesKeeper> = {
  name: MODULE,
  expects: disputesExpectedKeepers,
  messages: disputesMessages,
  queries: disputesQueries,
  genesis: disputesGenesis,
  params: disputesParams,
  keeper: (ctx) => new DisputesKeeper(ctx),
  endBlock: settleJudged,
  invariants: disputesInvariants,
}

/** The module account disputes owns: it escrows bonds, burns lost ones and mints refunded slashes. */
export const DISPUTES_MODULE_ACCOUNTS = {
  [DISPUTES_ACCOUNT]: { owner: MODULE, permissions: ['minter', 'burner'] },
} as const

export { DisputesKeeper }
export { MODULE as DISPUTES_MODULE, DISPUTES_ACCOUNT } from './keys.js'
export {
  MsgOpenDispute,
  Dispute,
  DisputeTotals,
  DISPUTE_CLAIMS,
  DISPUTE_STATUSES,
  type DisputeClaim,
  type DisputeStatus,
  type MsgOpenDisputeValue,
  type DisputeValue,
  type DisputeTotalsValue,
} from './messages.js'
export { DISPUTES_ERRORS, type DisputesErrorCode } from './errors.js'
export { DISPUTES_EVENTS } from './events.js'
export { disputesParams, type DisputesParamsValue } from './params.js'
export { disputesInvariants, booksInvariant, disputeBroken } from './invariants.js'
export { disputeJson } from './queries.js'
export { rejectionEvidence } from './recheck.js'

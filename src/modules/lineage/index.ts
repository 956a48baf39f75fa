import type { Module } from '../../state/index.js'
import { lineageExpectedKeepers } from './expected-keepers.js'
import { lineageGenesis } from './genesis.js'
import { lineageMessages } from './handler.js'
import { reputationHooks, trainingHooks } from './hooks.js'
import { lineageInvariants } from './invariants.js'
import { LineageKeeper } from './keeper.js'
import { LINEAGE_ACCOUNT, MODULE } from './keys.js'
import { lineageParams } from './params.js'
import { lineageQueries } from './queries.js'

/**
 * Lineage (DESIGN §7, issue 22): a record per model version — parents (across subnets by
 * MsgForkModel where sharing allows), round, CIDs, Datanet versions, training params, the
 * validators' consensus scores — written when training accepts an aggregate and attributed
 * (integer weights per trainer, data contributor, aggregator and subnet treasury) when
 * reputation scores the round. A MsgUseModel fee flows back along the lineage with decay:
 * validators paid at once through the fee collector, everyone else lazily (one pool integer per
 * version, withdrawn by MsgWithdrawAttribution). No begin- or end-block. docs/lineage.md.
 */
export const lineageModule: Module<LineageKeeper> = {
  name: MODULE,
  expects: lineageExpectedKeepers,
  messages: lineageMessages,
  queries: lineageQueries,
  genesis: lineageGenesis,
  params: lineageParams,
  keeper: (ctx) => new LineageKeeper(ctx),
  hooks: [trainingHooks, reputationHooks],
  invariants: lineageInvariants,
}

/** The module account lineage owns, as the composition table must list it: no permission (it neither mints nor burns). */
export const LINEAGE_MODULE_ACCOUNTS = {
  [LINEAGE_ACCOUNT]: { owner: MODULE, permissions: [] },
} as const

export { LineageKeeper }
export { MODULE as LINEAGE_MODULE, LINEAGE_ACCOUNT, receiptStateKey, type Contributor, type VersionId } from './keys.js'
export {
  MsgForkModel,
  MsgUseModel,
  MsgWithdrawAttribution,
  MsgWithdrawTreasury,
  VersionRecord,
  VersionRef,
  UseReceipt,
  Credit,
  Pool,
  LineageTotals,
  type MsgForkModelValue,
  type MsgUseModelValue,
  type VersionRecordValue,
  type UseReceiptValue,
  type CreditValue,
} from './messages.js'
export { LINEAGE_ERRORS, type LineageErrorCode } from './errors.js'
export { LINEAGE_EVENTS } from './events.js'
export { lineageParams, type LineageParamsValue } from './params.js'
export { lineageInvariants, receiptBroken } from './invariants.js'
export { WEIGHT_SCALE, attribute, type Attribution } from './weights.js'
export { splitFee, type FeeSplit } from './split.js'
export { entitlement } from './settlement.js'
export { trainingHooks, reputationHooks } from './hooks.js'

import type { Module } from '../../state/index.js'
import { datanetsExpectedKeepers } from './expected-keepers.js'
import { datanetsGenesis } from './genesis.js'
import { datanetsMessages } from './handler.js'
import { datanetsInvariants } from './invariants.js'
import { DatanetsKeeper } from './keeper.js'
import { DATANETS_ACCOUNT, MODULE } from './keys.js'
import { datanetsParams } from './params.js'
import { datanetsQueries } from './queries.js'

/**
 * Datanets (DESIGN §7, issue 22): domain data networks whose records carry on-chain provenance
 * (contributor, height, licence, metadata) and are curated k-of-n by the Datanet's curators;
 * accepted records get a quality weight and enter versions, each an RFC 6962 root over their
 * leaves. Public records are blobs the chain holds (declared by CID, size checked); private ones
 * stay with their contributors, committed by hash. Trainers declare per round which accepted
 * records their local data comprises (a root the chain recomputes), for the lineage module to
 * reach data contributors. Deposits, pending bonds and treasuries sit in the `datanets` account;
 * nothing is minted or burned. No begin- or end-block, no hooks.
 */
export const datanetsModule: Module<DatanetsKeeper> = {
  name: MODULE,
  expects: datanetsExpectedKeepers,
  messages: datanetsMessages,
  queries: datanetsQueries,
  genesis: datanetsGenesis,
  params: datanetsParams,
  keeper: (ctx) => new DatanetsKeeper(ctx),
  invariants: datanetsInvariants,
}

/** The module account datanets owns, as the composition table must list it: no permissions (it neither mints nor burns). */
export const DATANETS_MODULE_ACCOUNTS = {
  [DATANETS_ACCOUNT]: { owner: MODULE, permissions: [] },
} as const

export { DatanetsKeeper }
export { MODULE as DATANETS_MODULE, DATANETS_ACCOUNT } from './keys.js'
export {
  MsgCreateDatanet,
  MsgContribute,
  MsgCurate,
  MsgPublishVersion,
  MsgDeclareData,
  DeclaredRecord,
  Datanet,
  DatanetRecord,
  DatanetVersion,
  DataDeclaration,
  RecordLeaf,
  DeclaredLeaf,
  type MsgCreateDatanetValue,
  type MsgContributeValue,
  type MsgCurateValue,
  type MsgPublishVersionValue,
  type MsgDeclareDataValue,
  type DeclaredRecordValue,
  type DatanetValue,
  type DatanetRecordValue,
  type DatanetVersionValue,
  type DataDeclarationValue,
  type RecordLeafValue,
  type DeclaredLeafValue,
} from './messages.js'
export { DATANETS_ERRORS, type DatanetsErrorCode } from './errors.js'
export { DATANETS_EVENTS } from './events.js'
export { datanetsParams, type DatanetsParamsValue } from './params.js'
export { datanetsInvariants, accountInvariant, recordsInvariant, versionsInvariant, declarationsInvariant } from './invariants.js'
export { decision, qualityOf, rejectSlash } from './curation.js'
export { recordLeaf, recordLeafHash, declaredLeaf } from './leaves.js'
export {
  QUALITY_UNIT,
  type DatanetsView,
  type DatanetRecordView,
  type DatanetVersionView,
  type DataDeclarationView,
  type DeclaredRecord as DeclaredRecordView,
  type RecordStatus,
} from './views.js'

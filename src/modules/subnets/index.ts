import type { Module } from '../../state/index.js'
import { subnetsExpectedKeepers } from './expected-keepers.js'
import { subnetsGenesis } from './genesis.js'
import { subnetsMessages } from './handler.js'
import { subnetsInvariants } from './invariants.js'
import { SubnetsKeeper, checkRole } from './keeper.js'
import { DEPOSITS_ACCOUNT, MODULE } from './keys.js'
import { subnetsParams } from './params.js'
import { subnetsQueries } from './queries.js'

/**
 * Subnets (DESIGN §6): vertical training networks with a model spec, an aggregation rule, round
 * timing, quantization, role bonds and membership, created against a deposit and run by their
 * admin; trainers and aggregators join by bonding through staking's Bonds. The training module
 * reads them through SubnetsKeeper (keeper.ts). No begin- or end-block.
 */
export const subnetsModule: Module<SubnetsKeeper> = {
  name: MODULE,
  expects: subnetsExpectedKeepers,
  messages: subnetsMessages,
  queries: subnetsQueries,
  genesis: subnetsGenesis,
  params: subnetsParams,
  keeper: (ctx) => new SubnetsKeeper(ctx),
  invariants: subnetsInvariants,
}

/** The module account subnets owns, as the composition table must list it: deposits only move in (no permissions). */
export const SUBNETS_MODULE_ACCOUNTS = {
  [DEPOSITS_ACCOUNT]: { owner: MODULE, permissions: [] },
} as const

export { SubnetsKeeper, checkRole }
export { DEPOSITS_ACCOUNT, MODULE as SUBNETS_MODULE, bondPurpose } from './keys.js'
export {
  MsgCreateSubnet,
  MsgUpdateAllowList,
  MsgUpdateSubnetParams,
  MsgJoinSubnet,
  MsgLeaveSubnet,
  MsgTopUpSubnetBond,
  SubnetParams,
  Quantization,
  RoundTiming,
  RewardSplit,
  Sharing,
  ROLES,
  type Role,
  type MsgCreateSubnetValue,
  type MsgUpdateAllowListValue,
  type MsgUpdateSubnetParamsValue,
  type MsgJoinSubnetValue,
  type MsgLeaveSubnetValue,
  type MsgTopUpSubnetBondValue,
  type SubnetParamsValue,
  type SubnetValue,
} from './messages.js'
export { SUBNETS_ERRORS, type SubnetsErrorCode } from './errors.js'
export { SUBNETS_EVENTS } from './events.js'
export { subnetsParams, type SubnetsParamsValue } from './params.js'
export { subnetsInvariants } from './invariants.js'
export { canonicalJson, canonicalModelSpec, subnetParamsToJson, subnetParamsFromJson } from './subnet-params.js'
export type { MemberView } from './books.js'

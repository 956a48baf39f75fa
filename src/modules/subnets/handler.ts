import { encodeAddress } from '../../crypto/index.js'
import type { Context, MessageHandler } from '../../state/index.js'
import { SubnetBooks } from './books.js'
import { subnetsError } from './errors.js'
import { emitAllowListUpdated, emitCreated, emitJoined, emitLeft, emitParamsUpdated, emitToppedUp } from './events.js'
import { BANK, STAKING } from './expected-keepers.js'
import { SubnetsKeeper, checkRole } from './keeper.js'
import { DEPOSITS_ACCOUNT, bondPurpose } from './keys.js'
import {
  MsgCreateSubnet,
  type MsgCreateSubnetValue,
  MsgJoinSubnet,
  type MsgJoinSubnetValue,
  MsgLeaveSubnet,
  type MsgLeaveSubnetValue,
  MsgTopUpSubnetBond,
  type MsgTopUpSubnetBondValue,
  MsgUpdateAllowList,
  type MsgUpdateAllowListValue,
  MsgUpdateSubnetParams,
  type MsgUpdateSubnetParamsValue,
  type SubnetParamsValue,
  type SubnetValue,
} from './messages.js'
import { checkCid, checkMetadata, checkModelSpec, checkSubnetParams } from './subnet-params.js'
import { DESCRIPTION_LIMIT, NAME_LIMIT } from './params.js'

const hex = (address: Uint8Array): string => Buffer.from(address).toString('hex')

/** Every address once; throws INVALID_ALLOW_LIST naming the first listed twice. */
function distinct(addresses: readonly Uint8Array[], seen = new Set<string>()): Set<string> {
  for (const address of addresses) {
    if (seen.has(hex(address)))
      throw subnetsError('INVALID_ALLOW_LIST', `${encodeAddress(address)} is listed twice`, { address: encodeAddress(address) })
    seen.add(hex(address))
  }
  return seen
}

/** The shared subnets must exist (and not be the subnet itself, which is always "shared" with). */
function checkSharedSubnets(books: SubnetBooks, params: SubnetParamsValue, self: bigint): void {
  for (const id of params.sharing.subnets) {
    if (id === self) throw subnetsError('INVALID_SHARING', `subnet ${self} need not share with itself`, { subnet: String(id) })
    if (books.subnet(id) === undefined)
      throw subnetsError('UNKNOWN_SUBNET', `sharing names subnet ${id}, which does not exist`, { subnet: String(id) })
  }
}

function adminSubnet(ctx: Context, id: bigint, signer: Uint8Array): SubnetValue {
  const subnet = new SubnetsKeeper(ctx).existing(id)
  if (!Buffer.from(subnet.admin).equals(Buffer.from(signer))) {
    throw subnetsError('NOT_ADMIN', `${encodeAddress(signer)} is not the admin of subnet ${id}`, {
      subnet: String(id),
      admin: encodeAddress(subnet.admin),
    })
  }
  return subnet
}

/**
 * Creates subnet `next id` with the signer as admin: stateless checks first (metadata within
 * the codec bounds, spec, CID, params), then the module's limits, the shared subnets, and the
 * deposit, which moves into the `subnets` module account.
 */
const createSubnet: MessageHandler<MsgCreateSubnetValue> = {
  type: MsgCreateSubnet,
  validate(m) {
    checkMetadata(m.name, m.domain, m.description, NAME_LIMIT, DESCRIPTION_LIMIT)
    const parameterCount = checkModelSpec(m.modelSpec)
    checkCid(m.initialModelCid, 'initial_model_cid')
    checkSubnetParams(m.params, parameterCount)
    distinct(m.allowList)
  },
  handle(ctx, m, signer) {
    const keeper = new SubnetsKeeper(ctx)
    const books = new SubnetBooks(ctx.moduleStore())
    const limits = keeper.moduleParams()
    checkMetadata(m.name, m.domain, m.description, limits.maxNameLength, limits.maxDescriptionLength)
    const parameterCount = checkModelSpec(m.modelSpec)
    const params = checkSubnetParams(m.params, parameterCount)
    const id = books.nextId()
    if (id >= limits.maxSubnets) {
      throw subnetsError('TOO_MANY_SUBNETS', `${limits.maxSubnets} subnets exist already (max_subnets)`, { max: String(limits.maxSubnets) })
    }
    checkSharedSubnets(books, params, id)
    const creator = signer.addressBytes
    const deposit = limits.creationDeposit
    if (deposit > 0n) {
      const denom = ctx.keeper(STAKING).bondDenom()
      const bank = ctx.keeper(BANK)
      const have = bank.balance(creator, denom)
      if (have < deposit) {
        throw subnetsError(
          'INSUFFICIENT_DEPOSIT',
          `${encodeAddress(creator)} has ${have}${denom}, the creation deposit is ${deposit}${denom}`,
          { have: String(have), need: String(deposit) },
        )
      }
      bank.sendToModule(creator, DEPOSITS_ACCOUNT, [{ denom, amount: deposit }])
    }
    books.setSubnet({
      id,
      name: m.name,
      domain: m.domain,
      description: m.description,
      admin: creator,
      modelSpec: m.modelSpec,
      parameterCount: BigInt(parameterCount),
      initialModelCid: checkCid(m.initialModelCid, 'initial_model_cid'),
      deposit,
      createdHeight: BigInt(ctx.block.height),
      trainers: 0,
      aggregators: 0,
    })
    books.setParamsInForce(id, { params, fromRound: null })
    for (const address of m.allowList) books.setAllowed(id, address, true)
    books.setNextId(id + 1n)
    emitCreated(ctx, id, creator, m.name, deposit)
  },
}

function checkAllowListChange(m: MsgUpdateAllowListValue): void {
  if (m.add.length === 0 && m.remove.length === 0)
    throw subnetsError('INVALID_ALLOW_LIST', 'an allow-list update adds or removes at least one address')
  distinct(m.remove, distinct(m.add))
}

/**
 * MsgUpdateAllowList's checks as `admin` (the signer, or gov executing a subnet-scope proposal
 * through SubnetsKeeper.governedChange), and its effect, which cannot fail once they passed.
 */
export function allowListChange(ctx: Context, m: MsgUpdateAllowListValue, admin: Uint8Array): () => void {
  checkAllowListChange(m)
  adminSubnet(ctx, m.subnet, admin)
  return () => {
    const books = new SubnetBooks(ctx.moduleStore())
    for (const address of m.add) books.setAllowed(m.subnet, address, true)
    for (const address of m.remove) books.setAllowed(m.subnet, address, false)
    emitAllowListUpdated(ctx, m.subnet, m.add.length, m.remove.length)
  }
}

/** MsgUpdateSubnetParams' checks as `admin`, and its effect (as allowListChange). */
export function subnetParamsChange(ctx: Context, m: MsgUpdateSubnetParamsValue, admin: Uint8Array): () => void {
  const subnet = adminSubnet(ctx, m.subnet, admin)
  const params = checkSubnetParams(m.params, Number(subnet.parameterCount))
  checkSharedSubnets(new SubnetBooks(ctx.moduleStore()), params, m.subnet)
  return () => {
    new SubnetBooks(ctx.moduleStore()).setPending(m.subnet, { params, height: BigInt(ctx.block.height) })
    emitParamsUpdated(ctx, m.subnet)
  }
}

/** Adds then removes allow-listed addresses (admin only); adding a listed one or removing an unlisted one changes nothing. Members stay members. */
const updateAllowList: MessageHandler<MsgUpdateAllowListValue> = {
  type: MsgUpdateAllowList,
  validate: checkAllowListChange,
  handle(ctx, m, signer) {
    allowListChange(ctx, m, signer.addressBytes)()
  },
}

/** Stores new params as pending (admin only): they come into force when training opens the subnet's next round (SubnetsKeeper.applyPending). */
const updateSubnetParams: MessageHandler<MsgUpdateSubnetParamsValue> = {
  type: MsgUpdateSubnetParams,
  validate(m) {
    // Everything but the model's size, which is in state (the handler checks it).
    checkSubnetParams(m.params, 0)
  },
  handle(ctx, m, signer) {
    subnetParamsChange(ctx, m, signer.addressBytes)()
  },
}

/**
 * Joins a role, bonding through staking's Bonds: the subnet exists, admits the signer (open, or
 * on its allow-list), the signer is not in the role yet, the bond is in the bond denomination,
 * at least the role's minimum, and affordable.
 */
const joinSubnet: MessageHandler<MsgJoinSubnetValue> = {
  type: MsgJoinSubnet,
  validate(m) {
    checkRole(m.role)
    if (m.bond.amount < 1n) throw subnetsError('BOND_TOO_LOW', 'a bond must be positive')
  },
  handle(ctx, m, signer) {
    const role = checkRole(m.role)
    const keeper = new SubnetsKeeper(ctx)
    const books = new SubnetBooks(ctx.moduleStore())
    const subnet = keeper.existing(m.subnet)
    const member = signer.addressBytes
    const params = keeper.params(m.subnet)
    if (!keeper.mayJoin(m.subnet, member)) {
      throw subnetsError('NOT_ALLOWED', `${encodeAddress(member)} is not on subnet ${m.subnet}'s allow-list`, {
        subnet: String(m.subnet),
        address: encodeAddress(member),
      })
    }
    if (books.member(m.subnet, role, member) !== undefined) {
      throw subnetsError(
        'ALREADY_MEMBER',
        `${encodeAddress(member)} is already a ${role} of subnet ${m.subnet} (MsgTopUpSubnetBond adds to its bond)`,
        { subnet: String(m.subnet), role },
      )
    }
    const staking = ctx.keeper(STAKING)
    const denom = staking.bondDenom()
    if (m.bond.denom !== denom)
      throw subnetsError('BAD_DENOM', `subnet bonds are in ${denom}, not ${m.bond.denom}`, { denom: m.bond.denom })
    const minimum = role === 'trainer' ? params.minTrainerBond : params.minAggregatorBond
    if (m.bond.amount < minimum) {
      throw subnetsError('BOND_TOO_LOW', `a ${role} of subnet ${m.subnet} bonds at least ${minimum}${denom}, not ${m.bond.amount}`, {
        minimum: String(minimum),
        bond: String(m.bond.amount),
      })
    }
    affordable(ctx, member, denom, m.bond.amount)
    const purpose = bondPurpose(m.subnet, role)
    staking.bond(member, purpose, m.bond.amount)
    // What Bonds holds now: a rejoin while an earlier bond of the role is still unbonding adds
    // to the same (owner, purpose), whose bonded amount the earlier leave emptied.
    books.setMember(m.subnet, role, member, { bond: staking.bondedAmount(member, purpose), joinedHeight: BigInt(ctx.block.height) })
    books.setSubnet(role === 'trainer' ? { ...subnet, trainers: subnet.trainers + 1 } : { ...subnet, aggregators: subnet.aggregators + 1 })
    emitJoined(ctx, m.subnet, role, member, m.bond.amount)
  },
}

/** Adds to the bond of a role the signer holds: the member exists, the amount is positive, in the bond denomination, and affordable. */
const topUpSubnetBond: MessageHandler<MsgTopUpSubnetBondValue> = {
  type: MsgTopUpSubnetBond,
  validate(m) {
    checkRole(m.role)
    if (m.amount.amount < 1n) throw subnetsError('BOND_TOO_LOW', 'a top-up must be positive')
  },
  handle(ctx, m, signer) {
    const role = checkRole(m.role)
    new SubnetsKeeper(ctx).existing(m.subnet)
    const books = new SubnetBooks(ctx.moduleStore())
    const address = signer.addressBytes
    const member = books.member(m.subnet, role, address)
    if (member === undefined) {
      throw subnetsError('NOT_MEMBER', `${encodeAddress(address)} is not a ${role} of subnet ${m.subnet}`, {
        subnet: String(m.subnet),
        role,
      })
    }
    const staking = ctx.keeper(STAKING)
    const denom = staking.bondDenom()
    if (m.amount.denom !== denom)
      throw subnetsError('BAD_DENOM', `subnet bonds are in ${denom}, not ${m.amount.denom}`, { denom: m.amount.denom })
    affordable(ctx, address, denom, m.amount.amount)
    const purpose = bondPurpose(m.subnet, role)
    staking.bond(address, purpose, m.amount.amount)
    books.setMember(m.subnet, role, address, { ...member, bond: staking.bondedAmount(address, purpose) })
    emitToppedUp(ctx, m.subnet, role, address, m.amount.amount)
  },
}

/** INSUFFICIENT_FUNDS unless `address` holds `amount` of `denom` (checked here so the refusal is subnets', not staking's). */
function affordable(ctx: Context, address: Uint8Array, denom: string, amount: bigint): void {
  const have = ctx.keeper(BANK).balance(address, denom)
  if (have < amount) {
    throw subnetsError('INSUFFICIENT_FUNDS', `${encodeAddress(address)} has ${have}${denom}, the bond is ${amount}`, {
      have: String(have),
      need: String(amount),
    })
  }
}

/** Leaves a role: the membership ends now, the whole bond enters staking's unbonding queue (coins back after unbonding_time). */
const leaveSubnet: MessageHandler<MsgLeaveSubnetValue> = {
  type: MsgLeaveSubnet,
  validate(m) {
    checkRole(m.role)
  },
  handle(ctx, m, signer) {
    const role = checkRole(m.role)
    const keeper = new SubnetsKeeper(ctx)
    const books = new SubnetBooks(ctx.moduleStore())
    const subnet = keeper.existing(m.subnet)
    const address = signer.addressBytes
    const member = books.member(m.subnet, role, address)
    if (member === undefined) {
      throw subnetsError('NOT_MEMBER', `${encodeAddress(address)} is not a ${role} of subnet ${m.subnet}`, {
        subnet: String(m.subnet),
        role,
      })
    }
    const staking = ctx.keeper(STAKING)
    const purpose = bondPurpose(m.subnet, role)
    const amount = staking.bondedAmount(address, purpose)
    // A member slashed to nothing has nothing to unbond; it still leaves.
    const completion = amount > 0n ? staking.beginUnbond(address, purpose, amount) : ctx.block.time
    books.setMember(m.subnet, role, address, undefined)
    books.setSubnet(role === 'trainer' ? { ...subnet, trainers: subnet.trainers - 1 } : { ...subnet, aggregators: subnet.aggregators - 1 })
    emitLeft(ctx, m.subnet, role, address, amount, completion)
  },
}

export const subnetsMessages: MessageHandler[] = [
  createSubnet,
  updateAllowList,
  updateSubnetParams,
  joinSubnet,
  topUpSubnetBond,
  leaveSubnet,
]

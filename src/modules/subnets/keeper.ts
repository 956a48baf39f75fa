/**
 * The subnets keeper: what the training and reward modules call (they declare
 * `expectKeeper<…>('subnets', { … })` with the methods they use). Ids and rounds are bigint.
 *
 *   moduleParams()                       the module's params (deposit, limits)
 *   subnet(id)                           the Subnet record (name, domain, admin, model spec and its
 *                                        parameterCount, initialModelCid, deposit, member counts), or undefined
 *   subnetIds()                          every subnet id, ascending
 *   params(id)                           the params in force now (the running round's)
 *   pendingParams(id)                    params an admin set that wait for the next round, or undefined
 *   effectiveParams(id, round)           the params that govern `round`: the pending ones for a
 *                                        round after the last applied (they will be applied when it
 *                                        opens), else those in force; ROUND_BEFORE_PARAMS for a
 *                                        round before the last applied (no history is kept)
 *   applyPending(id, round)              training calls this when it opens `round`: pending params
 *                                        (if any) come into force from that round on; returns the
 *                                        params of the round. Rounds must not go backwards.
 *   members(id, role)                    { address, role, bond, joinedHeight }[] in address order
 *   isMember(id, role, address)
 *   isAllowed(id, address)               on the allow-list (whatever the membership mode)
 *   mayJoin(id, address)                 open membership, or on the allow-list
 *   bondOf(id, role, address)            the member's bond (0n for a non-member)
 *   slashMember(id, role, address, fraction, infractionHeight)
 *                                        burns `fraction` of the bond and of its unbonding entries
 *                                        started at or after `infractionHeight` (Bonds.slashBond),
 *                                        so a member who left after the infraction still pays;
 *                                        keeps the member record in step; returns the amount burned
 *   barAggregator(id, round, address) / unbarAggregator(…) / isBarred(…) / barred(id, round)
 *                                        a wrong aggregate bars its aggregator for the round;
 *                                        training unbars (or leaves the marks: one key per lie)
 *
 * For gov's subnet scope (docs/governance.md), the published contract of a governed subnet:
 *   transferAdmin(id, from, to)          the admin `from` hands the subnet to `to` (gov's module
 *                                        account when a subnet opts into governance); NOT_ADMIN
 *   governedChange(admin, message)       an encoded subnets/MsgUpdateAllowList or
 *                                        subnets/MsgUpdateSubnetParams, checked exactly as its
 *                                        handler checks it with `admin` as signer; returns its
 *                                        effect (nothing changes until it is called, and it
 *                                        cannot fail), so gov can run a proposal all or nothing
 *
 * A member slashed below its role's minimum stays a member (MsgTopUpSubnetBond restores it);
 * training decides whether such a bond may still submit (`bondOf(…) >= params(id).min…Bond`).
 *
 * For the training module (TODO there): the initial global model's blob is not read here (no
 * I/O in a handler); `subnet(id).parameterCount` is the length its vector must have, to check
 * once the blob is available (validateUpdateBlob's shape), before round 0 opens.
 */
import { CodecError, decode, peekStructTag } from '../../codec/index.js'
import { encodeAddress } from '../../crypto/index.js'
import { type Context, Dec, readParams } from '../../state/index.js'
import { allowListChange, subnetParamsChange } from './handler.js'
import { SubnetBooks, type MemberView } from './books.js'
import { subnetsError } from './errors.js'
import { emitAggregatorBarred, emitMemberSlashed, emitParamsApplied } from './events.js'
import { STAKING } from './expected-keepers.js'
import { MODULE, bondPurpose } from './keys.js'
import { MsgUpdateAllowList, MsgUpdateSubnetParams, type Role, type SubnetParamsValue, type SubnetValue, isRole } from './messages.js'
import { type SubnetsParamsValue, subnetsParams } from './params.js'

export class SubnetsKeeper {
  readonly #ctx: Context
  readonly #books: SubnetBooks

  /** `ctx` is scoped to subnets. */
  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#books = new SubnetBooks(ctx.moduleStore(MODULE))
  }

  moduleParams(): SubnetsParamsValue {
    return readParams(this.#ctx.moduleStore(MODULE), subnetsParams)
  }

  subnet(id: bigint): SubnetValue | undefined {
    return this.#books.subnet(id)
  }

  subnetIds(): bigint[] {
    return [...this.#books.subnets()].map((s) => s.id)
  }

  /** The subnet, or UNKNOWN_SUBNET. */
  existing(id: bigint): SubnetValue {
    const subnet = this.#books.subnet(id)
    if (subnet === undefined) throw subnetsError('UNKNOWN_SUBNET', `no subnet ${id}`, { subnet: String(id) })
    return subnet
  }

  params(id: bigint): SubnetParamsValue {
    this.existing(id)
    return this.#books.paramsInForce(id)!.params
  }

  pendingParams(id: bigint): SubnetParamsValue | undefined {
    this.existing(id)
    return this.#books.pending(id)?.params
  }

  effectiveParams(id: bigint, round: bigint): SubnetParamsValue {
    this.existing(id)
    const inForce = this.#books.paramsInForce(id)!
    const pending = this.#books.pending(id)
    if (inForce.fromRound !== null && round < inForce.fromRound) {
      throw subnetsError(
        'ROUND_BEFORE_PARAMS',
        `subnet ${id}'s params in force govern rounds from ${inForce.fromRound}; round ${round} is before them`,
        { subnet: String(id), round: String(round) },
      )
    }
    const next = inForce.fromRound === null || round > inForce.fromRound
    return next && pending !== undefined ? pending.params : inForce.params
  }

  applyPending(id: bigint, round: bigint): SubnetParamsValue {
    this.existing(id)
    const inForce = this.#books.paramsInForce(id)!
    if (inForce.fromRound !== null && round < inForce.fromRound) {
      throw subnetsError(
        'ROUND_BEFORE_PARAMS',
        `subnet ${id} already applied params at round ${inForce.fromRound}; round ${round} is earlier`,
        { subnet: String(id), round: String(round) },
      )
    }
    const pending = this.#books.pending(id)
    if (pending === undefined) {
      if (inForce.fromRound === null) this.#books.setParamsInForce(id, { ...inForce, fromRound: round })
      return inForce.params
    }
    this.#books.setParamsInForce(id, { params: pending.params, fromRound: round })
    this.#books.setPending(id, undefined)
    emitParamsApplied(this.#ctx, id, round)
    return pending.params
  }

  members(id: bigint, role: Role): MemberView[] {
    this.existing(id)
    return [...this.#books.members(id, checkRole(role))]
  }

  isMember(id: bigint, role: Role, address: Uint8Array): boolean {
    return this.#books.member(id, checkRole(role), address) !== undefined
  }

  isAllowed(id: bigint, address: Uint8Array): boolean {
    return this.#books.isAllowed(id, address)
  }

  mayJoin(id: bigint, address: Uint8Array): boolean {
    return this.params(id).membership === 'open' || this.#books.isAllowed(id, address)
  }

  bondOf(id: bigint, role: Role, address: Uint8Array): bigint {
    return this.#books.member(id, checkRole(role), address)?.bond ?? 0n
  }

  slashMember(id: bigint, role: Role, address: Uint8Array, fraction: Dec, infractionHeight: number): bigint {
    this.existing(id)
    checkRole(role)
    if (fraction.isNegative() || fraction.gt(Dec.ONE)) {
      throw subnetsError('INVALID_SLASH_FRACTION', `slash fraction ${fraction} outside [0, 1]`, { fraction: fraction.toString() })
    }
    const staking = this.#ctx.keeper(STAKING)
    const purpose = bondPurpose(id, role)
    const burned = staking.slashBond(address, purpose, fraction, infractionHeight)
    const member = this.#books.member(id, role, address)
    if (member !== undefined) this.#books.setMember(id, role, address, { ...member, bond: staking.bondedAmount(address, purpose) })
    emitMemberSlashed(this.#ctx, id, role, address, fraction, infractionHeight, burned)
    return burned
  }

  barAggregator(id: bigint, round: bigint, address: Uint8Array): void {
    this.existing(id)
    if (this.#books.isBarred(id, round, address)) return
    this.#books.setBarred(id, round, address, true)
    emitAggregatorBarred(this.#ctx, id, round, address, true)
  }

  unbarAggregator(id: bigint, round: bigint, address: Uint8Array): void {
    if (!this.#books.isBarred(id, round, address)) return
    this.#books.setBarred(id, round, address, false)
    emitAggregatorBarred(this.#ctx, id, round, address, false)
  }

  isBarred(id: bigint, round: bigint, address: Uint8Array): boolean {
    return this.#books.isBarred(id, round, address)
  }

  barred(id: bigint, round: bigint): Uint8Array[] {
    return this.#books.barredIn(id, round)
  }

  transferAdmin(id: bigint, from: Uint8Array, to: Uint8Array): void {
    const subnet = this.existing(id)
    if (!Buffer.from(subnet.admin).equals(Buffer.from(from))) {
      throw subnetsError('NOT_ADMIN', `${encodeAddress(from)} is not the admin of subnet ${id}`, {
        subnet: String(id),
        admin: encodeAddress(subnet.admin),
      })
    }
    this.#books.setSubnet({ ...subnet, admin: to.slice() })
  }

  governedChange(admin: Uint8Array, message: Uint8Array): { subnet: bigint; apply: () => void } {
    const tag = peekStructTag(message)
    try {
      if (tag === MsgUpdateAllowList.tag) {
        const m = decode(MsgUpdateAllowList, message)
        return { subnet: m.subnet, apply: allowListChange(this.#ctx, m, admin) }
      }
      if (tag === MsgUpdateSubnetParams.tag) {
        const m = decode(MsgUpdateSubnetParams, message)
        return { subnet: m.subnet, apply: subnetParamsChange(this.#ctx, m, admin) }
      }
    } catch (error) {
      if (error instanceof CodecError) throw subnetsError('INVALID_PARAMS', `a governed change does not decode: ${error.message}`)
      throw error
    }
    throw subnetsError(
      'INVALID_PARAMS',
      `tag ${tag ?? 'none'} is no change a governed subnet takes (MsgUpdateAllowList, MsgUpdateSubnetParams)`,
    )
  }
}

/** The role, or INVALID_ROLE. */
export function checkRole(role: string): Role {
  if (!isRole(role)) throw subnetsError('INVALID_ROLE', `role must be trainer or aggregator, not "${String(role).slice(0, 16)}"`)
  return role
}

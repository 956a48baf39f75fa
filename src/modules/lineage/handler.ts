import { type Context, type MessageHandler, readParams } from '../../state/index.js'
import { LineageBooks } from './books.js'
import { lineageError } from './errors.js'
import { emitAttributionWithdrawn, emitModelForked, emitVersionRecorded } from './events.js'
import { BANK, STAKING, SUBNETS, TRAINING } from './expected-keepers.js'
import { type Contributor, LINEAGE_ACCOUNT } from './keys.js'
import {
  MAX_PURPOSE,
  MsgForkModel,
  type MsgForkModelValue,
  MsgUseModel,
  type MsgUseModelValue,
  MsgWithdrawAttribution,
  type MsgWithdrawAttributionValue,
  MsgWithdrawTreasury,
  type MsgWithdrawTreasuryValue,
} from './messages.js'
import { lineageParams } from './params.js'
import { ensureVersionZero, reaches, resolveVersion } from './records.js'
import { settle } from './settlement.js'
import { useModel } from './usage.js'

const at = (subnet: bigint, version: bigint) => ({ subnet: String(subnet), version: String(version) })

/**
 * MsgForkModel, by the target subnet's admin. Refusals, in this order: INVALID_FORK (a subnet
 * into itself), UNKNOWN_SUBNET (the target), NOT_SUBNET_ADMIN, UNKNOWN_VERSION (the
 * source), ALREADY_FORKED (the target's version 0 has a parent), FORK_TOO_LATE (the target has a
 * version ≥ 1), FORK_NOT_SHARED (the source subnet's sharing in force: `private`, or `subnets`
 * not listing the target), FORK_MODEL_MISMATCH (target's initialModelCid ≠ the source's
 * globalCid), FORK_SPEC_MISMATCH, INVALID_FORK (a source whose lineage holds the target's
 * version 0: a cycle). Then the target's version 0 has the source as its one parent.
 */
const forkModel: MessageHandler<MsgForkModelValue> = {
  type: MsgForkModel,
  handle(ctx, m, signer) {
    if (m.source.subnet === m.target)
      throw lineageError('INVALID_FORK', `subnet ${m.target} cannot fork its own model`, { target: String(m.target) })
    const subnets = ctx.keeper(SUBNETS)
    const target = subnets.subnet(m.target)
    if (target === undefined) throw lineageError('UNKNOWN_SUBNET', `no subnet ${m.target}`, { subnet: String(m.target) })
    if (!Buffer.from(target.admin).equals(Buffer.from(signer.addressBytes))) {
      throw lineageError('NOT_SUBNET_ADMIN', `${signer.address} is not the admin of subnet ${m.target}`, { subnet: String(m.target) })
    }
    const source = resolveVersion(ctx, m.source)
    if (source === undefined)
      throw lineageError(
        'UNKNOWN_VERSION',
        `no model version ${m.source.subnet}/${m.source.version}`,
        at(m.source.subnet, m.source.version),
      )
    const books = new LineageBooks(ctx.moduleStore())
    const zero = { subnet: m.target, version: 0n }
    const existing = books.version(zero)
    if (existing !== undefined && existing.parents.length > 0)
      throw lineageError('ALREADY_FORKED', `subnet ${m.target} is already forked`, {
        parent: `${existing.parents[0]!.subnet}/${existing.parents[0]!.version}`,
      })
    const latest = ctx.keeper(TRAINING).latestVersion(m.target)
    if (latest !== undefined && latest.version > 0n)
      throw lineageError('FORK_TOO_LATE', `subnet ${m.target} already has version ${latest.version}`, { version: String(latest.version) })
    const sharing = subnets.params(m.source.subnet).sharing
    const shared = sharing.mode === 'public' || (sharing.mode === 'subnets' && sharing.subnets.includes(m.target))
    if (!shared)
      throw lineageError(
        'FORK_NOT_SHARED',
        `subnet ${m.source.subnet} does not share its models with subnet ${m.target} (${sharing.mode})`,
        { mode: sharing.mode },
      )
    if (target.initialModelCid !== source.globalCid) {
      throw lineageError(
        'FORK_MODEL_MISMATCH',
        `subnet ${m.target}'s initial model is not version ${m.source.subnet}/${m.source.version}'s`,
        { expected: source.globalCid },
      )
    }
    if (target.modelSpec !== subnets.subnet(m.source.subnet)!.modelSpec)
      throw lineageError('FORK_SPEC_MISMATCH', `subnet ${m.target}'s model spec is not subnet ${m.source.subnet}'s`)
    if (existing !== undefined && reaches(books, m.source, zero))
      throw lineageError('INVALID_FORK', `version ${m.source.subnet}/${m.source.version} descends from subnet ${m.target}'s version 0`)
    const parents = [{ subnet: m.source.subnet, version: m.source.version }]
    if (existing === undefined) ensureVersionZero(ctx, m.target, parents)
    else {
      const updated = { ...existing, parents }
      books.setVersion(updated)
      emitVersionRecorded(ctx, updated)
    }
    emitModelForked(ctx, m.source, m.target, signer.addressBytes)
  },
}

/**
 * MsgUseModel: pays `fee` along the version's lineage (usage.ts). Refusals: INVALID_PURPOSE
 * (stateless), UNKNOWN_VERSION, BAD_DENOM (not the bond denomination), FEE_BELOW_MINIMUM
 * (< min_use_fee), INSUFFICIENT_FUNDS.
 */
const useModelHandler: MessageHandler<MsgUseModelValue> = {
  type: MsgUseModel,
  validate(m) {
    if (Buffer.byteLength(m.purpose, 'utf8') > MAX_PURPOSE)
      throw lineageError('INVALID_PURPOSE', `a purpose is at most ${MAX_PURPOSE} bytes`)
  },
  handle(ctx, m, signer) {
    const v = { subnet: m.subnet, version: m.version }
    if (resolveVersion(ctx, v) === undefined)
      throw lineageError('UNKNOWN_VERSION', `no model version ${m.subnet}/${m.version}`, at(m.subnet, m.version))
    const denom = ctx.keeper(STAKING).bondDenom()
    if (m.fee.denom !== denom)
      throw lineageError('BAD_DENOM', `use fees are in ${denom}, not ${m.fee.denom.slice(0, 64)}`, { denom: m.fee.denom.slice(0, 64) })
    const { minUseFee } = readParams(ctx.moduleStore(), lineageParams)
    if (m.fee.amount < minUseFee)
      throw lineageError('FEE_BELOW_MINIMUM', `a use pays at least ${minUseFee}${denom}`, {
        fee: String(m.fee.amount),
        minimum: String(minUseFee),
      })
    const balance = ctx.keeper(BANK).balance(signer.addressBytes, denom)
    if (balance < m.fee.amount)
      throw lineageError('INSUFFICIENT_FUNDS', `${signer.address} holds ${balance}${denom}, less than ${m.fee.amount}${denom}`, {
        balance: String(balance),
      })
    useModel(ctx, signer.addressBytes, v, m.fee.amount, denom, m.purpose)
  },
}

/** Pays `to` what `contributor` is owed across its versions; NOTHING_TO_WITHDRAW when that is 0. */
function withdraw(ctx: Context, contributor: Contributor, to: Uint8Array): bigint {
  const books = new LineageBooks(ctx.moduleStore())
  const versions = [...books.creditedIn(contributor)].length
  const amount = settle(books, contributor)
  if (amount === 0n) throw lineageError('NOTHING_TO_WITHDRAW', 'nothing is owed', { versions })
  const denom = ctx.keeper(STAKING).bondDenom()
  ctx.keeper(BANK).sendFromModule(LINEAGE_ACCOUNT, to, [{ denom, amount }])
  const totals = books.totals()
  books.setTotals({ ...totals, withdrawn: totals.withdrawn + amount })
  emitAttributionWithdrawn(ctx, contributor, to, amount, versions)
  return amount
}

/** MsgWithdrawAttribution: everything the signer is owed, in every version it is credited in. */
const withdrawAttribution: MessageHandler<MsgWithdrawAttributionValue> = {
  type: MsgWithdrawAttribution,
  handle(ctx, _m, signer) {
    withdraw(ctx, { kind: 'account', address: signer.addressBytes }, signer.addressBytes)
  },
}

/** MsgWithdrawTreasury: subnet `subnet`'s treasury entitlement to its admin. UNKNOWN_SUBNET, NOT_SUBNET_ADMIN, NOTHING_TO_WITHDRAW. */
const withdrawTreasury: MessageHandler<MsgWithdrawTreasuryValue> = {
  type: MsgWithdrawTreasury,
  handle(ctx, m, signer) {
    const subnet = ctx.keeper(SUBNETS).subnet(m.subnet)
    if (subnet === undefined) throw lineageError('UNKNOWN_SUBNET', `no subnet ${m.subnet}`, { subnet: String(m.subnet) })
    if (!Buffer.from(subnet.admin).equals(Buffer.from(signer.addressBytes))) {
      throw lineageError('NOT_SUBNET_ADMIN', `${signer.address} is not the admin of subnet ${m.subnet}`, { subnet: String(m.subnet) })
    }
    withdraw(ctx, { kind: 'treasury', subnet: m.subnet }, signer.addressBytes)
  },
}

export const lineageMessages: MessageHandler[] = [forkModel, useModelHandler, withdrawAttribution, withdrawTreasury]

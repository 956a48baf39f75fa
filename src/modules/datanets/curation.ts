import { appendToFrontier } from '../../crypto/index.js'
import type { Context, Dec } from '../../state/index.js'
import type { DatanetsBooks } from './books.js'
import { emitRecordAccepted, emitRecordRejected } from './events.js'
import { BANK, STAKING } from './expected-keepers.js'
import { DATANETS_ACCOUNT } from './keys.js'
import { recordLeafHash } from './leaves.js'
import type { DatanetRecordValue, DatanetValue } from './messages.js'
import { QUALITY_UNIT, type RecordStatus } from './views.js'

/**
 * The curation rule (DESIGN §7): k of a Datanet's n curators accept a record; it is rejected as
 * soon as k approvals can no longer come, i.e. when rejections exceed n − k. Each curator votes
 * once, so the two are never both reached.
 */
export function decision(curators: number, approvalsNeeded: number, approvals: number, rejections: number): RecordStatus {
  if (approvals >= approvalsNeeded) return 'accepted'
  if (rejections > curators - approvalsNeeded) return 'rejected'
  return 'pending'
}

/** An accepted record's weight: QUALITY_UNIT × approvals / (approvals + rejections), truncated (integers: exact). */
export function qualityOf(approvals: number, rejections: number): number {
  return Number((BigInt(QUALITY_UNIT) * BigInt(approvals)) / BigInt(approvals + rejections))
}

/** What a rejection keeps of a bond for the Datanet's treasury: ⌊bond × fraction⌋; the rest goes back. */
export const rejectSlash = (bond: bigint, fraction: Dec): bigint => fraction.mulInt(bond).truncate()

/**
 * Settles a record the last vote decided: accepted, the bond goes back, the record takes the next
 * acceptance index and its leaf joins the Datanet's frontier; rejected, ⌊bond × fraction⌋ stays
 * in the account as the Datanet's treasury and the rest goes back. No coin is minted or burned.
 */
export function settle(
  ctx: Context,
  books: DatanetsBooks,
  datanet: DatanetValue,
  record: DatanetRecordValue,
  status: 'accepted' | 'rejected',
): void {
  const height = BigInt(ctx.block.height)
  const bank = ctx.keeper(BANK)
  const denom = ctx.keeper(STAKING).bondDenom()
  if (status === 'accepted') {
    const index = datanet.accepted
    const accepted: DatanetRecordValue = {
      ...record,
      status,
      quality: qualityOf(record.approvals, record.rejections),
      acceptanceIndex: index,
      decidedHeight: height,
    }
    if (accepted.bond > 0n) bank.sendFromModule(DATANETS_ACCOUNT, accepted.contributor, [{ denom, amount: accepted.bond }])
    books.setRecord(accepted)
    books.setAcceptedAt(datanet.id, index, accepted.record)
    books.setDatanet({ ...datanet, accepted: index + 1n, frontier: appendToFrontier(datanet.frontier, index, recordLeafHash(accepted)) })
    emitRecordAccepted(ctx, accepted)
    return
  }
  const slashed = rejectSlash(record.bond, datanet.rejectSlashFraction)
  const rejected: DatanetRecordValue = { ...record, status, slashed, decidedHeight: height }
  if (record.bond > slashed) bank.sendFromModule(DATANETS_ACCOUNT, record.contributor, [{ denom, amount: record.bond - slashed }])
  books.setRecord(rejected)
  books.setDatanet({ ...datanet, treasury: datanet.treasury + slashed })
  emitRecordRejected(ctx, rejected)
}

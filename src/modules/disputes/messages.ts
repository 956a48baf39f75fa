// Message and stored types only (codec, nothing else): clients build MsgOpenDispute from this file.
import { t, type StructValue } from '../../codec/index.js'
import { Coin } from '../bank/messages.js'

const address = t.fixedBytes(20)
const cid = t.string({ max: 128 })

/**
 * The claims a dispute may make.
 * - `wrong_rejection` (checkable): the target aggregator's aggregate, which training rejected
 *   (WRONG_AGGREGATE) and slashed, was in fact right. The chain re-runs training's check and
 *   decides in the same tx.
 * - `wrong_verdict` (judged): the target trainer's update, which training judged a free-rider's
 *   (DUPLICATE_CONTENT, ZERO_UPDATE, NEAR_COPY) and slashed, was honest. This opens a text-only
 *   subnet-scope proposal; the subnet's bonded members vote, and the dispute settles when it ends.
 * Other kinds named by issue 24 (an accepted aggregate believed wrong, mis-scoring) are refused
 * with CLAIM_NOT_ALLOWED (docs/governance.md).
 */
export const DISPUTE_CLAIMS = ['wrong_rejection', 'wrong_verdict'] as const
export type DisputeClaim = (typeof DISPUTE_CLAIMS)[number]
export const DISPUTE_STATUSES = ['open', 'upheld', 'dismissed'] as const
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number]

/** Most blobs one dispute declares: a round's updates (training's MAX_INCLUDED), its base model, the disputed aggregate and model. */
export const MAX_EVIDENCE = 1024 + 3

/**
 * A dispute of the slash `target` took in round `round` of subnet `subnet`. `bond` is escrowed in
 * the disputes account (in the bond denomination, ≥ min_bond). `evidence`: the blobs the
 * recomputation reads, which the block's proposer must hold (MessageHandler.blobs): for
 * `wrong_rejection`, the round's base model, each of its updates and the rejected aggregate's
 * result and model; none for `wrong_verdict`.
 */
export const MsgOpenDispute = t.struct('disputes/MsgOpenDispute', 3001, 1, {
  subnet: t.u64,
  round: t.u64,
  target: address,
  claim: t.string({ max: 32 }),
  bond: Coin,
  evidence: t.array(cid, { max: MAX_EVIDENCE }),
})

/**
 * A dispute on record. `refunded`: the slash minted back to the target when upheld (0 otherwise);
 * `burned`: the bond burned when dismissed (0 otherwise); `resolvedHeight` 0 while open.
 */
export const Dispute = t.struct('disputes/Dispute', 3002, 1, {
  id: t.u64,
  subnet: t.u64,
  round: t.u64,
  target: address,
  claim: t.string({ max: 32 }),
  disputer: address,
  bond: t.uint(),
  status: t.string({ max: 16 }),
  slashed: t.uint(),
  refunded: t.uint(),
  burned: t.uint(),
  openedHeight: t.u64,
  resolvedHeight: t.u64,
  /** The subnet-scope proposal that judges a `wrong_verdict` dispute (none for a checkable claim). */
  proposal: t.optional(t.u64),
})

/** The module's running books: the next dispute id, Σ bonds burned, Σ slashes refunded (minted back: supply's refunds term). */
export const DisputeTotals = t.struct('disputes/Totals', 3003, 1, {
  nextId: t.u64,
  burned: t.uint(),
  refunded: t.uint(),
})

export type MsgOpenDisputeValue = StructValue<typeof MsgOpenDispute.fields>
export type DisputeValue = StructValue<typeof Dispute.fields>
export type DisputeTotalsValue = StructValue<typeof DisputeTotals.fields>

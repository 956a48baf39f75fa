import { encodeAddress } from '../../crypto/index.js'
import { type Context, type MessageHandler, readParams } from '../../state/index.js'
import { DisputesBooks } from './books.js'
import { disputesError } from './errors.js'
import { emitDisputeOpened, emitDisputeResolved } from './events.js'
import { BANK, GOV, STAKING, SUBNETS, TRAINING } from './expected-keepers.js'
import { DISPUTES_ACCOUNT } from './keys.js'
import { DISPUTE_CLAIMS, type DisputeValue, MsgOpenDispute, type MsgOpenDisputeValue } from './messages.js'
import { disputesParams } from './params.js'
import { rejectionEvidence } from './recheck.js'

/**
 * MsgOpenDispute. Refusals (the tx fails, nothing changes), in this order: CLAIM_NOT_ALLOWED
 * (a kind outside DISPUTE_CLAIMS), UNKNOWN_SUBNET, UNKNOWN_ROUND, BAD_DENOM, BOND_TOO_SMALL
 * (< min_bond), UNKNOWN_TARGET (no wrong-aggregate verdict, or for `wrong_verdict` no free-rider
 * verdict, on the target in that round), DUPLICATE_DISPUTE (that slash already
 * has a dispute), OUT_OF_WINDOW (the block is past the slash's height + window_blocks),
 * EVIDENCE_MISSING (checkable: a blob the recomputation reads is not in `evidence`),
 * INSUFFICIENT_FUNDS, then CLAIM_NOT_ALLOWED (checkable: a secure-aggregation round, which
 * training's check cannot re-run; judged: a subnet not under governance) and gov's
 * INSUFFICIENT_FUNDS (judged: the disputer cannot pay the scoped proposal's deposit).
 *
 * Then the bond is escrowed in the disputes account. A `wrong_verdict` dispute opens a text-only
 * subnet-scope proposal (gov's openScopedText; the disputer pays its deposit) and waits for it
 * (settleJudged). A `wrong_rejection` dispute is decided in the same tx by training's own
 * aggregate check (TrainingKeeper.aggregateMatches, gas as MsgSubmitAggregate's):
 * - upheld (the rejected aggregate recomputes to what it named, or the proposal passed): the slash is minted back to the
 *   target's account (totals.refunded, the supply's refunds term) and the bond returned.
 * - dismissed: the bond is burned (totals.burned), never paid to the accused, so a dispute is no
 *   way to pay someone.
 */
const openDispute: MessageHandler<MsgOpenDisputeValue> = {
  type: MsgOpenDispute,
  blobs: (m) => m.evidence,
  handle(ctx, m, signer) {
    // checked here, not in validate: a stateless refusal answers tx INVALID_MESSAGE, and clients switch on this code
    if (!(DISPUTE_CLAIMS as readonly string[]).includes(m.claim))
      throw disputesError('CLAIM_NOT_ALLOWED', `claim ${m.claim} is not one of ${DISPUTE_CLAIMS.join(', ')}`, { claim: m.claim })
    const at = { subnet: String(m.subnet), round: String(m.round) }
    const subnet = ctx.keeper(SUBNETS).subnet(m.subnet)
    if (subnet === undefined) throw disputesError('UNKNOWN_SUBNET', `no subnet ${m.subnet}`, at)
    const training = ctx.keeper(TRAINING)
    const round = training.round(m.subnet, m.round)
    if (round === undefined) throw disputesError('UNKNOWN_ROUND', `subnet ${m.subnet} has no round ${m.round}`, at)
    const denom = ctx.keeper(STAKING).bondDenom()
    if (m.bond.denom !== denom)
      throw disputesError('BAD_DENOM', `bonds are in ${denom}, not ${m.bond.denom.slice(0, 64)}`, { denom: m.bond.denom.slice(0, 64) })
    const params = readParams(ctx.moduleStore(), disputesParams)
    if (m.bond.amount < params.minBond)
      throw disputesError('BOND_TOO_SMALL', `a dispute escrows at least ${params.minBond}${denom}`, {
        bond: String(m.bond.amount),
        minimum: String(params.minBond),
      })
    const target = encodeAddress(m.target)
    const checkable = m.claim === 'wrong_rejection'
    const rejection = checkable ? training.aggregateRejection(m.subnet, m.round, m.target) : undefined
    const verdict = checkable
      ? undefined
      : training.rejectedUpdates(m.subnet, m.round).find((r) => Buffer.from(r.trainer).equals(Buffer.from(m.target)))
    const slash = rejection ?? verdict
    if (slash === undefined)
      throw disputesError(
        'UNKNOWN_TARGET',
        `${target} has no ${checkable ? 'rejected aggregate' : 'free-rider verdict'} in round ${m.round} of subnet ${m.subnet}`,
        at,
      )
    const books = new DisputesBooks(ctx.moduleStore())
    const existing = books.disputeOf(m.subnet, m.round, m.target)
    if (existing !== undefined)
      throw disputesError('DUPLICATE_DISPUTE', `the slash of ${target} in round ${m.round} is dispute ${existing.id}`, {
        id: String(existing.id),
      })
    const closes = slash.height + BigInt(params.windowBlocks)
    if (BigInt(ctx.block.height) > closes)
      throw disputesError('OUT_OF_WINDOW', `the slash at height ${slash.height} could be disputed until height ${closes}`, {
        slashed_at: String(slash.height),
        window_end: String(closes),
      })
    if (rejection !== undefined) {
      const declared = new Set(m.evidence)
      const missing = rejectionEvidence(round, training.updates(m.subnet, m.round), rejection).filter((cid) => !declared.has(cid))
      if (missing.length > 0)
        throw disputesError('EVIDENCE_MISSING', `the recomputation reads ${missing.length} blobs the dispute does not declare`, {
          missing: missing[0],
        })
    }
    const bank = ctx.keeper(BANK)
    const balance = bank.balance(signer.addressBytes, denom)
    if (balance < m.bond.amount)
      throw disputesError('INSUFFICIENT_FUNDS', `${signer.address} holds ${balance}${denom}, less than ${m.bond.amount}${denom}`, {
        balance: String(balance),
      })

    bank.sendToModule(signer.addressBytes, DISPUTES_ACCOUNT, [{ denom, amount: m.bond.amount }])
    const totals = books.totals()
    const opened: DisputeValue = {
      id: totals.nextId,
      subnet: m.subnet,
      round: m.round,
      target: m.target,
      claim: m.claim,
      disputer: signer.addressBytes,
      bond: m.bond.amount,
      status: 'open',
      slashed: slash.slashed,
      refunded: 0n,
      burned: 0n,
      openedHeight: BigInt(ctx.block.height),
      resolvedHeight: 0n,
      proposal: null,
    }
    books.setTotals({ ...totals, nextId: totals.nextId + 1n })
    if (rejection === undefined) {
      // judged: the subnet's members vote a text proposal; endBlock settles the dispute when it ends
      const proposal = ctx
        .keeper(GOV)
        .openScopedText(
          m.subnet,
          signer.addressBytes,
          `Dispute ${opened.id}: the free-rider verdict on ${target} in round ${m.round}`.slice(0, 140),
          `Dispute ${opened.id} (disputes module) claims that ${target}'s update in round ${m.round} of subnet ${m.subnet} was honest and its slash of ${slash.slashed}${denom} wrong. Yes upholds it (the slash is refunded, the bond returned); any other outcome dismisses it (the bond of ${m.bond.amount}${denom} is burned).`,
        )
      if (proposal === undefined)
        throw disputesError(
          'CLAIM_NOT_ALLOWED',
          `subnet ${m.subnet} has not opted into governance: nobody can judge a ${m.claim} claim`,
          at,
        )
      const judged = { ...opened, proposal }
      books.setDispute(judged)
      emitDisputeOpened(ctx, judged)
      return
    }
    emitDisputeOpened(ctx, opened)
    // training's own MsgSubmitAggregate check, on the blobs this message declared
    const right = training.aggregateMatches(m.subnet, m.round, rejection.resultCid, rejection.newGlobalCid)
    if (right === undefined)
      throw disputesError('CLAIM_NOT_ALLOWED', `round ${m.round} of subnet ${m.subnet} cannot be re-checked (secure aggregation)`, at)
    resolve(ctx, books, opened, right, denom)
  },
}

/**
 * End-block: each open (judged) dispute whose proposal has ended settles — passed upholds it,
 * rejected or failed dismisses it. Disputes' end-block runs before gov's, so a proposal tallied in
 * block h settles its dispute in block h + 1. Polling keeps gov's tally free of disputes; the
 * open index bounds the work to the disputes still waiting.
 */
export function settleJudged(ctx: Context): void {
  const books = new DisputesBooks(ctx.moduleStore())
  const gov = ctx.keeper(GOV)
  const denom = ctx.keeper(STAKING).bondDenom()
  for (const id of books.openIds()) {
    const d = books.dispute(id)!
    const status = d.proposal === null ? undefined : gov.scopedProposal(d.proposal)?.status
    if (status === undefined || status === 'voting_period') continue
    resolve(ctx, books, d, status === 'passed', denom)
  }
}

/** Settles an open dispute: upheld refunds the slash (minted) and returns the bond; dismissed burns the bond. */
export function resolve(ctx: Context, books: DisputesBooks, d: DisputeValue, upheld: boolean, denom: string): DisputeValue {
  const bank = ctx.keeper(BANK)
  const totals = books.totals()
  let resolved: DisputeValue
  if (upheld) {
    if (d.slashed > 0n) {
      bank.mint(DISPUTES_ACCOUNT, [{ denom, amount: d.slashed }])
      bank.sendFromModule(DISPUTES_ACCOUNT, d.target, [{ denom, amount: d.slashed }])
    }
    bank.sendFromModule(DISPUTES_ACCOUNT, d.disputer, [{ denom, amount: d.bond }])
    resolved = { ...d, status: 'upheld', refunded: d.slashed, resolvedHeight: BigInt(ctx.block.height) }
    books.setTotals({ ...totals, refunded: totals.refunded + d.slashed })
  } else {
    bank.burn(DISPUTES_ACCOUNT, [{ denom, amount: d.bond }])
    resolved = { ...d, status: 'dismissed', burned: d.bond, resolvedHeight: BigInt(ctx.block.height) }
    books.setTotals({ ...totals, burned: totals.burned + d.bond })
  }
  books.setDispute(resolved)
  emitDisputeResolved(ctx, resolved)
  return resolved
}

export const disputesMessages: MessageHandler[] = [openDispute]

/**
 * Reputation's queries (plain JSON in and out; subnets, rounds, heights and amounts as decimal
 * strings, shares and reputations as decimal text in [0, 1]; `subnet` and `round` params as
 * decimal strings or safe integers, `trainer` and `validator` as fedra1… addresses). The RPC
 * layer maps `reputation_*` and `contribution_*` onto these; keys.ts receiptStateKey gives the
 * state key `contribution_getProof` proves.
 *
 *   params       {}                          → ParamsJson (params.ts)
 *   reputation   { subnet, trainer }         → ReputationJson
 *   reputations  { subnet }                  → { reputations: ReputationJson[] }  (trainer-address order; scored trainers only)
 *   history      { subnet, trainer }         → { history: HistoryJson[] }         (round order)
 *   receipt      { subnet, round, trainer }  → ReceiptJson                        (UNKNOWN_RECEIPT)
 *   receipts     { subnet, round }           → { receipts: ReceiptJson[] }        (trainer-address order; [] before the round closes)
 *   commitments  { subnet, round }           → { commit_start_height, reveal_start_height, reveal_end_height,
 *                                                commitments: CommitmentJson[] }  (validator-address order)
 *                                                (UNKNOWN_ROUND when training has no such round)
 *   standings    { subnet }                  → { standings: StandingJson[] }      (validator-address order)
 *
 *   ReputationJson = { subnet, trainer, reputation, rounds (number scored), last_round: string | null }
 *                    (a trainer never scored: the initial reputation, rounds 0, last_round null)
 *   HistoryJson    = { round, version, consensus_score, reputation_after, scored }
 *   ReceiptJson    = { subnet, round, trainer, version, update_cid, weight (number), consensus_score,
 *                      reputation_after, scored, reward, slashed, settled_height (the block that settled it) }
 *   CommitmentJson = { validator, commitment (hex), status: 'committed' | 'revealed' | 'mismatched' |
 *                      'no_show' | 'excluded', committed_height, revealed_height: string | null,
 *                      scores: number[] (the version's trainer order; [] unless revealed),
 *                      stake, trust, dividend (after the round closes; 0 before) }
 *   StandingJson   = { validator, standing, no_shows, reveals (numbers), last_round }
 */
import { decodeAddress, encodeAddress } from '../../crypto/index.js'
import { type Context, type QueryHandler, readParams } from '../../state/index.js'
import { type CommitView, ReputationBooks, type StandingView } from './books.js'
import { reputationError } from './errors.js'
import { TRAINING } from './expected-keepers.js'
import { type ReceiptValue, scoreWindows } from './messages.js'
import { reputationParams } from './params.js'

export const receiptJson = (r: ReceiptValue) => ({
  subnet: String(r.subnet),
  round: String(r.round),
  trainer: encodeAddress(r.trainer),
  version: String(r.version),
  update_cid: r.updateCid,
  weight: r.weight,
  consensus_score: r.consensusScore.toString(),
  reputation_after: r.reputationAfter.toString(),
  scored: r.scored,
  reward: String(r.reward),
  slashed: String(r.slashed),
  settled_height: String(r.height),
})

export const commitmentJson = (c: CommitView) => ({
  validator: encodeAddress(c.validator),
  commitment: Buffer.from(c.record.commitment).toString('hex'),
  status: c.record.status,
  committed_height: String(c.record.committedHeight),
  revealed_height: c.record.revealedHeight === null ? null : String(c.record.revealedHeight),
  scores: c.record.scores,
  stake: String(c.record.stake),
  trust: c.record.trust.toString(),
  dividend: c.record.dividend.toString(),
})

export const standingJson = (s: StandingView) => ({
  validator: encodeAddress(s.validator),
  standing: s.standing.toString(),
  no_shows: s.noShows,
  reveals: s.reveals,
  last_round: String(s.lastRound),
})

/** A u64 from a query: a decimal string or a safe integer; else INVALID_QUERY. */
export function u64Param(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value)
  throw reputationError('INVALID_QUERY', `${field} must be a decimal integer string`, { [field]: String(value).slice(0, 40) })
}

export function addressParam(value: unknown, field: string): Uint8Array {
  try {
    if (typeof value === 'string') return decodeAddress(value)
  } catch {
    // falls through to the typed error
  }
  throw reputationError('INVALID_QUERY', `${field} must be a fedra1… address`, { [field]: String(value).slice(0, 90) })
}

const booksOf = (ctx: Context) => new ReputationBooks(ctx.moduleStore())

function reputationJson(ctx: Context, subnet: bigint, trainer: Uint8Array) {
  const record = booksOf(ctx).reputation(subnet, trainer)
  const value = record?.value ?? readParams(ctx.moduleStore(), reputationParams).initialReputation
  return {
    subnet: String(subnet),
    trainer: encodeAddress(trainer),
    reputation: value.toString(),
    rounds: record?.rounds ?? 0,
    last_round: record === undefined ? null : String(record.lastRound),
  }
}

export const reputationQueries: Record<string, QueryHandler> = {
  params: (ctx) => reputationParams.toJson(readParams(ctx.moduleStore(), reputationParams)),
  reputation: (ctx, p) => reputationJson(ctx, u64Param(p.subnet, 'subnet'), addressParam(p.trainer, 'trainer')),
  reputations(ctx, p) {
    const subnet = u64Param(p.subnet, 'subnet')
    return { reputations: [...booksOf(ctx).reputations(subnet)].map((r) => reputationJson(ctx, subnet, r.trainer)) }
  },
  history(ctx, p) {
    const history = booksOf(ctx).history(u64Param(p.subnet, 'subnet'), addressParam(p.trainer, 'trainer'))
    return {
      history: history.map((r) => ({
        round: String(r.round),
        version: String(r.version),
        consensus_score: r.consensusScore.toString(),
        reputation_after: r.reputationAfter.toString(),
        scored: r.scored,
      })),
    }
  },
  receipt(ctx, p) {
    const subnet = u64Param(p.subnet, 'subnet')
    const round = u64Param(p.round, 'round')
    const receipt = booksOf(ctx).receipt(subnet, round, addressParam(p.trainer, 'trainer'))
    if (receipt === undefined)
      throw reputationError('UNKNOWN_RECEIPT', `no receipt of round ${round} of subnet ${subnet} for ${String(p.trainer)}`, {
        subnet: String(subnet),
        round: String(round),
      })
    return receiptJson(receipt)
  },
  receipts: (ctx, p) => ({ receipts: booksOf(ctx).receipts(u64Param(p.subnet, 'subnet'), u64Param(p.round, 'round')).map(receiptJson) }),
  commitments(ctx, p) {
    const subnet = u64Param(p.subnet, 'subnet')
    const number = u64Param(p.round, 'round')
    const round = ctx.keeper(TRAINING).round(subnet, number)
    if (round === undefined)
      throw reputationError('UNKNOWN_ROUND', `training has no round ${number} of subnet ${subnet}`, {
        subnet: String(subnet),
        round: String(number),
      })
    const windows = scoreWindows(round)
    return {
      commit_start_height: String(windows.commitStart),
      reveal_start_height: String(windows.revealStart),
      reveal_end_height: String(windows.revealEnd),
      commitments: booksOf(ctx).commits(subnet, number).map(commitmentJson),
    }
  },
  standings: (ctx, p) => ({ standings: [...booksOf(ctx).standings(u64Param(p.subnet, 'subnet'))].map(standingJson) }),
}

import { encodeAddress } from '../../crypto/index.js'
import { type Context, Dec } from '../../state/index.js'
import { TrainingBooks } from './books.js'
import { trainingError } from './errors.js'
import { SHARE_KINDS, SecAggBooks } from './secagg-books.js'
import { isSecAggRound, rosterGraph } from './secagg-handler.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

function revealsOf(books: SecAggBooks, subnet: bigint, round: bigint, member: Uint8Array) {
  const [key, self] = SHARE_KINDS.map((kind) =>
    books.revealedOf(subnet, round, member, kind).map((r) => ({ holder: encodeAddress(r.holder), kind, share: hex(r.share) })),
  )
  return { revealed_key: key!.length, revealed_self: self!.length, reveals: [...key!, ...self!] }
}

/**
 * The `secaggRound { subnet, round }` query: what a trainer, holder or aggregator of a secagg round
 * needs from the chain, and its group-level contribution record. For a round of another rule,
 * `roster` is null. Otherwise (roster null until the first setup):
 *
 *   { rule, round_id (hex), setup_end_height, degree, threshold,
 *     roster: [{ trainer, index, status: 'survivor' | 'dropped' | 'absent' | 'pending',
 *                round_key (hex) | null, self_commitment (hex) | null,
 *                shares: [{ holder, ciphertext, commitment, self_commitment }] (hex),
 *                weight (the capped sample count of a recorded update, else 0),
 *                contribution (Dec: weight / Σ weights of the round's survivors),
 *                revealed_key, revealed_self (its shares of each kind revealed so far),
 *                reveals: [{ holder, kind: 'key' | 'self', share (hex) }] }] }
 *
 * status: survivor = set up and its masked update recorded; pending = set up, no update yet, the
 * submit window still open; dropped = set up, no update, the window closed (its holders reveal);
 * absent = never set up (no masks with it). Holders reveal key shares of dropped members and self
 * shares of survivors. `reveals` carries the shares themselves, so daemons rebuild secrets from
 * this query rather than from the store's layout. Once the round closes its dealt shares and
 * reveals are gone from state (SecAggBooks.compactRound): `shares` and `reveals` are [], the
 * counts 0, statuses stay.
 */
export function secAggRoundJson(ctx: Context, subnet: bigint, number: bigint) {
  const training = new TrainingBooks(ctx.moduleStore())
  const round = training.round(subnet, number)
  if (round === undefined) throw trainingError('UNKNOWN_ROUND', `subnet ${subnet} has no round ${number}`, { subnet: String(subnet) })
  if (!isSecAggRound(round))
    return { rule: round.rule, round_id: null, setup_end_height: null, degree: null, threshold: null, roster: null }
  const books = new SecAggBooks(ctx.moduleStore())
  const roster = books.roster(subnet, number)
  if (roster === undefined) return { rule: round.rule, round_id: null, setup_end_height: null, degree: null, threshold: null, roster: null }
  const graph = rosterGraph(roster)
  const updates = new Map(training.updates(subnet, number).map((u) => [hex(u.trainer), u.weight]))
  const total = [...updates.values()].reduce((a, b) => a + b, 0)
  const submitOpen = BigInt(ctx.block.height) < round.submitEnd && !round.closed
  return {
    rule: round.rule,
    round_id: hex(roster.roundId),
    setup_end_height: String(roster.setupEnd),
    degree: graph.degree,
    threshold: graph.threshold,
    roster: roster.members.map((member, index) => {
      const setup = books.setup(subnet, number, member)
      const weight = updates.get(hex(member)) ?? 0
      const status = setup === undefined ? 'absent' : weight > 0 ? 'survivor' : submitOpen ? 'pending' : 'dropped'
      return {
        trainer: encodeAddress(member),
        index,
        status,
        round_key: setup === undefined ? null : hex(setup.roundKey),
        self_commitment: setup === undefined ? null : hex(setup.selfCommitment),
        shares: (setup?.shares ?? []).map((s) => ({
          holder: encodeAddress(s.holder),
          ciphertext: hex(s.ciphertext),
          commitment: hex(s.commitment),
          self_commitment: hex(s.selfCommitment),
        })),
        weight,
        contribution:
          weight === 0
            ? '0'
            : Dec.fromInt(BigInt(weight))
                .quo(Dec.fromInt(BigInt(total)))
                .toString(),
        ...revealsOf(books, subnet, number, member),
      }
    }),
  }
}

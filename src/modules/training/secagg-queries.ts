import { encodeAddress } from '../../crypto/index.js'
import { type Context, Dec } from '../../state/index.js'
import { TrainingBooks } from './books.js'
import { trainingError } from './errors.js'
import { SecAggBooks } from './secagg-books.js'
import { isSecAggRound, rosterGraph } from './secagg-handler.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/**
 * The `secaggRound { subnet, round }` query: what a trainer, holder or aggregator of a secagg round
 * needs from the chain, and its group-level contribution record. For a round of another rule,
 * `roster` is null. Otherwise (roster null until the first setup):
 *
 *   { rule, round_id (hex), setup_end_height, degree, threshold,
 *     roster: [{ trainer, index, status: 'survivor' | 'dropped' | 'absent' | 'pending',
 *                round_key (hex) | null, shares: [{ holder, ciphertext, commitment }] (hex),
 *                weight (the capped sample count of a recorded update, else 0),
 *                contribution (Dec: weight / Σ weights of the round's survivors),
 *                revealed (shares of it revealed so far) }] }
 *
 * status: survivor = set up and its masked update recorded; pending = set up, no update yet, the
 * submit window still open; dropped = set up, no update, the window closed (its holders reveal);
 * absent = never set up (no masks with it). Once the round closes its dealt shares and reveals
 * are gone from state (SecAggBooks.compactRound): `shares` is [] and `revealed` 0, statuses stay.
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
        shares: (setup?.shares ?? []).map((s) => ({
          holder: encodeAddress(s.holder),
          ciphertext: hex(s.ciphertext),
          commitment: hex(s.commitment),
        })),
        weight,
        contribution:
          weight === 0
            ? '0'
            : Dec.fromInt(BigInt(weight))
                .quo(Dec.fromInt(BigInt(total)))
                .toString(),
        revealed: books.revealedOf(subnet, number, member).length,
      }
    }),
  }
}

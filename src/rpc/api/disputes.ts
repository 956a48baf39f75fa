/**
 * dispute_*: the disputes module's queries (src/modules/disputes/queries.ts) on the latest
 * committed state, each answer with the `height` it was read at: a dispute of a slash (its claim,
 * bond, status and what moved when it was resolved) and a subnet's disputes. Ids, heights and
 * amounts are decimal strings.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const

const disputeShape = {
  id: s.decimal(),
  subnet: s.decimal(),
  round: s.decimal(),
  target: Account,
  claim: s.enum(['wrong_rejection', 'wrong_verdict'] as const),
  disputer: Account,
  bond: s.decimal('escrowed, units of the bond denomination'),
  status: s.enum(['open', 'upheld', 'dismissed'] as const),
  slashed: s.decimal('what the disputed slash took'),
  refunded: s.decimal('the slash minted back to the target (upheld)'),
  burned: s.decimal('the bond burned (dismissed)'),
  opened_height: s.decimal(),
  resolved_height: s.decimal('0 while open'),
  proposal: s.nullable(s.decimal('the subnet-scope proposal judging a wrong_verdict dispute')),
}
export const DisputeJson = s.named('Dispute', s.object(disputeShape), 'a dispute of a slash')

export const disputeGet = defineMethod({
  name: 'dispute_get',
  summary: 'A dispute by id: the slash it disputes (subnet, round, target), its claim and bond, and how it was resolved.',
  description: 'QUERY_FAILED { codespace: disputes, code: UNKNOWN_DISPUTE } when there is none.',
  params: { id: s.decimal('dispute id') },
  result: s.object({ height, ...disputeShape }),
  errors: QF,
})

export const disputeList = defineMethod({
  name: 'dispute_list',
  summary: "A subnet's disputes, by id.",
  params: { subnet: s.decimal('subnet id') },
  result: s.object({ height, disputes: s.array(DisputeJson) }),
  errors: QF,
})

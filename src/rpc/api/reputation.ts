/**
 * reputation_* and contribution_*: the reputation module's queries
 * (src/modules/reputation/queries.ts) on the latest committed state with the `height` read at,
 * and `contribution_getProof`: a trainer's receipt of a scored round with its Merkle proof
 * against a header's state root — the proof of contribution a client checks itself
 * (FedraClient.verifiedContribution, `fedra query contribution … --verify`).
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { ProofJson, height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const QF = ['QUERY_FAILED'] as const
const Id = (what: string) => s.decimal(what)
const Share = s.describe(DecText, 'a decimal in [0, 1]')

const reputationShape = {
  subnet: s.decimal(),
  trainer: Account,
  reputation: Share,
  rounds: s.integer({ min: 0, description: 'rounds scored' }),
  last_round: s.nullable(s.decimal()),
}
export const ReputationJson = s.named(
  'Reputation',
  s.object(reputationShape),
  "a trainer's reputation in a subnet: an EMA of its normalised consensus scores",
)

const receiptShape = {
  subnet: s.decimal(),
  round: s.decimal(),
  trainer: Account,
  version: s.decimal('the model version the update went into'),
  update_cid: s.string(),
  weight: s.integer({ min: 0, description: 'the capped sample count the update weighed' }),
  consensus_score: s.describe(DecText, "Yuma's consensus score: the trainer's share of the round, in [0, 1]"),
  reputation_after: Share,
  scored: s.boolean('false when no validator revealed scores for the round (score 0, reputation unchanged)'),
  reward: s.decimal('paid to the trainer for the round (the rewards module)'),
  slashed: s.decimal('taken from its subnet bond for the round'),
  settled_height: s.decimal('the block that settled the round'),
}
export const ReceiptJson = s.named('ContributionReceipt', s.object(receiptShape), "a trainer's proof of contribution for one round")

const CommitmentJson = s.named(
  'ScoreCommitment',
  s.object({
    validator: s.describe(Account, "the validator's operator account"),
    commitment: s.hex({ bytes: 32 }),
    status: s.enum(['committed', 'revealed', 'mismatched', 'no_show', 'excluded'] as const),
    committed_height: s.decimal(),
    revealed_height: s.nullable(s.decimal()),
    scores: s.array(s.integer({ min: 0 }), { description: "the revealed scores, in the version's trainer order ([] unless revealed)" }),
    stake: s.decimal(),
    trust: DecText,
    dividend: DecText,
  }),
)

export const reputationParams = defineMethod({
  name: 'reputation_params',
  summary: "The reputation module's parameters (Yuma's κ, bond EMA, reputation EMA…).",
  params: {},
  result: s.object({
    height,
    kappa: DecText,
    bond_moving_average: DecText,
    reputation_alpha: DecText,
    initial_reputation: DecText,
    standing_decay: DecText,
  }),
  errors: QF,
})

export const reputationGet = defineMethod({
  name: 'reputation_get',
  summary: "A trainer's reputation in a subnet (the initial reputation before it is first scored).",
  params: { subnet: Id('subnet id'), trainer: Account },
  result: s.object({ height, ...reputationShape }),
  errors: QF,
})

export const reputationList = defineMethod({
  name: 'reputation_list',
  summary: "Every scored trainer's reputation in a subnet, in address order.",
  params: { subnet: Id('subnet id') },
  result: s.object({ height, reputations: s.array(ReputationJson) }),
  errors: QF,
})

export const reputationHistory = defineMethod({
  name: 'reputation_history',
  summary: "A trainer's consensus score and reputation after each scored round, in round order.",
  params: { subnet: Id('subnet id'), trainer: Account },
  result: s.object({
    height,
    history: s.array(
      s.object({ round: s.decimal(), version: s.decimal(), consensus_score: DecText, reputation_after: Share, scored: s.boolean() }),
    ),
  }),
  errors: QF,
})

export const reputationCommitments = defineMethod({
  name: 'reputation_commitments',
  summary: "A round's score window (commit, then reveal) and every validator's commitment and verdict.",
  description: 'QUERY_FAILED { codespace: reputation, code: UNKNOWN_ROUND } when training has no such round.',
  params: { subnet: Id('subnet id'), round: Id('round number') },
  result: s.object({
    height,
    commit_start_height: s.decimal(),
    reveal_start_height: s.decimal(),
    reveal_end_height: s.decimal(),
    commitments: s.array(CommitmentJson),
  }),
  errors: QF,
})

export const reputationStandings = defineMethod({
  name: 'reputation_standings',
  summary: "Validators' standing as scorers of a subnet (no-shows lower it, reveals restore it).",
  params: { subnet: Id('subnet id') },
  result: s.object({
    height,
    standings: s.array(
      s.object({
        validator: s.describe(Account, "the validator's operator account"),
        standing: DecText,
        no_shows: s.integer({ min: 0 }),
        reveals: s.integer({ min: 0 }),
        last_round: s.decimal(),
      }),
    ),
  }),
  errors: QF,
})

export const contributionReceipt = defineMethod({
  name: 'contribution_receipt',
  summary: "A trainer's receipt of a scored round: its consensus score, reputation after, reward and slash.",
  description: 'QUERY_FAILED { codespace: reputation, code: UNKNOWN_RECEIPT } when there is none.',
  params: { subnet: Id('subnet id'), round: Id('round number'), trainer: Account },
  result: s.object({ height, ...receiptShape }),
  errors: QF,
})

export const contributionReceipts = defineMethod({
  name: 'contribution_receipts',
  summary: 'Every receipt of a round, in trainer-address order ([] before the round closes).',
  params: { subnet: Id('subnet id'), round: Id('round number') },
  result: s.object({ height, receipts: s.array(ReceiptJson) }),
  errors: QF,
})

export const contributionGetProof = defineMethod({
  name: 'contribution_getProof',
  summary: "A trainer's receipt with its Merkle proof against the state root of the header at `height`.",
  description:
    'The answer is a state_query answer for the receipt key (path reputation/02 ‖ subnet ‖ round ‖ trainer, integers big-endian) with prove: true, plus the receipt decoded. Check it with the header of `height` (its commit against the validator set): FedraClient.verifiedContribution does both. value null with a proof proves that no such receipt exists.',
  params: {
    subnet: Id('subnet id'),
    round: Id('round number'),
    trainer: Account,
    height: s.optional(s.describe(height, 'default: the latest height')),
  },
  result: s.object({
    height,
    path: s.string(),
    key: s.hex(),
    value: s.nullable(s.hex({ description: 'the canonical encoding of the receipt' })),
    proof: ProofJson,
    receipt: s.nullable(ReceiptJson),
  }),
  errors: ['HEIGHT_UNAVAILABLE', 'INVALID_PARAMS'],
})

const hex2 = (n: number) => n.toString(16).padStart(2, '0')
const u64Hex = (v: bigint) => v.toString(16).padStart(16, '0')

/** The state path (`state_query`'s `<module>/<hex>`) of a trainer's receipt: reputation/02 ‖ subnet(8) ‖ round(8) ‖ trainer(20). Browser-safe; a test holds it equal to the module's receiptStateKey. */
export function receiptPath(subnet: bigint, round: bigint, trainer: Uint8Array): string {
  return `reputation/${hex2(0x02)}${u64Hex(subnet)}${u64Hex(round)}${Array.from(trainer, hex2).join('')}`
}

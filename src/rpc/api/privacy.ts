/**
 * subnet_dpLedger: a subnet's differential-privacy policy and budget ledger (the training module's
 * `dpLedger` query, src/modules/training/dp-ledger.ts); round_secagg: a secure-aggregation round's
 * roster (training's `secaggRound`, src/modules/training/secagg-queries.ts). docs/privacy.md.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { Account, DecText } from './module-shapes.js'

const DpPolicyJson = s.named(
  'DpPolicy',
  s.object({
    clip_norm: DecText,
    noise_multiplier: s.describe(DecText, 'σ / clip norm of the Gaussian noise each trainer adds'),
    sampling_rate: s.describe(DecText, 'the fraction of trainers a round samples (recorded; no amplification is claimed)'),
    target_epsilon: DecText,
    delta: DecText,
    from_round: s.decimal('the first round the policy governs'),
    height: s.decimal('the block that set it'),
  }),
)

export const subnetDpLedger = defineMethod({
  name: 'subnet_dpLedger',
  summary:
    "A subnet's DP policy and privacy budget ledger: rounds charged, zCDP ρ spent, the (ε, δ) it amounts to, and the rounds the budget still holds.",
  description:
    'All null / 0 for a subnet without a policy. QUERY_FAILED { codespace: training, code: UNKNOWN_SUBNET } when there is no such subnet.',
  params: { subnet: s.decimal('subnet id') },
  result: s.object({
    height,
    policy: s.nullable(DpPolicyJson),
    rounds: s.decimal('rounds charged'),
    rho: s.describe(DecText, 'zCDP ρ spent: the sum of the rounds charged, each 1/(2·noise_multiplier²) rounded up'),
    epsilon: s.describe(DecText, 'ε spent at the policy δ: ρ + 2√(ρ·ln(1/δ)), rounded up'),
    round_rho: s.nullable(s.describe(DecText, "one round's ρ")),
    rounds_left: s.nullable(s.decimal('more rounds the budget holds')),
  }),
  errors: ['QUERY_FAILED'] as const,
})

const Hex = (description: string) => s.string({ pattern: /^([0-9a-f]{2})*$/, patternHint: 'expected lowercase hex', description })

const SecAggMemberJson = s.named(
  'SecAggMember',
  s.object({
    trainer: Account,
    index: s.integer({ min: 0, description: 'member index in the graph (ascending address)' }),
    status: s.enum(['survivor', 'dropped', 'absent', 'pending'] as const),
    round_key: s.nullable(Hex('its X25519 round public key')),
    self_commitment: s.nullable(Hex('SHA-256 commitment to its self-mask seed')),
    shares: s.array(
      s.object({
        holder: Account,
        ciphertext: Hex("AES-256-GCM of the holder's two 66-byte Shamir shares: of the round secret key, then of the self-mask seed"),
        commitment: Hex('SHA-256 commitment to the key share'),
        self_commitment: Hex('SHA-256 commitment to the self share'),
      }),
    ),
    weight: s.integer({ min: 0, description: 'capped sample count of its recorded update; 0 without one' }),
    contribution: s.describe(DecText, "its weight over the survivors' total: the group-level contribution record"),
    revealed_key: s.integer({ min: 0, description: 'key shares of it revealed so far (a dropped member)' }),
    revealed_self: s.integer({ min: 0, description: 'self shares of it revealed so far (a survivor)' }),
    reveals: s.array(
      s.object({
        holder: Account,
        kind: s.enum(['key', 'self'] as const),
        share: Hex('the revealed 66-byte Shamir share'),
      }),
    ),
  }),
)

export const roundSecagg = defineMethod({
  name: 'round_secagg',
  summary:
    "A secure-aggregation round: the roster with each member's status, round key, seed commitment, dealt shares and revealed shares, the graph's degree and threshold, and each survivor's contribution share.",
  description:
    'roster (and the fields with it) null for a round of another rule, or before its first setup. QUERY_FAILED { codespace: training, code: UNKNOWN_SUBNET | UNKNOWN_ROUND }.',
  params: { subnet: s.decimal('subnet id'), round: s.decimal('round number') },
  result: s.object({
    height,
    rule: s.string(),
    round_id: s.nullable(Hex('the id every seed and share of the round is bound to')),
    setup_end_height: s.nullable(s.decimal('updates are taken from this height; setups before it')),
    degree: s.nullable(s.integer({ min: 0 })),
    threshold: s.nullable(s.integer({ min: 0 })),
    roster: s.nullable(s.array(SecAggMemberJson)),
  }),
  errors: ['QUERY_FAILED'] as const,
})

const EnvelopeKeySetJson = s.named(
  'EnvelopeKeySet',
  s.object({
    subnet: s.decimal('subnet id'),
    epoch: s.integer({ min: 0, description: 'the key epoch' }),
    public_key: Hex('A_e: the X25519 key trainers seal to'),
    wrap_public_key: Hex("W: the wrapping key pair's public half"),
    wraps: s.array(
      s.object({
        id: s.string({ description: "the admin's label of the recipient" }),
        public_key: Hex("the recipient's X25519 key (its ed25519 key mapped to Curve25519)"),
        wrapped: Hex('a_e under a key only that recipient derives (AES-256-GCM, 48 bytes)'),
      }),
    ),
    previous: s.nullable(Hex('a_{e-1} under a key derived from a_e; null at epoch 0')),
    readers: s.array(Hex('an ed25519 key of a listed reader (a full node)')),
    height: s.decimal('the block that published it'),
  }),
)

export const subnetEnvelopeKeys = defineMethod({
  name: 'subnet_envelopeKeys',
  summary:
    "A private subnet's envelope key set (by default the latest epoch's): what trainers seal to, who can open, and whether the recipients changed since (stale: updates refused until the admin rotates).",
  description:
    'private false and the rest null for a subnet that is not private. QUERY_FAILED { codespace: training, code: UNKNOWN_SUBNET | ENVELOPE_UNKNOWN_EPOCH }.',
  params: { subnet: s.decimal('subnet id'), epoch: s.optional(s.decimal('key epoch; the latest when absent')) },
  result: s.object({
    height,
    subnet: s.decimal('subnet id'),
    private: s.boolean(),
    latest_epoch: s.nullable(s.integer({ min: 0 })),
    stale: s.nullable(s.boolean()),
    key_set: s.nullable(EnvelopeKeySetJson),
  }),
  errors: ['QUERY_FAILED'] as const,
})

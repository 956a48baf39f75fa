/**
 * subnet_dpLedger: a subnet's differential-privacy policy and budget ledger (the training module's
 * `dpLedger` query, src/modules/training/dp-ledger.ts; docs/privacy.md).
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { height } from '../shapes.js'
import { DecText } from './module-shapes.js'

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
  summary: "A subnet's DP policy and privacy budget ledger: rounds charged, zCDP ρ spent, the (ε, δ) it amounts to, and the rounds the budget still holds.",
  description: 'All null / 0 for a subnet without a policy. QUERY_FAILED { codespace: training, code: UNKNOWN_SUBNET } when there is no such subnet.',
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

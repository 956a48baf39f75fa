import { decodeStored, encode } from '../../codec/index.js'
import { encodeAddress } from '../../crypto/index.js'
import {
  type Context,
  Dec,
  type KVStore,
  type MessageHandler,
  arrayAt,
  concatBytes,
  decAt,
  genesisError,
  objectAt,
  optionalU64At,
  readU64,
  u64At,
  u64Bytes,
} from '../../state/index.js'
import { TrainingBooks } from './books.js'
import { epsilonOf, roundRho } from './dp-accountant.js'
import {
  DpLedgerRecord,
  type DpLedgerValue,
  DpPolicyRecord,
  type DpPolicyValue,
  MsgSetDpPolicy,
  type MsgSetDpPolicyValue,
} from './dp-messages.js'
import { trainingError } from './errors.js'
import { SUBNETS } from './expected-keepers.js'
import type { RoundValue } from './messages.js'

/**
 * The privacy budget ledger of DP subnets (docs/privacy.md). Storage in training's store:
 *   0x43 + subnet(8) → DpPolicy     0x44 + subnet(8) → DpLedger
 * A round is charged when its first update is recorded: ρ = 1/(2z²) (dp-accountant.ts) added to
 * the subnet's ρ; an update whose round would take the subnet past its (ε, δ) target is refused
 * (DP_BUDGET_EXHAUSTED, the tx fails and nothing is charged), so a round past the budget gets no
 * updates and no aggregate.
 */
const POLICY = 0x43
const LEDGER = 0x44

export class DpBooks {
  readonly #store: KVStore
  constructor(store: KVStore) {
    this.#store = store
  }
  policy(subnet: bigint): DpPolicyValue | undefined {
    const raw = this.#store.get(concatBytes(Uint8Array.of(POLICY), u64Bytes(subnet)))
    return raw === undefined ? undefined : decodeStored(DpPolicyRecord, raw)
  }
  setPolicy(subnet: bigint, value: DpPolicyValue): void {
    this.#store.set(concatBytes(Uint8Array.of(POLICY), u64Bytes(subnet)), encode(DpPolicyRecord, value))
  }
  ledger(subnet: bigint): DpLedgerValue {
    const raw = this.#store.get(concatBytes(Uint8Array.of(LEDGER), u64Bytes(subnet)))
    return raw === undefined ? { rounds: 0n, rho: Dec.ZERO, lastRound: null } : decodeStored(DpLedgerRecord, raw)
  }
  setLedger(subnet: bigint, value: DpLedgerValue): void {
    this.#store.set(concatBytes(Uint8Array.of(LEDGER), u64Bytes(subnet)), encode(DpLedgerRecord, value))
  }
  *policies(): Generator<{ subnet: bigint; policy: DpPolicyValue }> {
    for (const [key, raw] of this.#store.iterate(Uint8Array.of(POLICY)))
      yield { subnet: readU64(key, 1), policy: decodeStored(DpPolicyRecord, raw) }
  }
}

/**
 * Training genesis' `dp` list (the policies and ledgers must survive an export, or an
 * export/import would reset every budget): [{ subnet, clip_norm, noise_multiplier, sampling_rate,
 * target_epsilon, delta, from_round, height, rounds, rho, last_round | null }] by ascending subnet.
 */
export interface DpGenesisEntry {
  subnet: bigint
  policy: DpPolicyValue
  ledger: DpLedgerValue
}

const DP_FIELDS = [
  'subnet',
  'clip_norm',
  'noise_multiplier',
  'sampling_rate',
  'target_epsilon',
  'delta',
  'from_round',
  'height',
  'rounds',
  'rho',
  'last_round',
]

export function dpGenesisAt(value: unknown, path: string): DpGenesisEntry[] {
  let previous = -1n
  return arrayAt(value ?? [], path).map((entry, i) => {
    const at = `${path}[${i}]`
    const e = objectAt(entry, at)
    for (const key of Object.keys(e)) if (!DP_FIELDS.includes(key)) throw genesisError(`${at}.${key}`, 'no such dp field')
    const subnet = u64At(e.subnet, `${at}.subnet`)
    if (subnet <= previous) throw genesisError(`${at}.subnet`, 'dp entries must be listed by strictly ascending subnet')
    previous = subnet
    const policy = {
      clipNorm: decAt(e.clip_norm, `${at}.clip_norm`),
      noiseMultiplier: decAt(e.noise_multiplier, `${at}.noise_multiplier`),
      samplingRate: decAt(e.sampling_rate, `${at}.sampling_rate`),
      targetEpsilon: decAt(e.target_epsilon, `${at}.target_epsilon`),
      delta: decAt(e.delta, `${at}.delta`),
      fromRound: u64At(e.from_round, `${at}.from_round`),
      height: u64At(e.height, `${at}.height`),
    }
    try {
      setDpPolicy.validate!({ subnet, ...policy } as never)
    } catch (error) {
      throw genesisError(at, (error as Error).message)
    }
    const ledger = {
      rounds: u64At(e.rounds, `${at}.rounds`),
      rho: decAt(e.rho, `${at}.rho`),
      lastRound: optionalU64At(e.last_round, `${at}.last_round`),
    }
    return { subnet, policy, ledger }
  })
}

export function initDpGenesis(store: KVStore, entries: readonly DpGenesisEntry[]): void {
  const books = new DpBooks(store)
  for (const e of entries) {
    books.setPolicy(e.subnet, e.policy)
    books.setLedger(e.subnet, e.ledger)
  }
}

export function exportDpGenesis(store: KVStore): Record<string, unknown>[] {
  const books = new DpBooks(store)
  return [...books.policies()].map(({ subnet, policy: p }) => {
    const l = books.ledger(subnet)
    return {
      subnet: String(subnet),
      clip_norm: p.clipNorm.toString(),
      noise_multiplier: p.noiseMultiplier.toString(),
      sampling_rate: p.samplingRate.toString(),
      target_epsilon: p.targetEpsilon.toString(),
      delta: p.delta.toString(),
      from_round: String(p.fromRound),
      height: String(p.height),
      rounds: String(l.rounds),
      rho: l.rho.toString(),
      last_round: l.lastRound === null ? null : String(l.lastRound),
    }
  })
}

/** Smallest noise multiplier a policy may declare: below it one round alone costs ρ ≥ 50. */
const MIN_NOISE = Dec.parse('0.1')

/**
 * MsgSetDpPolicy: the subnet's admin, once per subnet. Stateless checks: clip norm and noise
 * multiplier positive (noise ≥ 0.1), sampling rate in (0, 1], target ε positive, δ in (0, 1).
 * It governs the round open at its height (if that round has no update yet) and every later one.
 */
const setDpPolicy: MessageHandler<MsgSetDpPolicyValue> = {
  type: MsgSetDpPolicy,
  validate(m) {
    const bad = (field: string, why: string) => trainingError('DP_INVALID_POLICY', `${field} ${why}`, { field })
    if (!m.clipNorm.gt(Dec.ZERO)) throw bad('clip_norm', 'must be positive')
    if (m.noiseMultiplier.lt(MIN_NOISE)) throw bad('noise_multiplier', `must be at least ${MIN_NOISE}`)
    if (!m.samplingRate.gt(Dec.ZERO) || m.samplingRate.gt(Dec.ONE)) throw bad('sampling_rate', 'must lie in (0, 1]')
    if (!m.targetEpsilon.gt(Dec.ZERO)) throw bad('target_epsilon', 'must be positive')
    if (!m.delta.gt(Dec.ZERO) || !m.delta.lt(Dec.ONE)) throw bad('delta', 'must lie in (0, 1)')
  },
  handle(ctx, m, signer) {
    const subnet = ctx.keeper(SUBNETS).subnet(m.subnet)
    if (subnet === undefined) throw trainingError('UNKNOWN_SUBNET', `no subnet ${m.subnet}`, { subnet: String(m.subnet) })
    if (Buffer.compare(subnet.admin, signer.addressBytes) !== 0)
      throw trainingError('DP_NOT_ADMIN', `${signer.address} is not subnet ${m.subnet}'s admin (${encodeAddress(subnet.admin)})`, {
        subnet: String(m.subnet),
      })
    const books = new DpBooks(ctx.moduleStore())
    if (books.policy(m.subnet) !== undefined)
      throw trainingError('DP_POLICY_EXISTS', `subnet ${m.subnet} already has a DP policy; it cannot be replaced`, {
        subnet: String(m.subnet),
      })
    const progress = new TrainingBooks(ctx.moduleStore()).progress(m.subnet)
    const current = progress?.round ?? null
    const started = current !== null && new TrainingBooks(ctx.moduleStore()).round(m.subnet, current)!.updates > 0
    const fromRound = current === null ? 0n : started ? current + 1n : current
    const { subnet: _, ...policy } = m
    books.setPolicy(m.subnet, { ...policy, fromRound, height: BigInt(ctx.block.height) })
  },
}

/**
 * Called by MsgSubmitUpdate before it records an update: charges the round's ρ at its first update
 * under a policy, or refuses the update with DP_BUDGET_EXHAUSTED if that charge would take the
 * subnet's ε past the target. A round already charged passes.
 */
export function chargeDpRound(ctx: Context, round: RoundValue): void {
  const books = new DpBooks(ctx.moduleStore())
  const policy = books.policy(round.subnet)
  if (policy === undefined || round.round < policy.fromRound) return
  const ledger = books.ledger(round.subnet)
  if (ledger.lastRound !== null && ledger.lastRound >= round.round) return
  const rho = ledger.rho.add(roundRho(policy.noiseMultiplier))
  const epsilon = epsilonOf(rho, policy.delta)
  if (epsilon.gt(policy.targetEpsilon)) {
    throw trainingError(
      'DP_BUDGET_EXHAUSTED',
      `round ${round.round} would take subnet ${round.subnet} to ε = ${epsilon} at δ = ${policy.delta}, past its budget ε = ${policy.targetEpsilon}`,
      {
        subnet: String(round.subnet),
        round: String(round.round),
        epsilon: epsilon.toString(),
        target: policy.targetEpsilon.toString(),
      },
    )
  }
  books.setLedger(round.subnet, { rounds: ledger.rounds + 1n, rho, lastRound: round.round })
}

/**
 * The `dpLedger` query { subnet } → { policy: null | { clip_norm, noise_multiplier, sampling_rate,
 * target_epsilon, delta, from_round, height }, rounds, rho, epsilon (spent, at the policy's δ),
 * round_rho, rounds_left (how many more rounds fit the budget) }; Decs as exact text.
 */
export function dpLedgerJson(ctx: Context, subnet: bigint) {
  const books = new DpBooks(ctx.moduleStore())
  const policy = books.policy(subnet)
  const ledger = books.ledger(subnet)
  if (policy === undefined) return { policy: null, rounds: '0', rho: '0', epsilon: '0', round_rho: null, rounds_left: null }
  const step = roundRho(policy.noiseMultiplier)
  let left = 0n
  // at most a few thousand steps for any admissible policy (noise ≥ 0.1); binary search keeps it cheap anyway
  let lo = 0n
  let hi = 1n
  while (!epsilonOf(ledger.rho.add(step.mulInt(hi)), policy.delta).gt(policy.targetEpsilon) && hi < 1n << 40n) hi *= 2n
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n
    if (epsilonOf(ledger.rho.add(step.mulInt(mid)), policy.delta).gt(policy.targetEpsilon)) hi = mid - 1n
    else lo = mid
  }
  left = lo
  return {
    policy: {
      clip_norm: policy.clipNorm.toString(),
      noise_multiplier: policy.noiseMultiplier.toString(),
      sampling_rate: policy.samplingRate.toString(),
      target_epsilon: policy.targetEpsilon.toString(),
      delta: policy.delta.toString(),
      from_round: String(policy.fromRound),
      height: String(policy.height),
    },
    rounds: String(ledger.rounds),
    rho: ledger.rho.toString(),
    epsilon: epsilonOf(ledger.rho, policy.delta).toString(),
    round_rho: step.toString(),
    rounds_left: String(left),
  }
}

export const dpMessages: MessageHandler[] = [setDpPolicy]

/**
 * The ledger's books: for every subnet with a policy, ρ spent = rounds charged × one round's ρ
 * (every round is charged the same), the ε it amounts to within the target, and the last round
 * charged present exactly when a round was; no ledger without a policy.
 */
export function dpLedgerInvariant(ctx: Context): string | null {
  const books = new DpBooks(ctx.moduleStore())
  const governed = new Set<bigint>()
  for (const { subnet, policy } of books.policies()) {
    governed.add(subnet)
    const ledger = books.ledger(subnet)
    if (!ledger.rho.eq(roundRho(policy.noiseMultiplier).mulInt(ledger.rounds)))
      return `subnet ${subnet}'s DP ledger holds ρ = ${ledger.rho} for ${ledger.rounds} rounds of ${roundRho(policy.noiseMultiplier)}`
    if (epsilonOf(ledger.rho, policy.delta).gt(policy.targetEpsilon))
      return `subnet ${subnet} spent more than its ε = ${policy.targetEpsilon}`
    if ((ledger.lastRound === null) !== (ledger.rounds === 0n))
      return `subnet ${subnet}'s DP ledger has ${ledger.rounds} rounds and last round ${ledger.lastRound}`
  }
  for (const [key] of ctx.moduleStore().iterate(Uint8Array.of(LEDGER))) {
    const subnet = readU64(key, 1)
    if (!governed.has(subnet)) return `subnet ${subnet} has a DP ledger and no policy`
  }
  return null
}

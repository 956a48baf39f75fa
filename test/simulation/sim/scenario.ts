import type { ConsensusParams, CoreFaults } from '../../../src/consensus/index.js'
import type { ConsensusMessage } from '../../../src/consensus/index.js'
import { Prng } from './prng.js'

/**
 * equivocate: two proposals and two votes per step, each half of the peers gets one.
 * doubleVote: conflicting votes to the two halves. amnesia: forgets its lock and valid value
 * every round (and so proposes fresh values). silent: never sends. invalidProposal: proposes
 * blocks with an invalid tx. chaos: amnesia + equivocate. lockBreaker: the attack locks exist
 * for — as proposer of round r it makes one honest node decide alone (its proposal reaches the
 * next round's proposer late, its prevote for it is nil, its precommit goes to one other node
 * only), then helps a fresh value through round r+1. l28: every Byzantine validator, with the
 * network before GST, builds the L28 scenario (see L28Adversary); drawn for a whole scenario.
 */
export type ByzantineBehaviour = 'equivocate' | 'doubleVote' | 'amnesia' | 'silent' | 'invalidProposal' | 'chaos' | 'lockBreaker' | 'l28'
export const BYZANTINE_BEHAVIOURS: readonly ByzantineBehaviour[] = [
  'equivocate',
  'doubleVote',
  'amnesia',
  'silent',
  'invalidProposal',
  'chaos',
  'lockBreaker',
]

export interface Partition {
  start: number
  end: number
  /** Node indices per side; messages between sides are lost. */
  groups: number[][]
}

export interface PowerChange {
  height: number
  node: number
  power: bigint
}

export interface Crash {
  node: number
  at: number
  restartAt: number
}

/** Everything a run depends on: the same scenario gives the same run, event for event. */
export interface Scenario {
  seed: number
  validators: number
  byzantine: Array<{ node: number; behaviour: ByzantineBehaviour }>
  targetHeight: number
  minDelay: number
  maxDelay: number
  /** Probability that a message sent before `healTime` is lost. */
  loss: number
  /** Probability that a message sent before `healTime` is held back by up to `maxExtraDelay` more (reordering). */
  lateRate: number
  maxExtraDelay: number
  /**
   * Adversarial scheduling before GST: messages of `type` sent by `from` before `healTime`
   * are held back and delivered only after it (the partial-synchrony adversary may delay any
   * message until GST).
   */
  holds?: Array<{ from: number; type: 'proposal' | 'prevote' | 'precommit' }>
  /** Per directed link [from][to], extra loss before `healTime` (lossy or nearly dead links). */
  linkLoss?: number[][]
  /** From here on: no loss, no partition, every node up (GST). */
  healTime: number
  partitions: Partition[]
  crashes: Crash[]
  /** After healTime, every honest node must reach targetHeight within this much time. */
  livenessWindow: number
  params: ConsensusParams
  /** Planted bugs for honest nodes (tests that show the checks can fail). */
  honestFaults?: CoreFaults
  /** Genesis voting power per node; all 10 when absent. */
  powers?: bigint[]
  /**
   * Validator-set updates through the application: block `height` carries a tx setting
   * `node`'s power, which takes effect at height + 2 (CometBFT's H+2 rule).
   */
  powerChanges?: PowerChange[]
  /** Virtual time a validator takes to execute a proposed block before it answers valid(v); 0 when absent. */
  executionTime?: number
  /** Scripted tests: 'drop' loses the message, a number delays it by that much more. */
  schedule?: (message: ConsensusMessage, from: number, to: number, time: number) => 'drop' | number | undefined
}

/** Simulator timeouts, in units of the message delay (1 unit = the fastest delivery). */
export const SIM_PARAMS: ConsensusParams = {
  timeouts: { proposeMs: 30, proposeDeltaMs: 10, prevoteMs: 15, prevoteDeltaMs: 5, precommitMs: 15, precommitDeltaMs: 5 },
  commitDelayMs: 0,
  rebroadcastMs: 60,
  maxClockDriftMs: 1000,
  maxRoundsAhead: 1000,
}

export interface RandomScenarioOptions {
  validators: number
  byzantine: number
  targetHeight?: number
  honestFaults?: CoreFaults
  /** Equal powers only (no draws for powers or set changes). */
  equalPowers?: boolean
}

const MAX_POWER = 40

/** Byzantine power strictly below a third of the total (the paper's n > 3f, by power). */
const byzantineBelowThird = (powers: readonly bigint[], byzantine: ReadonlySet<number>): boolean => {
  let total = 0n
  let faulty = 0n
  powers.forEach((p, i) => {
    total += p
    if (byzantine.has(i)) faulty += p
  })
  return faulty * 3n < total
}

/**
 * Unequal genesis powers (honest 1..40 each, Byzantine ones sharing less than half the honest
 * total) and up to three power changes through the application, each kept only if the
 * Byzantine share stays below a third in every set it produces.
 */
function drawPowers(
  rng: Prng,
  n: number,
  byzantine: ReadonlySet<number>,
  targetHeight: number,
): { powers: bigint[]; powerChanges: PowerChange[] } {
  const powers = [...Array(n).keys()].map((i) => (byzantine.has(i) ? 0n : BigInt(rng.int(1, MAX_POWER))))
  const honestTotal = powers.reduce((a, b) => a + b, 0n)
  const share = Math.max(1, Math.floor((Number(honestTotal) - 1) / 2 / Math.max(1, byzantine.size)))
  for (const i of byzantine) powers[i] = BigInt(rng.int(1, share))
  const drawn = [...Array(rng.int(0, 3)).keys()].map(() => ({
    height: rng.int(1, targetHeight + 2),
    node: rng.int(0, n - 1),
    power: BigInt(rng.int(1, MAX_POWER)),
  }))
  // Checked in the order the chain applies them (by height, then as listed in the block).
  const powerChanges: PowerChange[] = []
  const current = [...powers]
  for (const change of drawn.sort((a, b) => a.height - b.height)) {
    const next = [...current]
    next[change.node] = change.power
    if (!byzantineBelowThird(next, byzantine)) continue
    current[change.node] = change.power
    powerChanges.push(change)
  }
  return { powers, powerChanges }
}

export type NetworkProfile = 'calm' | 'lossy' | 'partitioned' | 'hostile'
const PROFILES: readonly NetworkProfile[] = ['calm', 'lossy', 'partitioned', 'hostile']

/**
 * A random adversarial scenario from a seed. The network profile decides which faults are on
 * before the heal: calm (random delays only), lossy (loss, late messages, bad links, held-back
 * message classes), partitioned (partitions and a crash), hostile (all of them). Byzantine
 * nodes and their behaviours are drawn independently, so every behaviour meets every network.
 */
export function randomScenario(seed: number, options: RandomScenarioOptions): Scenario {
  const rng = new Prng(seed)
  const n = options.validators
  const nodes = rng.shuffle([...Array(n).keys()])
  const byzantine = nodes.slice(0, options.byzantine).map((node) => ({ node, behaviour: rng.pick(BYZANTINE_BEHAVIOURS) }))
  const honest = nodes.slice(options.byzantine)
  const profile = rng.pick(PROFILES)
  const lossy = profile === 'lossy' || profile === 'hostile'
  const split = profile === 'partitioned' || profile === 'hostile'
  const maxDelay = rng.int(1, 12)
  const healTime = rng.int(100, 600)
  const partitions: Partition[] = []
  const crashes: Crash[] = []
  if (split) {
    for (let k = rng.int(1, 2); k > 0; k--) {
      const start = rng.int(0, healTime - 1)
      const side = rng.shuffle([...Array(n).keys()])
      const cut = rng.int(1, n - 1)
      partitions.push({ start, end: rng.int(start + 1, healTime), groups: [side.slice(0, cut), side.slice(cut)] })
    }
    if (rng.chance(0.6) && honest.length > 0) {
      const at = rng.int(0, healTime - 1)
      crashes.push({ node: rng.pick(honest), at, restartAt: rng.int(at + 1, healTime) })
    }
  }
  const linkLoss =
    lossy && rng.chance(0.5) ? [...Array(n).keys()].map(() => [...Array(n).keys()].map(() => rng.pick([0, 0, 0.2, 0.6, 0.95]))) : undefined
  const holds =
    lossy && rng.chance(0.3)
      ? [...Array(rng.int(1, 2)).keys()].map(() => ({
          from: rng.int(0, n - 1),
          type: rng.pick(['proposal', 'prevote', 'precommit'] as const),
        }))
      : undefined
  // Drawn last, so the network and faults of a seed are the same as before powers were drawn.
  const weighted =
    options.equalPowers !== true && rng.chance(0.75)
      ? drawPowers(rng, n, new Set(byzantine.map((b) => b.node)), options.targetHeight ?? 3)
      : null
  // Half the seeds execute blocks in virtual time, up to longer than timeoutPropose(0).
  const executionTime = rng.chance(0.5) ? rng.int(1, 40) : 0
  // A fifth of the seeds are the coordinated L28 attack: the adversary is the network, so no random faults.
  if (options.byzantine > 0 && rng.chance(0.2)) {
    return {
      seed,
      validators: n,
      byzantine: byzantine.map((b) => ({ node: b.node, behaviour: 'l28' as const })),
      ...(weighted === null ? {} : weighted),
      targetHeight: options.targetHeight ?? 3,
      minDelay: 1,
      maxDelay: Math.min(maxDelay, 5),
      loss: 0,
      lateRate: 0,
      maxExtraDelay: 0,
      healTime: 1500,
      partitions: [],
      crashes: [],
      livenessWindow: 4000,
      params: SIM_PARAMS,
      ...(options.honestFaults === undefined ? {} : { honestFaults: options.honestFaults }),
    }
  }
  return {
    seed,
    validators: n,
    byzantine,
    ...(weighted === null ? {} : weighted),
    ...(executionTime > 0 ? { executionTime } : {}),
    targetHeight: options.targetHeight ?? 3,
    minDelay: 1,
    maxDelay,
    loss: lossy ? rng.int(0, 30) / 100 : 0,
    lateRate: lossy ? rng.int(0, 40) / 100 : 0,
    maxExtraDelay: rng.int(10, 100),
    ...(linkLoss === undefined ? {} : { linkLoss }),
    ...(holds === undefined ? {} : { holds }),
    healTime,
    partitions,
    crashes,
    livenessWindow: 4000,
    params: SIM_PARAMS,
    ...(options.honestFaults === undefined ? {} : { honestFaults: options.honestFaults }),
  }
}

export function describeScenario(s: Scenario): string {
  const byz = s.byzantine.map((b) => `${b.node}:${b.behaviour}`).join(',') || 'none'
  const late = s.lateRate > 0 ? ` late=${s.lateRate}x${s.maxExtraDelay}` : ''
  const links =
    (s.linkLoss === undefined ? '' : ' lossy-links') +
    (s.holds === undefined ? '' : ` holds=${s.holds.map((h) => `${h.from}:${h.type}`).join(',')}`)
  const parts = s.partitions.map((p) => `[${p.start},${p.end}) ${p.groups.map((g) => g.join('')).join('|')}`).join(' ') || 'none'
  const crashes = s.crashes.map((c) => `node ${c.node} down [${c.at},${c.restartAt})`).join(' ') || 'none'
  const powers = s.powers === undefined ? '' : ` powers=${s.powers.join(',')}`
  const changes = (s.powerChanges ?? []).map((c) => `h${c.height}:${c.node}=${c.power}`).join(',')
  const execution = s.executionTime === undefined ? '' : ` execution=${s.executionTime}`
  return `seed ${s.seed}: n=${s.validators} byzantine=${byz}${powers}${changes === '' ? '' : ` set-changes=${changes}`}${execution} delay=${s.minDelay}..${s.maxDelay} loss=${s.loss}${late}${links} heal=${s.healTime} partitions=${parts} crashes=${crashes}`
}

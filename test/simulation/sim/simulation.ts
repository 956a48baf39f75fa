import { pino } from 'pino'
import { toHex } from '../../../src/crypto/index.js'
import {
  type Block,
  type Clock,
  type CommittedBlock,
  type ConsensusMessage,
  ConsensusDriver,
  type Network,
  type Proposal,
  type Vote,
  MemorySignerState,
  MemoryWal,
  type ConsensusState,
  blockId,
  proposer,
  timeoutDuration,
  dataHash,
  genesisValidatorSets,
} from '../../../src/consensus/index.js'
import { INVALID_TX_MARKER, SimApplication, powerTx } from './app.js'
import { EventQueue, type SimEvent } from './event-queue.js'
import { L28Adversary } from './l28-adversary.js'
import { type SimKey, simKey, simSigner, simVerifier } from './keys.js'
import { Prng } from './prng.js'
import type { ByzantineBehaviour, Scenario } from './scenario.js'

export interface RunResult {
  seed: number
  safetyViolations: string[]
  livenessFailure: string | null
  /** Virtual time when every honest node had reached the target height (or the run ended). */
  endTime: number
  messagesSent: number
  /** Per height, the time the first honest node committed it. */
  commitTimes: number[]
  /** Highest round any honest node decided in. */
  maxDecisionRound: number
  evidenceCommitted: number
  /** The L28 attack reached its re-proposal round (it was possible with this seed's proposers and powers). */
  attackPlayed: boolean
}

interface SimNode {
  index: number
  key: SimKey
  app: SimApplication
  wal: MemoryWal
  /** The fsync'd last-signed record beside the key: it survives crashes. */
  signerState: MemorySignerState
  driver: ConsensusDriver | null
  up: boolean
  behaviour: ByzantineBehaviour | null
}

const GENESIS_TIME = 1_000_000
const MAX_EVENTS = 3_000_000

/**
 * A seeded discrete-event network running the real ConsensusDriver (and so the real core) on
 * every validator, with virtual time. Checks agreement, validity and "no honest double-sign"
 * on every event, and liveness after `healTime`.
 */
export class Simulation {
  readonly scenario: Scenario
  readonly #rng: Prng
  readonly #queue = new EventQueue()
  readonly #nodes: SimNode[]
  readonly #keys: SimKey[]
  #time = 0
  #messages = 0
  #violations: string[] = []
  #decided = new Map<number, string>()
  #commitTimes: number[] = []
  #maxDecisionRound = 0
  #signedByHonest = new Map<string, string>()
  #targetAfterHeal: number | null = null
  /** The coordinated L28 attack, when the scenario's Byzantine validators play it. */
  readonly #adversary: L28Adversary | null

  constructor(scenario: Scenario) {
    this.scenario = scenario
    this.#rng = new Prng(scenario.seed ^ 0x5eed)
    this.#keys = [...Array(scenario.validators).keys()].map(simKey)
    const sets = genesisValidatorSets(
      this.#keys.map((k, i) => ({ address: k.address, publicKey: k.publicKey, votingPower: scenario.powers?.[i] ?? 10n })),
    )
    const scheduled = new Map<number, Uint8Array[]>()
    for (const c of scenario.powerChanges ?? [])
      scheduled.set(c.height, [...(scheduled.get(c.height) ?? []), powerTx(this.#keys[c.node]!.address, c.power)])
    const behaviours = new Map(scenario.byzantine.map((b) => [b.node, b.behaviour]))
    const nodes = this.#keys.map((key, index) => ({
      index,
      key,
      app: new SimApplication('sim', key.address, sets, GENESIS_TIME, scheduled),
      wal: new MemoryWal(),
      signerState: new MemorySignerState(),
      driver: null,
      up: false,
      behaviour: behaviours.get(index) ?? null,
    }))
    if ((scenario.executionTime ?? 0) > 0) {
      for (const node of nodes) node.app.executeIn(scenario.executionTime!, (delay, run) => this.#queue.push(this.#time + delay, run))
    }
    this.#nodes = nodes
    const attackers = scenario.byzantine.filter((b) => b.behaviour === 'l28').map((b) => b.node)
    this.#adversary =
      attackers.length === 0
        ? null
        : new L28Adversary({
            keys: this.#keys,
            byzantine: new Set(attackers),
            genesis: sets.validators,
            send: (from, to, message) => this.#deliver(from, to, message),
            now: () => this.#time,
          })
  }

  get time(): number {
    return this.#time
  }

  node(index: number): { app: SimApplication; driver: ConsensusDriver | null } {
    return this.#nodes[index]!
  }

  run(): RunResult {
    const s = this.scenario
    const downAtStart = new Set(s.crashes.filter((c) => c.at === 0).map((c) => c.node))
    for (const node of this.#nodes) if (node.behaviour !== 'silent' && !downAtStart.has(node.index)) this.#boot(node)
    for (const crash of s.crashes) {
      this.#queue.push(crash.at, () => this.#crash(this.#nodes[crash.node]!))
      this.#queue.push(crash.restartAt, () => this.#boot(this.#nodes[crash.node]!))
    }
    const deadline = s.healTime + s.livenessWindow
    let events = 0
    let livenessFailure: string | null = null
    for (;;) {
      if (this.#violations.length > 0) break
      if (this.#honestDone()) break
      const event = this.#queue.pop()
      if (event === undefined) {
        livenessFailure = `no events left at t=${this.#time}: ${this.#progress()}`
        break
      }
      if (event.cancelled) continue
      if (event.time > deadline) {
        livenessFailure = `honest nodes not at height ${this.#targetAfterHeal ?? s.targetHeight} by t=${deadline}: ${this.#progress()}`
        break
      }
      if (++events > MAX_EVENTS) {
        livenessFailure = `event budget exhausted at t=${this.#time}: ${this.#progress()}`
        break
      }
      this.#time = event.time
      event.run()
    }
    for (const node of this.#nodes) node.driver?.stop()
    return {
      seed: s.seed,
      safetyViolations: this.#violations,
      livenessFailure: this.#violations.length > 0 ? null : livenessFailure,
      endTime: this.#time,
      messagesSent: this.#messages,
      commitTimes: this.#commitTimes,
      maxDecisionRound: this.#maxDecisionRound,
      evidenceCommitted: Math.max(0, ...this.#honest().map((n) => n.app.evidenceEvents.length)),
      attackPlayed: this.#adversary?.phase === 'done',
    }
  }

  #honest(): SimNode[] {
    return this.#nodes.filter((n) => n.behaviour === null)
  }

  /**
   * Done when the adversarial period is over and every honest node has reached the target:
   * the larger of `targetHeight` and two heights past the highest height committed by the
   * end of that period (so liveness is checked after the heal, not only before it).
   */
  #honestDone(): boolean {
    const settled = this.#adversary?.settledAt ?? null
    if (this.#time < (settled === null ? this.scenario.healTime : Math.min(settled, this.scenario.healTime))) return false
    if (this.#targetAfterHeal === null) {
      const highest = Math.max(0, ...this.#nodes.map((n) => n.app.height))
      this.#targetAfterHeal = Math.max(this.scenario.targetHeight, highest + 2)
    }
    const target = this.#targetAfterHeal
    return this.#honest().every((n) => n.app.height >= target)
  }

  #progress(): string {
    return this.#nodes
      .map(
        (n) =>
          `${n.index}${n.behaviour === null ? '' : `(${n.behaviour})`}@h${n.app.height + 1}/r${n.driver?.round ?? '-'}/${n.driver?.step ?? 'down'}`,
      )
      .join(' ')
  }

  // -------------------------------------------------------------------------------------------
  // Nodes

  #boot(node: SimNode): void {
    if (node.up) return
    node.up = true
    const clock: Clock = {
      now: () => GENESIS_TIME + this.#time,
      setTimer: (ms, fire) => this.#queue.push(this.#time + ms, fire),
      clearTimer: (handle) => {
        ;(handle as SimEvent).cancelled = true
      },
    }
    const faults =
      node.behaviour === 'amnesia' || node.behaviour === 'chaos' || node.behaviour === 'lockBreaker'
        ? { amnesia: true }
        : node.behaviour === null
          ? this.scenario.honestFaults
          : undefined
    const driver = new ConsensusDriver({
      params: this.scenario.params,
      app: node.app,
      wal: node.wal,
      signer: simSigner(node.key),
      signerState: node.signerState,
      verifier: simVerifier(this.#keys),
      network: this.#network(node),
      clock,
      // An honest driver logs an error only if something is wrong (e.g. the signer guard refused
      // a conflicting vote, which means replay was not deterministic): that fails the run.
      log: pino(
        { level: 'error' },
        {
          write: (line: string) => {
            if (node.behaviour === null) this.#violations.push(`honest node ${node.index} logged an error: ${line.slice(0, 300)}`)
          },
        },
      ),
      ...(faults === undefined ? {} : { faults }),
    })
    node.driver = driver
    driver.onCommit((c) => this.#onCommit(node, c))
    driver.start()
  }

  #crash(node: SimNode): void {
    if (!node.up) return
    node.up = false
    node.driver?.stop()
    node.driver = null
    node.wal.crash()
  }

  #onCommit(node: SimNode, c: CommittedBlock): void {
    if (node.behaviour !== null) return
    const id = c.commit.blockId
    const first = this.#decided.get(c.height)
    if (first === undefined) {
      this.#decided.set(c.height, id)
      this.#commitTimes[c.height - 1] = this.#time
    } else if (first !== id) {
      this.#violations.push(
        `agreement: node ${node.index} committed ${id.slice(0, 12)} at height ${c.height}, another honest node ${first.slice(0, 12)}`,
      )
    }
    if (c.round > this.#maxDecisionRound) this.#maxDecisionRound = c.round
    // Validity: only blocks an honest execution accepts, on top of the agreed chain.
    if (c.block.txs.some((tx) => tx[0] === INVALID_TX_MARKER))
      this.#violations.push(`validity: node ${node.index} committed an invalid tx at height ${c.height}`)
    if (Buffer.compare(node.app.stateRoot(), c.block.header.stateRoot) !== 0) {
      this.#violations.push(`validity: node ${node.index} committed a wrong state root at height ${c.height}`)
    }
    if (c.height > 1 && c.block.header.prevBlockId !== this.#decided.get(c.height - 1)) {
      this.#violations.push(`validity: node ${node.index} committed height ${c.height} on a different parent`)
    }
    // A decision needs +2/3 of the height's voting power (L49), not of the validators' number.
    const set = node.app.validatorsAt(c.height)
    const signers = new Set(c.commit.signatures.map((sig) => sig.validator))
    const power = set?.validators.reduce((sum, v) => (signers.has(v.address) ? sum + v.votingPower : sum), 0n) ?? 0n
    if (set === null || power * 3n <= set.totalPower * 2n) {
      this.#violations.push(
        `quorum: node ${node.index} decided height ${c.height} on precommits of ${power} of ${set?.totalPower ?? '?'} voting power`,
      )
    }
    // valid(v) (L50): a node commits only a block it executed and found valid.
    if (node.app.unexecutedCommits.includes(c.height))
      this.#violations.push(`validity: node ${node.index} committed height ${c.height} without executing it`)
  }

  // -------------------------------------------------------------------------------------------
  // Network

  #network(node: SimNode): Network {
    return {
      broadcast: (message) => {
        if (node.behaviour === null) this.#checkHonestSignature(node, message)
        if (node.behaviour === null) this.#adversary?.observe(node.index, message)
        const peers = this.#nodes.filter((n) => n !== node).map((n) => n.index)
        if (node.behaviour === null) {
          for (const peer of peers) this.#deliver(node.index, peer, message)
        } else {
          this.#byzantineBroadcast(node, peers, message)
        }
      },
      send: (peer, message) => {
        const target = this.#nodes.find((n) => n.key.address === peer)
        if (target !== undefined) this.#deliver(node.index, target.index, message)
      },
    }
  }

  #deliver(from: number, to: number, message: ConsensusMessage, extraDelay = 0): void {
    const s = this.scenario
    this.#messages++
    const t = this.#time
    if (t < s.healTime) {
      if (s.loss > 0 && this.#rng.chance(s.loss)) return
      const link = s.linkLoss?.[from]?.[to] ?? 0
      if (link > 0 && this.#rng.chance(link)) return
      for (const p of s.partitions) {
        if (t >= p.start && t < p.end && p.groups.findIndex((g) => g.includes(from)) !== p.groups.findIndex((g) => g.includes(to))) return
      }
    }
    const scripted = s.schedule?.(message, from, to, t)
    if (scripted === 'drop') return
    let delay = this.#rng.int(s.minDelay, s.maxDelay) + (typeof scripted === 'number' ? scripted : 0) + extraDelay
    if (t < s.healTime && s.holds !== undefined) {
      const type = message.type === 'vote' ? message.vote.type : message.type
      if (s.holds.some((h) => h.from === from && h.type === type)) delay += s.healTime - t
    }
    if (t < s.healTime && s.lateRate > 0 && this.#rng.chance(s.lateRate)) delay += this.#rng.int(1, s.maxExtraDelay)
    const held = t < s.healTime ? (this.#adversary?.holdsUntil(from, to, message) ?? null) : null
    if (held !== null) delay += Math.max(0, Math.min(held, s.healTime) - t)
    const sender = this.#nodes[from]!.key.address
    this.#queue.push(t + delay, () => {
      const target = this.#nodes[to]!
      // chaos ignores precommits, so it never decides early and is still there to propose.
      if (
        (target.behaviour === 'chaos' || target.behaviour === 'lockBreaker') &&
        message.type === 'vote' &&
        message.vote.type === 'precommit'
      )
        return
      if (target.up) target.driver?.receive(sender, message)
    })
  }

  /** Invariant 5: an honest validator never sends two different messages for one (h, r, step). */
  #checkHonestSignature(node: SimNode, message: ConsensusMessage): void {
    let key: string
    let value: string
    if (message.type === 'vote') {
      key = `${message.vote.validator}/${message.vote.height}/${message.vote.round}/${message.vote.type}`
      value = message.vote.valueId ?? 'nil'
    } else if (message.type === 'proposal') {
      key = `${message.proposal.proposer}/${message.proposal.height}/${message.proposal.round}/proposal`
      value = `${message.proposal.valueId}/${message.proposal.polRound}`
    } else {
      return
    }
    const previous = this.#signedByHonest.get(key)
    if (previous === undefined) this.#signedByHonest.set(key, value)
    else if (previous !== value)
      this.#violations.push(`double sign: honest node ${node.index} signed ${key} for ${previous.slice(0, 12)} and ${value.slice(0, 12)}`)
  }

  // -------------------------------------------------------------------------------------------
  // Byzantine behaviours: they hold their own key and sign whatever they like.

  #byzantineBroadcast(node: SimNode, peers: number[], message: ConsensusMessage): void {
    const behaviour = node.behaviour!
    // chaos sends a real precommit to a single peer: the one it tries to make decide alone.
    const split = (single = false): [number[], number[]] => {
      const shuffled = this.#rng.shuffle([...peers])
      const cut = single ? 1 : this.#rng.int(1, Math.max(1, shuffled.length - 1))
      return [shuffled.slice(0, cut), shuffled.slice(cut)]
    }
    if (behaviour === 'l28') {
      this.#adversary!.byzantineBroadcast(node.index, peers, message)
      return
    }
    const signer = simSigner(node.key)
    if (behaviour === 'lockBreaker') {
      this.#lockBreakerBroadcast(node, peers, message)
      return
    }
    if (message.type === 'vote' && (behaviour === 'doubleVote' || behaviour === 'equivocate' || behaviour === 'chaos')) {
      const other = this.#conflictingValue(node, message.vote)
      const twin: Vote = { ...message.vote, valueId: other }
      twin.signature = signer.signVote(twin)
      const [a, b] = split(behaviour === 'chaos' && message.vote.type === 'precommit' && message.vote.valueId !== null)
      for (const p of a) this.#deliver(node.index, p, message)
      for (const p of b) this.#deliver(node.index, p, { type: 'vote', vote: twin })
      // Gossip lets both versions meet somewhere: one peer of the first half also gets the twin.
      if (behaviour === 'doubleVote') this.#deliver(node.index, a[0]!, { type: 'vote', vote: twin })
      return
    }
    if (message.type === 'proposal' && (behaviour === 'equivocate' || behaviour === 'chaos' || behaviour === 'invalidProposal')) {
      const marker = behaviour !== 'invalidProposal' ? `twin:${this.#time}` : 'bad'
      const twinBlock = this.#alteredBlock(node, message.block, marker, behaviour === 'invalidProposal')
      const twin: Proposal = { ...message.proposal, valueId: blockId(twinBlock.header) }
      twin.signature = signer.signProposal(twin)
      const twinMessage: ConsensusMessage = { type: 'proposal', proposal: twin, block: twinBlock }
      if (behaviour === 'invalidProposal') {
        for (const p of peers) this.#deliver(node.index, p, twinMessage)
        return
      }
      const [a, b] = split()
      for (const p of a) this.#deliver(node.index, p, message)
      for (const p of b) this.#deliver(node.index, p, twinMessage)
      return
    }
    for (const p of peers) this.#deliver(node.index, p, message)
  }

  /** See ByzantineBehaviour 'lockBreaker'. Its victim is the honest proposer of the next round. */
  #lockBreakerBroadcast(node: SimNode, peers: number[], message: ConsensusMessage): void {
    const state = node.driver?.coreState
    if (state === undefined || (message.type !== 'proposal' && message.type !== 'vote')) {
      for (const p of peers) this.#deliver(node.index, p, message)
      return
    }
    const round = message.type === 'proposal' ? message.proposal.round : message.vote.round
    const attacking = proposer(state as ConsensusState, round) === node.key.address
    const victim = this.#nodes.findIndex((n) => n.key.address === proposer(state as ConsensusState, round + 1))
    if (!attacking || victim === node.index || victim < 0) {
      for (const p of peers) this.#deliver(node.index, p, message)
      return
    }
    const signer = simSigner(node.key)
    const others = peers.filter((p) => p !== victim)
    if (message.type === 'proposal') {
      const late = timeoutDuration(this.scenario.params.timeouts, 'propose', round) + this.scenario.maxDelay + 1
      for (const p of others) this.#deliver(node.index, p, message)
      this.#deliver(node.index, victim, message, late)
      return
    }
    const vote = message.vote
    const nil: Vote = { ...vote, valueId: null }
    nil.signature = signer.signVote(nil)
    const nilMessage: ConsensusMessage = { type: 'vote', vote: nil }
    if (vote.valueId === null) {
      for (const p of peers) this.#deliver(node.index, p, message)
    } else if (vote.type === 'prevote') {
      for (const p of others) this.#deliver(node.index, p, message)
      this.#deliver(node.index, victim, nilMessage)
    } else {
      const decider = this.#rng.pick(others)
      this.#deliver(node.index, decider, message)
      for (const p of peers) if (p !== decider) this.#deliver(node.index, p, nilMessage)
    }
  }

  #conflictingValue(node: SimNode, vote: Vote): string | null {
    if (vote.valueId !== null) return null
    const current = node.driver?.coreState.proposals.get(vote.round)?.proposal.valueId
    if (current !== undefined && this.#rng.chance(0.7)) return current
    const known = [...(node.driver?.coreState.knownValues ?? [])]
    if (known.length > 0) return this.#rng.pick(known)
    return toHex(Uint8Array.from({ length: 32 }, () => this.#rng.int(0, 255)))
  }

  /** The same block with one more tx: a valid twin (equivocation) or one with an invalid tx. */
  #alteredBlock(node: SimNode, block: Block, marker: string, invalid: boolean): Block {
    const tx = new TextEncoder().encode(`x${marker}`)
    if (invalid) tx[0] = INVALID_TX_MARKER
    const txs = [...block.txs, tx]
    const stateRoot = node.app.execute(txs, block.evidence)
    return { ...block, txs, header: { ...block.header, dataHash: dataHash(txs), stateRoot } }
  }
}

export function runScenario(scenario: Scenario): RunResult {
  return new Simulation(scenario).run()
}

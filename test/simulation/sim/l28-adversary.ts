import type { Block, ConsensusMessage, Proposal, ValidatorSet, ValueId, Vote } from '../../../src/consensus/index.js'
import { proposerSequence } from '../../../src/consensus/index.js'
import { type SimKey, simSigner } from './keys.js'

/** What the adversary sees of the simulation and how it acts on it. */
export interface AdversaryWorld {
  keys: readonly SimKey[]
  byzantine: ReadonlySet<number>
  /** Height 1's validator set (the attack runs at height 1, before any set change lands). */
  genesis: ValidatorSet
  /** Delivers `message` from `from` to `to` with the usual random delay. */
  send(from: number, to: number, message: ConsensusMessage): void
  now(): number
}

type Phase = 'polka' | 'lock' | 'reuse' | 'done' | 'off'

/** How long D stays hidden after the re-proposal: a few rounds, time for round c to play out. */
const HIDE_AFTER_REUSE = 300

/**
 * The L28 attack, built on purpose (issue 16): the Byzantine validators together with the
 * network before GST arrange, at height 1,
 *
 *  - round a (a Byzantine proposer): a proposal v reaches only honest set S, whose prevotes
 *    with the withheld Byzantine ones make a polka for v that no honest node sees in round a;
 *  - round b (the next honest proposer): a fresh w, prevoted by all; an honest D gets every
 *    precommit for w and decides it; the others get nil precommits from the Byzantine ones and
 *    nothing from D until GST, so they time out locked on w at round b;
 *  - round c (the next Byzantine proposer): a re-proposal of v with validRound a, the round-a
 *    polka relayed. Correct validators are locked at b > a on w ≠ v and prevote nil (L29);
 *    a core that accepts an older polka than its lock prevotes v and decides it: disagreement.
 *
 * Needs a Byzantine proposer for a and c, an honest one for b, and powers that make the
 * quorums work out; otherwise it stays `off` and the Byzantine validators behave honestly.
 */
export class L28Adversary {
  readonly #world: AdversaryWorld
  readonly #honest: number[]
  #phase: Phase = 'off'
  #a = -1
  #b = -1
  #c = -1
  #decider = -1
  #polkaSet = new Set<number>()
  #v: { proposal: Proposal; block: Block } | null = null
  #w: ValueId | null = null
  #polkaVotes: Vote[] = []
  #acted = new Set<string>()
  #settledAt: number | null = null

  constructor(world: AdversaryWorld) {
    this.#world = world
    const n = world.keys.length
    this.#honest = [...Array(n).keys()].filter((i) => !world.byzantine.has(i))
    this.#plan()
  }

  get phase(): Phase {
    return this.#phase
  }

  /**
   * When the attack was over (played out, or never possible): from then on the network is
   * fair again, so the run may count it as its GST instead of waiting for the scenario's heal.
   */
  get settledAt(): number | null {
    return this.#settledAt ?? (this.#phase === 'off' ? 0 : null)
  }

  /**
   * Until when an honest node's message is held back (the network adversary's delay before
   * GST): null for no delay, Infinity for "until GST".
   */
  holdsUntil(from: number, to: number, message: ConsensusMessage): number | null {
    if (this.#phase === 'off' || this.#world.byzantine.has(from)) return null
    if (from === this.#decider && to !== this.#decider && this.#phase !== 'polka') {
      // D's decision stays hidden, after the re-proposal still for a few rounds' time.
      return this.#settledAt === null ? Infinity : this.#settledAt + HIDE_AFTER_REUSE
    }
    if (this.#phase === 'done' || message.type !== 'proposal' || message.proposal.height !== 1) return null
    // Rounds other than b must not decide: their honest proposals arrive after GST.
    return message.proposal.round !== this.#b ? Infinity : null
  }

  /** A message an honest node broadcast (before delivery): the adversary reacts to what it sees. */
  observe(_from: number, message: ConsensusMessage): void {
    if (this.#phase === 'off' || this.#phase === 'done') return
    if (message.type === 'proposal' && message.proposal.height === 1 && message.proposal.round === this.#b)
      this.#w = message.proposal.valueId
    if (message.type !== 'vote' || message.vote.height !== 1) return
    const vote = message.vote
    const v = this.#v?.proposal.valueId
    if (vote.round === this.#a && vote.type === 'prevote' && v !== undefined && vote.valueId === v) this.#polkaVotes.push(vote)
    if (vote.round === this.#b && this.#phase === 'polka') this.#phase = 'lock'
    if (vote.round === this.#b && vote.type === 'prevote')
      this.#once(`pv${this.#b}`, () => this.#sendVotes('prevote', this.#b, this.#w ?? vote.valueId, this.#others()))
    if (vote.round === this.#b && vote.type === 'precommit') {
      this.#once(`pc${this.#b}`, () => {
        this.#sendVotes('precommit', this.#b, this.#w, [this.#decider])
        this.#sendVotes(
          'precommit',
          this.#b,
          null,
          this.#others().filter((i) => i !== this.#decider),
        )
      })
    }
    if (vote.round > this.#b && vote.round < this.#c) {
      this.#phase = 'reuse'
      this.#once(`nil${vote.round}`, () => {
        this.#sendVotes('prevote', vote.round, null, this.#others())
        this.#sendVotes('precommit', vote.round, null, this.#others())
      })
    }
    if (vote.round === this.#c - 1 && vote.type === 'precommit') this.#once('reuse', () => this.#reuse())
  }

  /** A Byzantine driver's broadcast: the adversary speaks for the Byzantine validators instead. */
  byzantineBroadcast(node: number, peers: readonly number[], message: ConsensusMessage): void {
    if (this.#phase === 'off' || this.#phase === 'done') {
      for (const p of peers) this.#world.send(node, p, message)
      return
    }
    if (message.type === 'proposal' && message.proposal.height === 1 && message.proposal.round === this.#a && this.#v === null) {
      this.#v = { proposal: message.proposal, block: message.block }
      for (const p of this.#polkaSet) this.#world.send(node, p, message)
    }
  }

  #plan(): void {
    const { genesis, byzantine, keys } = this.#world
    const index = new Map(keys.map((k, i) => [k.address, i]))
    const order = proposerSequence(genesis, 24).map((a) => index.get(a)!)
    this.#a = order.findIndex((i) => byzantine.has(i))
    this.#b = order.findIndex((i, r) => r > this.#a && !byzantine.has(i))
    this.#c = order.findIndex((i, r) => r > this.#b && byzantine.has(i))
    if (this.#a < 0 || this.#b < 0 || this.#c < 0) return
    const power = (i: number): bigint => genesis.validators.find((v) => v.address === keys[i]!.address)!.votingPower
    const total = genesis.totalPower
    const faulty = [...byzantine].reduce((sum, i) => sum + power(i), 0n)
    const honestTotal = total - faulty
    const quorum = (p: bigint): boolean => p * 3n > total * 2n
    // D: without it the others must not reach a quorum, with the Byzantine power they must.
    const decider = [...this.#honest]
      .sort((x, y) => Number(power(y) - power(x)))
      .find((d) => !quorum(honestTotal - power(d)) && quorum(total - power(d)))
    if (decider === undefined) return
    // S: a polka for v needs the Byzantine prevotes, so no honest node sees one in round a.
    const polkaSet: number[] = []
    let polka = 0n
    for (const i of [...this.#honest].sort((x, y) => Number(power(x) - power(y)))) {
      if (quorum(polka + faulty)) break
      polkaSet.push(i)
      polka += power(i)
    }
    if (!quorum(polka + faulty) || quorum(polka)) return
    this.#decider = decider
    this.#polkaSet = new Set(polkaSet)
    this.#phase = 'polka'
  }

  #others(): number[] {
    return this.#honest
  }

  #once(key: string, act: () => void): void {
    if (this.#acted.has(key)) return
    this.#acted.add(key)
    act()
  }

  #sendVotes(type: Vote['type'], round: number, valueId: ValueId | null, to: readonly number[]): void {
    for (const b of this.#world.byzantine) {
      const vote = this.#vote(b, type, round, valueId)
      for (const p of to) this.#world.send(b, p, { type: 'vote', vote })
    }
  }

  #vote(node: number, type: Vote['type'], round: number, valueId: ValueId | null): Vote {
    const unsigned = { type, height: 1, round, valueId, validator: this.#world.keys[node]!.address }
    return { ...unsigned, signature: simSigner(this.#world.keys[node]!).signVote(unsigned) }
  }

  /** Round c: v again with validRound a, the round-a polka, and the Byzantine prevotes and precommits for it. */
  #reuse(): void {
    const v = this.#v
    this.#phase = 'done'
    this.#settledAt = this.#world.now()
    if (v === null) return
    const { keys, genesis } = this.#world
    const index = new Map(keys.map((k, i) => [k.address, i]))
    const proposerC = index.get(proposerSequence(genesis, this.#c + 1)[this.#c]!)!
    const unsigned = { height: 1, round: this.#c, valueId: v.proposal.valueId, polRound: this.#a, proposer: keys[proposerC]!.address }
    const proposal: Proposal = { ...unsigned, signature: simSigner(keys[proposerC]!).signProposal(unsigned) }
    const to = this.#others().filter((i) => i !== this.#decider)
    const byzantinePolka = [...this.#world.byzantine].map((b) => this.#vote(b, 'prevote', this.#a, v.proposal.valueId))
    for (const p of to) {
      for (const vote of [...this.#polkaVotes, ...byzantinePolka]) this.#world.send(proposerC, p, { type: 'vote', vote })
      this.#world.send(proposerC, p, { type: 'proposal', proposal, block: v.block })
    }
    this.#sendVotes('prevote', this.#c, v.proposal.valueId, to)
    this.#sendVotes('precommit', this.#c, v.proposal.valueId, to)
  }
}

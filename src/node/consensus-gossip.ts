import {
  type ConsensusMessage,
  type Network,
  type SignatureVerifier,
  type ValidatorSet,
  blockId,
  checkCommit,
  decodeConsensusMessage,
  encodeConsensusMessage,
} from '../consensus/index.js'
import type { Logger } from '../log/index.js'
import type { ChainApp } from './chain-app.js'

export type GossipVerdict = 'accept' | 'reject' | 'ignore'

export interface ConsensusReceiver {
  receive(peer: string, message: ConsensusMessage): void
  /**
   * Whether the consensus core could use this proposal or vote (its proposer, round window,
   * slot): asked before the signature check, so what the core would drop is neither verified
   * nor relayed (ConsensusDriver.admits).
   */
  admits?(message: ConsensusMessage): boolean
}

interface Judged {
  verdict: GossipVerdict
  message: ConsensusMessage | null
}

export interface GossipStats {
  accepted: number
  rejected: number
  ignored: number
}

/**
 * Checks a consensus message before it is re-gossiped or handed to the driver: it must decode
 * canonically, and a vote, proposal or commit must carry valid signatures of validators of
 * its height. A bad one is 'reject' (the sender's score drops and nobody else sees it); one this
 * node cannot judge yet, or that is stale, is 'ignore' (dropped without blame). Only 'accept'ed
 * messages reach the consensus core.
 */
export class ConsensusGossip implements Network {
  readonly stats: GossipStats = { accepted: 0, rejected: 0, ignored: 0 }
  readonly #chain: ChainApp
  readonly #verifier: SignatureVerifier
  readonly #publish: (data: Uint8Array) => void
  readonly #sendTo: (peer: string, data: Uint8Array) => void
  readonly #log: Logger
  #receiver: ConsensusReceiver | null = null

  constructor(options: {
    chain: ChainApp
    verifier: SignatureVerifier
    publish: (data: Uint8Array) => void
    send: (peer: string, data: Uint8Array) => void
    log: Logger
  }) {
    this.#chain = options.chain
    this.#verifier = options.verifier
    this.#publish = options.publish
    this.#sendTo = options.send
    this.#log = options.log
  }

  /** Where accepted messages go: the running consensus driver, or nobody while the node syncs. */
  attach(receiver: ConsensusReceiver | null): void {
    this.#receiver = receiver
  }

  broadcast(message: ConsensusMessage): void {
    this.#publish(encodeConsensusMessage(message))
  }

  send(peer: string, message: ConsensusMessage): void {
    this.#sendTo(peer, encodeConsensusMessage(message))
  }

  /** Gossip validation; the decoded message is kept for `deliver` so it is decoded once. */
  validate(data: Uint8Array, from: string): GossipVerdict {
    const { verdict } = this.#judge(data, from)
    this.#count(verdict)
    return verdict
  }

  /** A message that passed `validate` (gossip) or arrived directly from a peer. */
  deliver(data: Uint8Array, from: string): void {
    const receiver = this.#receiver
    if (receiver === null) return
    const judged = this.#judged.get(data) ?? this.#judge(data, from)
    this.#judged.delete(data)
    if (judged.verdict === 'accept' && judged.message !== null) receiver.receive(from, judged.message)
  }

  /** Direct messages skip gossip validation; judge them here and count the result. */
  deliverDirect(data: Uint8Array, from: string): GossipVerdict {
    const judged = this.#judge(data, from)
    this.#count(judged.verdict)
    if (judged.verdict === 'accept' && judged.message !== null) this.#receiver?.receive(from, judged.message)
    return judged.verdict
  }

  // validate() and deliver() see the same bytes object; remembering the verdict spares a second signature check.
  readonly #judged = new WeakMap<Uint8Array, Judged>()

  #count(verdict: GossipVerdict): void {
    if (verdict === 'accept') this.stats.accepted++
    else if (verdict === 'reject') this.stats.rejected++
    else this.stats.ignored++
  }

  #judge(data: Uint8Array, from: string): Judged {
    let message: ConsensusMessage
    try {
      message = decodeConsensusMessage(data)
    } catch (error) {
      this.#log.debug({ peer: from, err: (error as Error).message }, 'undecodable consensus message')
      return this.#remember(data, { verdict: 'reject', message: null })
    }
    const verdict = this.#check(message)
    if (verdict === 'reject') this.#log.info({ peer: from, type: message.type }, 'dropped a consensus message with a bad signature')
    return this.#remember(data, { verdict, message })
  }

  #remember(data: Uint8Array, judged: Judged): Judged {
    this.#judged.set(data, judged)
    return judged
  }

  #setFor(height: number): ValidatorSet | null | 'stale' {
    const tip = this.#chain.height
    if (height <= tip - 1) return 'stale'
    return this.#chain.validatorsAt(height)
  }

  #check(message: ConsensusMessage): GossipVerdict {
    if (this.#receiver?.admits?.(message) === false) return 'ignore'
    switch (message.type) {
      case 'status':
        return 'accept'
      case 'vote': {
        const set = this.#setFor(message.vote.height)
        if (set === 'stale' || set === null) return 'ignore'
        const validator = set.validators.find((v) => v.address === message.vote.validator)
        if (validator === undefined) return 'reject'
        return this.#verifier.verifyVote(message.vote, validator) ? 'accept' : 'reject'
      }
      case 'proposal': {
        const { proposal, block } = message
        const set = this.#setFor(proposal.height)
        if (set === 'stale' || set === null) return 'ignore'
        const validator = set.validators.find((v) => v.address === proposal.proposer)
        if (validator === undefined || !this.#verifier.verifyProposal(proposal, validator)) return 'reject'
        return block.header.height === proposal.height && blockId(block.header) === proposal.valueId ? 'accept' : 'reject'
      }
      case 'commit': {
        const { block, commit } = message
        const set = this.#setFor(commit.height)
        if (set === 'stale' || set === null) return 'ignore'
        const id = blockId(block.header)
        return commit.blockId === id && checkCommit(commit, commit.height, id, set, this.#verifier) === null ? 'accept' : 'reject'
      }
    }
  }
}

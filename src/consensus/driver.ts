import type { Logger } from '../log/index.js'
import { logger } from '../log/index.js'
import { admitsMessage, namesItsBuilder, nextHeightSigner } from './admission.js'
import type { ConsensusApp, ChainTip } from './application.js'
import { type Block, type Commit, assembleBlock, blockId, commitFromPrecommits, commitVotes } from './block.js'
import { checkBlock, checkCommit } from './block-validation.js'
import type { ConsensusEffect } from './effects.js'
import { ConsensusError } from './errors.js'
import { EvidencePool, duplicateVoteEvidence } from './evidence.js'
import { DEFAULT_FUTURE_LIMITS, FutureBuffer, type FutureBufferLimits } from './future-buffer.js'
import type { ConsensusInput } from './inputs.js'
import type { ConsensusMessage } from './messages.js'
import { type ConsensusParams, DEFAULT_MAX_EVIDENCE_AGE, checkParams } from './params.js'
import { LatePrecommits } from './late-precommits.js'
import { ProposeWait } from './propose-wait.js'
import { polka, rebroadcastMessages } from './rebroadcast.js'
import { SignerGuard } from './signer-guard.js'
import type { ConsensusSigner, SignatureVerifier } from './signer.js'
import type { SignerStateStore } from './signer-state.js'
import { type ConsensusState, type CoreFaults, createConsensusState } from './state.js'
import { admitsProposal, admitsVote, step } from './state-machine.js'
import type { Height, Proposal, Round, Timeout, ValueId, Vote } from './types.js'
import type { ValidatorSet } from './validator-set.js'
import { hasVote } from './vote-keeper.js'
import type { Wal, WalInput } from './wal.js'

export type PeerId = string

/** The gossip layer as consensus sees it. */
export interface Network {
  broadcast(message: ConsensusMessage): void
  send(peer: PeerId, message: ConsensusMessage): void
}

/** Time and timers, passed in so the simulator can run on virtual time. */
export interface Clock {
  /** Unix ms (or virtual time). */
  now(): number
  setTimer(ms: number, fire: () => void): unknown
  clearTimer(handle: unknown): void
}

export interface DriverConfig {
  params: ConsensusParams
  app: ConsensusApp
  wal: Wal
  /** null for a full node: it follows and verifies but never signs. */
  signer: ConsensusSigner | null
  /**
   * The durable last-signed record beside the key (priv_validator_state.json); required with a
   * signer. It is what keeps a lost or restored WAL from leading to a double sign.
   */
  signerState?: SignerStateStore
  verifier: SignatureVerifier
  network: Network
  clock: Clock
  log?: Logger
  /** Only for Byzantine simulator nodes and planted-bug tests. */
  faults?: CoreFaults
  /** Evidence older than this many heights is no longer accepted into blocks. */
  maxEvidenceAge?: number
  /** Bounds of the next-height buffer, in bytes, in total and per signer. */
  futureLimits?: FutureBufferLimits
}

export interface CommittedBlock {
  height: Height
  round: Round
  block: Block
  commit: Commit
}

const MAX_EVIDENCE_PER_BLOCK = 10

/** An answer still to come: a promise, or any thenable (the simulator answers in virtual time). */
function isPending<T>(answer: T | PromiseLike<T>): answer is PromiseLike<T> {
  return typeof (answer as { then?: unknown } | null)?.then === 'function'
}

/**
 * Runs the pure core (`step`) against the world: verifies signatures, logs every input to the
 * WAL before the core sees it, signs through the SignerGuard (WAL fsync before a message
 * leaves), keeps timers, asks the application to build/execute/commit blocks, serves commits
 * to peers that are behind, and gossips again while a height makes no progress.
 */
export class ConsensusDriver {
  readonly #config: DriverConfig
  readonly #log: Logger
  readonly #pool = new EvidencePool()
  readonly #maxEvidenceAge: number
  #core: ConsensusState
  #tip!: ChainTip
  #guard: SignerGuard | null = null
  #blocks = new Map<ValueId, Block>()
  #ownBlocks = new Set<ValueId>()
  #queue: WalInput[] = []
  #draining = false
  #replaying = false
  #replayTimeouts: Array<{ timeout: Timeout; durationMs: number }> = []
  #pendingDecision: Extract<ConsensusEffect, { kind: 'decide' }> | null = null
  /** Late precommits for the last decision extend the commit the next proposal carries. */
  readonly #late = new LatePrecommits()
  #future: FutureBuffer
  /** Propose timeouts held while the round's value is built or executed. */
  readonly #proposeWait = new ProposeWait()
  #timers = new Set<unknown>()
  #rebroadcastTimer: unknown = null
  #served = new Map<string, number>()
  #stopped = false
  #listeners: Array<(committed: CommittedBlock) => void> = []

  constructor(config: DriverConfig) {
    this.#config = { ...config, params: checkParams(config.params) }
    this.#log = config.log ?? logger('consensus')
    this.#maxEvidenceAge = config.maxEvidenceAge ?? config.app.maxEvidenceAge ?? DEFAULT_MAX_EVIDENCE_AGE
    this.#future = new FutureBuffer(config.futureLimits ?? DEFAULT_FUTURE_LIMITS)
    if (config.signer !== null && config.signerState === undefined) {
      throw new ConsensusError('INVALID_PARAMS', 'a validator needs a durable signer state (priv_validator_state.json)', {
        reason: 'signerState',
      })
    }
    this.#core = this.#freshCore()
  }

  /** Blocks held for the current height (proposals the core kept, own blocks, commit certificates). */
  get retainedBlocks(): number {
    return this.#blocks.size
  }

  /** Bytes held for the next height. */
  get futureBytes(): number {
    return this.#future.bytes
  }

  get height(): Height {
    return this.#core.height
  }

  get round(): Round {
    return this.#core.round
  }

  get step(): ConsensusState['step'] {
    return this.#core.step
  }

  /** Read-only view for tests and metrics. */
  get coreState(): Readonly<ConsensusState> {
    return this.#core
  }

  onCommit(listener: (committed: CommittedBlock) => void): void {
    this.#listeners.push(listener)
  }

  /**
   * Resumes at the application's tip + 1. If the WAL holds that height, its inputs are
   * replayed through the core first (restoring locks), signed messages are re-sent (same
   * signatures), and the height continues from where it stopped.
   */
  start(): void {
    this.#tip = this.#config.app.tip()
    const height = this.#tip.height + 1
    const entries = this.#config.wal.entries()
    const marker = entries[0]
    const resume = marker !== undefined && marker.kind === 'height' && marker.height === height
    const { signer } = this.#config
    this.#guard =
      signer === null ? null : new SignerGuard(signer, this.#config.wal, resume ? entries : [], height, this.#config.signerState!)
    this.#core = this.#freshCore()
    this.#startRebroadcast()
    if (!resume) {
      this.#enterHeight(height)
      return
    }
    this.#log.info({ height, entries: entries.length }, 'replaying WAL')
    this.#replaying = true
    this.#apply({ kind: 'startHeight', height, validators: this.#tip.validators })
    for (const entry of entries) if (entry.kind === 'input') this.#process(entry.input)
    this.#replaying = false
    this.#afterReplay()
  }

  stop(): void {
    this.#stopped = true
    for (const handle of this.#timers) this.#config.clock.clearTimer(handle)
    this.#timers.clear()
    if (this.#rebroadcastTimer !== null) this.#config.clock.clearTimer(this.#rebroadcastTimer)
  }

  /** A message from the network. Signatures are checked here; the core sees only verified input. */
  receive(peer: PeerId, message: ConsensusMessage): void {
    if (this.#stopped) return
    const height = this.#core.height
    switch (message.type) {
      case 'status':
        if (message.height < height) this.#serveCommit(peer, message.height)
        return
      case 'commit':
        if (message.commit.height === height && this.#core.step !== 'commit') this.#onCommitMessage(message.block, message.commit)
        return
      case 'proposal':
      case 'vote': {
        const h = message.type === 'vote' ? message.vote.height : message.proposal.height
        if (message.type === 'vote' && this.#late.isLate(message.vote)) {
          this.#late.add(message.vote, this.#config.app, this.#config.verifier)
          return
        }
        if (h < height) {
          // A peer behind us: it learns the decision from our commit when it asks (status).
          return
        } else if (h > height || this.#core.step === 'commit') {
          if (h === height + 1 || (h === height && this.#core.step === 'commit')) {
            this.#hold(peer, message)
          } else {
            this.#askStatus(peer)
          }
        } else if (message.type === 'vote') {
          this.#onVote(message.vote)
        } else {
          this.#onProposal(message.proposal, message.block)
        }
        return
      }
    }
  }

  /**
   * Whether a proposal or vote is one this node's core could still use — the checks `receive`
   * makes before a signature, without the signature. The gossip layer asks before it verifies
   * and relays a message, so a flood the core would drop does not travel on through this node.
   * Messages for heights it cannot judge (behind, far ahead, or the height it just decided,
   * which peers may still need) are left to gossip's own checks.
   */
  admits(message: ConsensusMessage): boolean {
    return admitsMessage(this.#core, message)
  }

  // -------------------------------------------------------------------------------------------
  // Network input

  /**
   * The core's own admission rules first (round range, set membership, not a repeat, slot not
   * full): a vote the core would drop is neither verified nor logged.
   */
  #onVote(vote: Vote): void {
    if (!admitsVote(this.#core, vote)) return
    const validator = this.#core.validators?.validators.find((v) => v.address === vote.validator)
    if (validator === undefined || !this.#config.verifier.verifyVote(vote, validator)) return
    this.#enqueue({ kind: 'vote', vote })
  }

  /**
   * Proposer of (h, r), round range and "first proposal of the round" are checked before the
   * signature, and nothing is stored before all checks pass: a proposal the core would not
   * keep never reaches the block map or the WAL, whoever signed it.
   */
  #onProposal(proposal: Proposal, block: Block): void {
    if (!admitsProposal(this.#core, proposal)) return
    if (!namesItsBuilder(proposal, block)) return
    const validator = this.#core.validators?.validators.find((v) => v.address === proposal.proposer)
    if (validator === undefined || !this.#config.verifier.verifyProposal(proposal, validator)) return
    if (block.header.height !== proposal.height || blockId(block.header) !== proposal.valueId) return
    const timely = block.header.time <= this.#config.clock.now() + this.#config.params.maxClockDriftMs
    this.#enqueue({ kind: 'proposal', proposal, block, timely })
  }

  #onCommitMessage(block: Block, commit: Commit): void {
    const validators = this.#core.validators
    if (validators === null || blockId(block.header) !== commit.blockId) return
    // A repeat is cheap to spot; spare it the signature checks.
    if (this.#core.knownValues.has(commit.blockId) && commitVotes(commit).every((vote) => hasVote(this.#core.votes, vote))) return
    if (checkCommit(commit, this.#core.height, commit.blockId, validators, this.#config.verifier) !== null) return
    this.#enqueue({ kind: 'commitCertificate', block, commit })
  }

  /**
   * A proposal or vote for the next height: verified against that height's set (so each
   * signer's share of the buffer is really its own), then held within the buffer's bounds.
   */
  #hold(peer: PeerId, message: Extract<ConsensusMessage, { type: 'proposal' | 'vote' }>): void {
    const set = this.#validatorsFor(message.type === 'vote' ? message.vote.height : message.proposal.height)
    if (set === null) return
    const signer = nextHeightSigner(message, set, this.#config.verifier, this.#config.params)
    if (signer !== null) this.#future.add(peer, message, signer)
  }

  /** The validator set of height `h` if it is the current or the next one. */
  #validatorsFor(h: Height): ValidatorSet | null {
    if (h === this.#tip.height + 1) return this.#tip.validators
    if (h === this.#tip.height + 2) return this.#tip.nextValidators
    return null
  }

  #serveCommit(peer: PeerId, height: Height): void {
    const key = `${peer}/${height}`
    const now = this.#config.clock.now()
    const last = this.#served.get(key)
    if (last !== undefined && now - last < this.#config.params.rebroadcastMs) return
    const stored = this.#config.app.committedBlock(height)
    if (stored === null) return
    if (this.#served.size > 10_000) this.#served.clear()
    this.#served.set(key, now)
    this.#config.network.send(peer, { type: 'commit', block: stored.block, commit: stored.commit })
  }

  #askStatus(peer: PeerId): void {
    const key = `status/${peer}`
    const now = this.#config.clock.now()
    const last = this.#served.get(key)
    if (last !== undefined && now - last < this.#config.params.rebroadcastMs) return
    this.#served.set(key, now)
    this.#config.network.send(peer, { type: 'status', height: this.#core.height })
  }

  // -------------------------------------------------------------------------------------------
  // Input queue: WAL first, then the core

  #enqueue(input: WalInput): void {
    this.#queue.push(input)
    if (this.#draining || this.#replaying) return
    this.#draining = true
    try {
      while (this.#queue.length > 0 && !this.#stopped) this.#process(this.#queue.shift()!)
    } finally {
      this.#draining = false
    }
  }

  /** WAL first, then the core; only what the core will record is written (the queue may hold inputs that went stale). */
  #process(input: WalInput): void {
    const core = this.#toCoreInput(input)
    if (core === null) return
    if (!this.#replaying) this.#config.wal.append({ kind: 'input', input }, false)
    this.#apply(core)
  }

  #toCoreInput(input: WalInput): ConsensusInput | null {
    const height = this.#core.height
    switch (input.kind) {
      case 'proposal':
        if (!admitsProposal(this.#core, input.proposal)) return null
        this.#blocks.set(input.proposal.valueId, input.block)
        return { kind: 'proposal', proposal: input.proposal, timely: input.timely }
      case 'vote':
        return admitsVote(this.#core, input.vote) ? { kind: 'vote', vote: input.vote } : null
      // The core's own guards (L58, L62, L66: only the current round's timeouts; valid(v) only for a value it knows).
      case 'timeout':
        return input.timeout.height === height && input.timeout.round === this.#core.round
          ? { kind: 'timeout', timeout: input.timeout }
          : null
      case 'blockValidity':
        return input.height === height && this.#core.knownValues.has(input.valueId)
          ? { kind: 'blockValidity', height, valueId: input.valueId, valid: input.valid }
          : null
      case 'proposeValue': {
        if (input.block.header.height !== height) return null
        const id = blockId(input.block.header)
        this.#blocks.set(id, input.block)
        this.#ownBlocks.add(id)
        return { kind: 'proposeValue', height, round: input.round, valueId: id }
      }
      case 'commitCertificate': {
        if (input.commit.height !== height) return null
        this.#blocks.set(input.commit.blockId, input.block)
        return {
          kind: 'commitCertificate',
          height,
          round: input.commit.round,
          valueId: input.commit.blockId,
          precommits: commitVotes(input.commit),
        }
      }
    }
  }

  #apply(input: ConsensusInput): void {
    const { effects } = step(this.#core, input)
    for (const effect of effects) this.#run(effect)
  }

  // -------------------------------------------------------------------------------------------
  // Effects

  #run(effect: ConsensusEffect): void {
    switch (effect.kind) {
      case 'getValue':
        if (!this.#replaying) this.#getValue(effect.height, effect.round)
        return
      case 'broadcastProposal': {
        const signed = this.#sign(() => this.#guard!.signProposal(effect.proposal))
        const block = this.#blocks.get(effect.proposal.valueId)
        if (signed === null || block === undefined || this.#replaying) return
        this.#config.network.broadcast({ type: 'proposal', proposal: signed, block })
        if (signed.polRound >= 0) this.#relayPolka(signed.polRound, signed.valueId)
        this.#enqueue({ kind: 'proposal', proposal: signed, block, timely: true })
        return
      }
      case 'broadcastVote': {
        const signed = this.#sign(() => this.#guard!.signVote(effect.vote))
        if (signed === null || this.#replaying) return
        this.#config.network.broadcast({ type: 'vote', vote: signed })
        this.#enqueue({ kind: 'vote', vote: signed })
        return
      }
      case 'scheduleTimeout':
        if (this.#replaying) this.#replayTimeouts.push({ timeout: effect.timeout, durationMs: effect.durationMs })
        else this.#schedule(effect.timeout, effect.durationMs)
        return
      case 'validateBlock':
        if (!this.#replaying) this.#validate(effect.valueId)
        return
      case 'decide':
        if (this.#replaying) this.#pendingDecision = effect
        else this.#decide(effect)
        return
      case 'equivocation': {
        const evidence = duplicateVoteEvidence(effect.first, effect.second)
        if (this.#pool.add(evidence))
          this.#log.warn({ validator: effect.first.validator, height: effect.first.height, round: effect.first.round }, 'duplicate vote')
        return
      }
    }
  }

  #sign<T>(sign: () => T): T | null {
    if (this.#guard === null) return null
    try {
      return sign()
    } catch (error) {
      if (error instanceof ConsensusError) {
        this.#log.error({ code: error.code, ...error.context }, 'signer guard refused to sign')
        return null
      }
      throw error
    }
  }

  #schedule(timeout: Timeout, durationMs: number): void {
    const handle = this.#config.clock.setTimer(durationMs, () => {
      this.#timers.delete(handle)
      if (this.#stopped) return
      if (timeout.step !== 'propose' || !this.#proposeWait.holds(this.#core, timeout)) this.#enqueue({ kind: 'timeout', timeout })
    })
    this.#timers.add(handle)
  }

  /** The verdict (or own value) a held propose timeout waited for has come: let it go. */
  #releaseTimeout(): void {
    const held = this.#proposeWait.release(this.#core)
    if (held !== null && !this.#stopped) this.#enqueue({ kind: 'timeout', timeout: held })
  }

  #getValue(height: Height, round: Round): void {
    // Fresh: late precommits may have extended the tip's commit since the height began.
    const tip = (this.#tip = this.#config.app.tip())
    const self = this.#guard!.address
    const time = Math.max(this.#config.clock.now(), tip.time + 1)
    const evidence = this.#pool
      .pending(MAX_EVIDENCE_PER_BLOCK * 4, tip.height + 1 - this.#maxEvidenceAge)
      .filter((e) => e.voteA.height <= tip.height)
      .slice(0, MAX_EVIDENCE_PER_BLOCK)
    const finish = (prepared: { txs: Uint8Array[]; stateRoot: Uint8Array }): void => {
      this.#proposeWait.preparing = false
      if (this.#stopped || this.#core.height !== height) return
      const block = assembleBlock(tip, { height, time, proposer: self, evidence }, prepared)
      this.#enqueue({ kind: 'proposeValue', round, block })
      this.#releaseTimeout()
    }
    const prepared = this.#config.app.prepareBlock({ height, round, time, proposer: self, evidence })
    if (isPending(prepared)) {
      this.#proposeWait.preparing = true
      prepared.then(finish, (error) => {
        this.#proposeWait.preparing = false
        this.#log.error({ err: error, height, round }, 'prepareBlock failed')
        this.#releaseTimeout()
      })
    } else {
      finish(prepared)
    }
  }

  #validate(valueId: ValueId): void {
    const height = this.#core.height
    const block = this.#blocks.get(valueId)
    if (block === undefined) return
    const answer = (valid: boolean, reason?: string): void => {
      this.#proposeWait.doneExecuting(valueId)
      if (!valid) this.#log.info({ height, block: valueId, reason }, 'invalid block')
      if (!this.#stopped) this.#enqueue({ kind: 'blockValidity', height, valueId, valid })
      this.#releaseTimeout()
    }
    if (this.#ownBlocks.has(valueId)) return answer(true)
    const problem = checkBlock(block, {
      tip: this.#tip,
      verifier: this.#config.verifier,
      validatorsAt: (h) => this.#config.app.validatorsAt(h),
      maxEvidenceAge: this.#maxEvidenceAge,
    })
    if (problem !== null) return answer(false, problem)
    const verdict = this.#config.app.processBlock(block)
    if (isPending(verdict)) {
      this.#proposeWait.startExecuting(valueId)
      verdict.then(
        (v) => answer(v.valid, v.reason),
        (error) => answer(false, String(error)),
      )
    } else {
      answer(verdict.valid, verdict.reason)
    }
  }

  #decide(effect: Extract<ConsensusEffect, { kind: 'decide' }>): void {
    const block = this.#blocks.get(effect.valueId)!
    const commit = commitFromPrecommits(effect.height, effect.round, effect.valueId, effect.precommits)
    this.#late.decided(effect.height, effect.round, effect.valueId, effect.precommits)
    this.#log.info({ height: effect.height, round: effect.round, block: effect.valueId }, 'decided')
    for (const handle of this.#timers) this.#config.clock.clearTimer(handle)
    this.#timers.clear()
    const done = (): void => {
      if (this.#stopped) return
      this.#pool.markCommitted(block.evidence)
      this.#tip = this.#config.app.tip()
      this.#pool.prune(this.#tip.height + 1 - this.#maxEvidenceAge)
      for (const listener of this.#listeners) listener({ height: effect.height, round: effect.round, block, commit })
      const next = (): void => {
        if (!this.#stopped) this.#enterHeight(this.#tip.height + 1)
      }
      if (this.#config.params.commitDelayMs > 0) {
        const handle = this.#config.clock.setTimer(this.#config.params.commitDelayMs, () => {
          this.#timers.delete(handle)
          next()
        })
        this.#timers.add(handle)
      } else {
        next()
      }
    }
    const committed = this.#config.app.commitBlock(block, commit)
    if (isPending(committed)) committed.then(done, (error) => this.#log.fatal({ err: error }, 'commitBlock failed'))
    else done()
  }

  /** L52–L54 after the application committed: a fresh WAL segment, then StartRound(0). */
  #enterHeight(height: Height): void {
    this.#proposeWait.reset()
    this.#config.wal.startHeight(height)
    this.#guard?.enterHeight(height)
    this.#blocks = new Map()
    this.#ownBlocks = new Set()
    this.#apply({ kind: 'startHeight', height, validators: this.#tip.validators })
    for (const { peer, message } of this.#future.drain()) this.receive(peer, message)
  }

  #afterReplay(): void {
    const core = this.#core
    for (const { timeout, durationMs } of this.#replayTimeouts) this.#schedule(timeout, durationMs)
    this.#replayTimeouts = []
    // Re-send what was signed at this height (peers may have missed it) and count it again.
    for (const signed of this.#guard?.signedAt(core.height) ?? []) {
      if (signed.type === 'vote') {
        this.#config.network.broadcast({ type: 'vote', vote: signed.vote })
        this.#enqueue({ kind: 'vote', vote: signed.vote })
      } else {
        const block = this.#blocks.get(signed.proposal.valueId)
        if (block === undefined) continue
        this.#config.network.broadcast({ type: 'proposal', proposal: signed.proposal, block })
        this.#enqueue({ kind: 'proposal', proposal: signed.proposal, block, timely: true })
      }
    }
    if (this.#pendingDecision !== null) {
      const decision = this.#pendingDecision
      this.#pendingDecision = null
      this.#decide(decision)
      return
    }
    for (const valueId of core.knownValues) if (!core.validity.has(valueId)) this.#validate(valueId)
    if (core.awaitingValue && core.step === 'propose') this.#getValue(core.height, core.round)
  }

  // -------------------------------------------------------------------------------------------
  // Gossip again while stuck (rebroadcast.ts says what and why).

  #startRebroadcast(): void {
    const tick = (): void => {
      if (this.#stopped) return
      this.#rebroadcast()
      this.#rebroadcastTimer = this.#config.clock.setTimer(this.#config.params.rebroadcastMs, tick)
    }
    this.#rebroadcastTimer = this.#config.clock.setTimer(this.#config.params.rebroadcastMs, tick)
  }

  #rebroadcast(): void {
    for (const message of rebroadcastMessages(this.#core, this.#guard?.signedAt(this.#core.height) ?? [], this.#blocks))
      this.#config.network.broadcast(message)
  }

  #relayPolka(round: Round, valueId: ValueId): void {
    for (const message of polka(this.#core, round, valueId)) this.#config.network.broadcast(message)
  }

  #freshCore(): ConsensusState {
    return createConsensusState({
      self: this.#config.signer?.address ?? null,
      timeouts: this.#config.params.timeouts,
      maxRoundsAhead: this.#config.params.maxRoundsAhead,
      faults: this.#config.faults ?? {},
    })
  }
}

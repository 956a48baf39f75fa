import {
  type ConsensusApp,
  type Block,
  type ChainTip,
  type Commit,
  type DuplicateVoteEvidence,
  type ExecutionVerdict,
  type PreparedBlock,
  type ProposalContext,
  type ValidatorSet,
  type ValidatorSets,
  type ValidatorUpdate,
  advanceValidatorSets,
  genesisValidatorSets,
  resultsHash,
  txResultDigest,
} from '../consensus/index.js'
import { PublicKey, decodeAddress, toHex } from '../crypto/index.js'
import type { Logger } from '../log/index.js'
import { logger } from '../log/index.js'
import {
  type Application,
  type BlobReader,
  type BlockResultsValue,
  type EnvelopeOpener,
  type ExecutedBlock,
  type TxResult,
  type ValidatorUpdate as StateValidatorUpdate,
  type WrittenKeys,
  StateError,
  blobReader,
} from '../state/index.js'
import { type BlockBudget, blockBudgetFor } from './block-budget.js'
import { BlockStore, type StoredBlock, encodeStoredBlock } from './block-store.js'
import { DEFAULT_CONFIG } from './config.js'
import { NodeError } from './errors.js'
import { commitInfoOf, executionKey, misbehaviourOf } from './execution-input.js'
import { upgradeHaltOf } from './upgrade.js'
import { crashPoint, testSwitch } from '../test-switch.js'

/** Where proposers take transactions from and who hears about commits: the mempool. */
export interface TxSource {
  reap(limits: { maxBytes: number; maxGas: bigint; maxTxs: number }): Uint8Array[]
}

export interface CommittedBlockInfo {
  block: Block
  commit: Commit
  results: TxResult[]
  /** The stored form of the block's results (what RPC serves and the indexer reads). */
  blockResults: BlockResultsValue
  stateRoot: Uint8Array
  /** Ids (keyId) of the state keys the block wrote or deleted: what a mempool must re-check against. */
  writtenKeys: WrittenKeys
}

/**
 * The blobs a block's transactions declare, made local before the block is executed (DESIGN §5,
 * data availability): the node's parameter store behind it (node/block-data.ts). CIDs are CIDv1
 * text, as messages declare them.
 */
export interface BlockData {
  /** Whether every CID is local now, answered from memory (a proposer reaping its mempool). */
  holds(cids: readonly string[]): boolean
  /** Fetches the missing ones until `deadline` (wall-clock ms), then reads all; or says which it could not get. */
  load(
    cids: readonly string[],
    deadline: number,
  ): Promise<{ ok: true; blobs: ReadonlyMap<string, Uint8Array> } | { ok: false; missing: string[] }>
}

const ASSERT_INVARIANTS = testSwitch('assert-invariants')

/** How long a decided block's commit waits for data it still lacks before the node stops (its peers committed it, so they hold it). */
const COMMIT_DATA_WAIT_MS = 60_000

/** How many recent blocks stay decoded in memory to answer consensus catch-up synchronously. */
const RECENT_BLOCKS = 64
/** Room left in a proposal for the header, commit and encoding overhead. */
const BLOCK_OVERHEAD_BYTES = 64 * 1024

const toConsensusUpdate = (u: StateValidatorUpdate): ValidatorUpdate => ({
  address: PublicKey.fromBytes(u.publicKey).address,
  publicKey: u.publicKey,
  votingPower: u.power,
})

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * The state layer as consensus sees it (CometBFT's ABCI++ PrepareProposal / ProcessProposal /
 * FinalizeBlock + Commit, in process). A block is executed once per node: the result of
 * preparing or processing it is kept until it is committed or the height moves on.
 */
export class ChainApp implements ConsensusApp {
  readonly state: Application
  readonly blocks: BlockStore
  readonly #log: Logger
  #source: TxSource | null = null
  #budget: BlockBudget = blockBudgetFor(DEFAULT_CONFIG.consensus.timeoutProposeMs)
  #sets: ValidatorSets
  #lastValidators: ValidatorSet | null
  #tipBlock: StoredBlock | null
  /** resultsHash of the tip block's tx results: the next header's lastResultsHash. */
  #lastResultsHash = resultsHash([])
  #setsByHeight = new Map<number, ValidatorSet>()
  #recent = new Map<number, StoredBlock>()
  #executed = new Map<string, ExecutedBlock>()
  #nextSets = new WeakMap<ExecutedBlock, ValidatorSets & { lastValidators: ValidatorSet }>()
  #listeners: Array<(info: CommittedBlockInfo) => void> = []
  #fatal: Array<(error: unknown) => void> = []
  #inFlight: Promise<void> = Promise.resolve()
  #data: BlockData | null = null
  #envelopes: EnvelopeOpener | null = null
  #unreadable = false
  /** Precommits for the tip's block that arrived after its decision (ConsensusDriver: late precommits), by height. */
  #lateSignatures = new Map<number, { validator: string; signature: Uint8Array }[]>()
  #extendedCommit: { base: Commit; count: number; commit: Commit } | null = null
  #dataBudgetMs = 1_000
  /** The software upgrades this binary has (`fedra start --upgrade NAME`). */
  #upgrades: ReadonlySet<string> = new Set()

  private constructor(
    state: Application,
    sets: ValidatorSets,
    lastValidators: ValidatorSet | null,
    tipBlock: StoredBlock | null,
    log: Logger,
  ) {
    this.state = state
    this.blocks = new BlockStore(state.db)
    this.#sets = sets
    this.#lastValidators = lastValidators
    this.#tipBlock = tipBlock
    this.#log = log
  }

  /** Opens over an initialised state Application, restoring the tip, its sets and recent blocks from the store. */
  static async open(state: Application, log: Logger = logger('chain')): Promise<ChainApp> {
    if (state.genesis.initialHeight !== 1) {
      throw new NodeError('GENESIS_UNSUPPORTED', `initial_height ${state.genesis.initialHeight} is not supported yet; use 1`, {
        field: 'initial_height',
      })
    }
    const height = state.height
    // The set initChain decided: a module's (staking) or genesis.validators.
    const genesisSets = genesisValidatorSets((await state.genesisValidators()).map(toConsensusUpdate))
    if (height === 0) {
      const app = new ChainApp(state, genesisSets, null, null, log)
      app.#setsByHeight.set(1, genesisSets.validators)
      app.#setsByHeight.set(2, genesisSets.nextValidators)
      return app
    }
    const store = new BlockStore(state.db)
    const load = async (h: number): Promise<ValidatorSet> => {
      const set = (await store.validators(h)) ?? (h === 1 ? genesisSets.validators : h === 2 ? genesisSets.nextValidators : null)
      if (set === null) throw new NodeError('STORE_MISMATCH', `no validator set stored for height ${h}`, { height: h })
      return set
    }
    const tipBlock = await store.block(height)
    if (tipBlock === null)
      throw new NodeError('STORE_MISMATCH', `state is at height ${height} but block ${height} is not stored`, { height })
    if (!sameBytes(tipBlock.block.header.stateRoot, state.db.rootHash)) {
      throw new NodeError('STORE_MISMATCH', `block ${height} commits to a state root that is not the stored one`, { height })
    }
    const app = new ChainApp(
      state,
      { validators: await load(height + 1), nextValidators: await load(height + 2) },
      await load(height),
      tipBlock,
      log,
    )
    const results = await state.blockResults(height)
    if (results === null)
      throw new NodeError('STORE_MISMATCH', `state is at height ${height} but its block results are not stored`, { height })
    app.#lastResultsHash = resultsHash(results.txResults.map(txResultDigest))
    for (let h = Math.max(1, height - app.maxEvidenceAge); h <= height + 2; h++) app.#setsByHeight.set(h, await load(h))
    for (let h = Math.max(1, height - RECENT_BLOCKS + 1); h <= height; h++) {
      const stored = await store.block(h)
      if (stored !== null) app.#recent.set(h, stored)
    }
    return app
  }

  get height(): number {
    return this.state.height
  }

  get chainId(): string {
    return this.state.chainId
  }

  /** The mempool; unset on nodes that never propose (and in tests). */
  setTxSource(source: TxSource): void {
    this.#source = source
  }

  /** How proposals are sized; by default for the default propose timeout. */
  setBlockBudget(budget: BlockBudget): void {
    this.#budget = budget
  }

  get blockBudget(): BlockBudget {
    return this.#budget
  }

  /**
   * Where blobs come from before execution, and how long a validator may spend fetching a
   * proposal's before it must answer (a part of the propose timeout). Without it, a block that
   * declares blobs is invalid here (nothing can be loaded).
   */
  setBlockData(data: BlockData, budgetMs: number): void {
    this.#data = data
    this.#dataBudgetMs = budgetMs
  }

  /** This node's opener of private subnets' update envelopes (its own keys); without one it cannot execute their updates. */
  setEnvelopeOpener(opener: EnvelopeOpener): void {
    this.#envelopes = opener
  }

  /** The software upgrades this binary has (`--upgrade NAME`): a scheduled one it lacks halts the node at its height. */
  setUpgrades(names: Iterable<string>): void {
    this.#upgrades = new Set(names)
  }

  /**
   * Why this node must not execute the next block (x/upgrade's PreBlocker, node side): UPGRADE_NEEDED
   * when gov's plan is for that height and the binary lacks it, UPGRADE_TOO_EARLY when the binary
   * has the planned upgrade before its height; null to go on.
   */
  upgradeHalt(): NodeError | null {
    return upgradeHaltOf(this.state, this.#upgrades)
  }

  onCommitted(listener: (info: CommittedBlockInfo) => void): () => void {
    this.#listeners.push(listener)
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener)
    }
  }

  tip(): ChainTip {
    const tip = this.#tipBlock
    return {
      chainId: this.state.chainId,
      height: this.state.height,
      blockId: tip === null ? null : tip.commit.blockId,
      time: tip === null ? Number(this.state.genesis.genesisTime) : tip.block.header.time,
      lastCommit: this.#lastCommit(),
      lastResultsHash: this.#lastResultsHash,
      lastValidators: this.#lastValidators,
      validators: this.#sets.validators,
      nextValidators: this.#sets.nextValidators,
    }
  }

  addCommitSignature(height: number, signature: { validator: string; signature: Uint8Array }): void {
    // Only for the block being committed or just committed: anything older is no next proposal's last commit.
    if (height < this.state.height) return
    const list = this.#lateSignatures.get(height) ?? []
    if (list.some((s) => s.validator === signature.validator)) return
    list.push(signature)
    this.#lateSignatures.set(height, list)
  }

  /** The tip's commit with the late precommits that arrived for it: what this node's next proposal carries as lastCommit. */
  #lastCommit(): Commit | null {
    const base = this.#tipBlock?.commit ?? null
    if (base === null) return null
    const late = this.#lateSignatures.get(base.height) ?? []
    if (late.length === 0) return base
    const cached = this.#extendedCommit
    if (cached !== null && cached.base === base && cached.count === late.length) return cached.commit
    const known = new Set(base.signatures.map((s) => s.validator))
    const commit = { ...base, signatures: [...base.signatures, ...late.filter((s) => !known.has(s.validator))] }
    this.#extendedCommit = { base, count: late.length, commit }
    return commit
  }

  prepareBlock(context: ProposalContext): PreparedBlock | Promise<PreparedBlock> {
    const params = this.state.genesis.consensusParams.block
    // The count is this node's choice (measured time); bytes and gas are the consensus bounds every validator checks.
    const maxTxs = this.#budget.maxTxs()
    const reaped =
      this.#source?.reap({ maxBytes: Math.max(0, params.maxBytes - BLOCK_OVERHEAD_BYTES), maxGas: params.maxGas, maxTxs }) ?? []
    // A proposer includes a transaction that reads blobs only if it holds them (the rest wait in the pool).
    const data = this.#data
    const declared = new Map<Uint8Array, string[]>()
    const txs =
      data === null || !this.state.registry.declaresBlobs
        ? reaped
        : reaped.filter((tx) => {
            const cids = this.state.referencedBlobs([tx])
            declared.set(tx, cids)
            return cids.length === 0 || data.holds(cids)
          })
    // Taken now, in the same tick as the driver's tip(): the block it assembles carries this very commit.
    const lastCommit = this.#lastCommit()
    const prepare = (chosen: Uint8Array[], blobs?: BlobReader): PreparedBlock => {
      const started = performance.now()
      const executed = this.#execute(context.height, context.time, context.proposer, chosen, context.evidence, lastCommit, blobs)
      if (chosen.length > 0) {
        const { msPerTx, commitMsPerTx } = this.#budget
        this.#log.debug(
          {
            height: context.height,
            round: context.round,
            txs: chosen.length,
            maxTxs,
            msPerTx,
            commitMsPerTx,
            executeMs: performance.now() - started,
          },
          'proposal prepared',
        )
      }
      return { txs: chosen, stateRoot: executed.stateRoot }
    }
    const cids = [...new Set(txs.flatMap((tx) => declared.get(tx) ?? []))].sort()
    if (cids.length === 0 || data === null) return prepare(txs)
    return data.load(cids, Date.now() + this.#dataBudgetMs).then((loaded) =>
      // Held a moment ago; if one went meanwhile (garbage collection), propose without the txs that read blobs.
      loaded.ok ? prepare(txs, blobReader(cids, loaded.blobs)) : prepare(txs.filter((tx) => (declared.get(tx) ?? []).length === 0)),
    )
  }

  /**
   * Executes a proposal and compares its state root. A block whose transactions declare blobs is
   * executed only once every one is local: missing ones are fetched within the data budget, and a
   * block whose data cannot be had in time is answered invalid (a nil prevote), without executing.
   */
  processBlock(block: Block): ExecutionVerdict | Promise<ExecutionVerdict> {
    const cids = this.state.referencedBlobs(block.txs)
    if (cids.length === 0) return this.#verdict(block)
    if (this.#data === null) return { valid: false, reason: `block declares ${cids.length} blobs and this node has no blob store` }
    return this.#data.load(cids, Date.now() + this.#dataBudgetMs).then((loaded) => {
      if (!loaded.ok) return { valid: false, reason: `blobs unavailable: ${loaded.missing.join(', ')}` }
      return this.#verdict(block, blobReader(cids, loaded.blobs))
    })
  }

  /**
   * A block that is already decided (block sync: a commit of +2/3 came with it), executed and
   * checked like a proposal, except that its blobs are waited for rather than held to the
   * proposal budget: the network committed it, so the data exists. Data that cannot be had is
   * this node's problem (NodeError), not a sign that the peer serving the block lied.
   */
  async verifyDecided(block: Block): Promise<ExecutionVerdict> {
    return this.#verdict(block, await this.#commitBlobs(block), true)
  }

  /** `decided`: a block the network committed, so a failure of this node's own (ENVELOPE_UNREADABLE) is thrown, not blamed on the block or its peer. */
  #verdict(block: Block, blobs?: BlobReader, decided = false): ExecutionVerdict {
    const { header } = block
    let executed: ExecutedBlock
    try {
      executed = this.#execute(header.height, header.time, header.proposer, block.txs, block.evidence, block.lastCommit, blobs)
    } catch (error) {
      if (decided && error instanceof StateError && error.code === 'ENVELOPE_UNREADABLE') throw error
      return { valid: false, reason: error instanceof Error ? error.message : String(error) }
    }
    if (!sameBytes(executed.stateRoot, header.stateRoot))
      return { valid: false, reason: `state root ${toHex(executed.stateRoot)} differs from the header's` }
    return { valid: true }
  }

  /**
   * Called when a decided block cannot be committed (a store write failed, or this node computes
   * another state root). The node cannot go on from there, so its owner must stop it loudly.
   */
  onFatal(listener: (error: unknown) => void): void {
    this.#fatal.push(listener)
  }

  commitBlock(block: Block, commit: Commit): Promise<void> {
    const done = this.#commit(block, commit)
    this.#inFlight = done.catch((error) => {
      for (const listener of this.#fatal) listener(error)
    })
    return done
  }

  /** Resolves once no commit is being written (before closing the store). */
  async idle(): Promise<void> {
    await this.#inFlight
  }

  async #commit(block: Block, commit: Commit): Promise<void> {
    const { header } = block
    const executed =
      this.#executed.get(this.#keyOf(block)) ??
      this.#execute(
        header.height,
        header.time,
        header.proposer,
        block.txs,
        block.evidence,
        block.lastCommit,
        await this.#commitBlobs(block),
      )
    if (!sameBytes(executed.stateRoot, header.stateRoot)) {
      // Consensus decided a block whose root this node computes differently: continuing would fork.
      throw new NodeError('STORE_MISMATCH', `decided block ${header.height} has a state root this node does not reproduce`, {
        height: header.height,
      })
    }
    const next = this.#nextSets.get(executed)!
    const stored = encodeStoredBlock(block, commit)
    crashPoint('commit-before')
    const writing = performance.now()
    const blockResults = await this.state.commitBlock(executed, this.blocks.recordsFor(stored, block, next.validators, next.nextValidators))
    const writeMs = performance.now() - writing
    crashPoint('commit-after')
    // Test-only (the fault harness): a broken invariant stops the node with INVARIANT_BROKEN.
    if (ASSERT_INVARIANTS) this.state.assertInvariants()
    this.#sets = { validators: next.validators, nextValidators: next.nextValidators }
    this.#lastValidators = next.lastValidators
    this.#tipBlock = { block, commit }
    for (const h of this.#lateSignatures.keys()) if (h < header.height) this.#lateSignatures.delete(h)
    this.#lastResultsHash = resultsHash(executed.txResults.map(txResultDigest))
    this.#executed.clear()
    this.#recent.set(header.height, { block, commit })
    this.#recent.delete(header.height - RECENT_BLOCKS)
    this.#setsByHeight.set(header.height + 1, next.validators)
    this.#setsByHeight.set(header.height + 2, next.nextValidators)
    this.#setsByHeight.delete(header.height - this.maxEvidenceAge)
    const info = {
      block,
      commit,
      results: executed.txResults,
      blockResults,
      stateRoot: executed.stateRoot,
      writtenKeys: executed.prepared.writes,
    }
    const started = performance.now()
    for (const listener of this.#listeners) {
      try {
        listener(info)
      } catch (error) {
        this.#log.error({ err: error, height: header.height }, 'commit listener failed')
      }
    }
    const listenersMs = performance.now() - started
    this.#budget.observeCommit(block.txs.length, listenersMs)
    this.#log.debug({ height: header.height, txs: block.txs.length, writeMs, listenersMs }, 'block committed')
    // The next block is a scheduled upgrade's and this binary lacks it: stop now, before anything
    // executes it (the fatal listeners stop consensus before the driver moves to the next height).
    const halt = this.upgradeHalt()
    if (halt?.code === 'UPGRADE_NEEDED') for (const listener of this.#fatal) listener(halt)
  }

  committedBlock(height: number): StoredBlock | null {
    return this.#recent.get(height) ?? null
  }

  /** Evidence older than this many heights is refused, and validator sets are kept this long (genesis consensus_params.evidence). */
  get maxEvidenceAge(): number {
    return this.state.genesis.consensusParams.evidence.maxAgeBlocks
  }

  validatorsAt(height: number): ValidatorSet | null {
    return this.#setsByHeight.get(height) ?? null
  }

  /**
   * Execution of one block on the committed state, done once per distinct input: (height, time,
   * proposer, txs, evidence, last commit), everything execution can see of the block.
   */
  #keyOf(block: Block): string {
    const { header } = block
    return executionKey(header.height, header.time, header.proposer, block.txs, block.evidence, block.lastCommit)
  }

  /** The blobs of a decided block this node has not executed yet (block sync): it waits for them, since its peers committed the block. */
  async #commitBlobs(block: Block): Promise<BlobReader | undefined> {
    const cids = this.state.referencedBlobs(block.txs)
    if (cids.length === 0) return undefined
    if (this.#data === null)
      throw new NodeError('STORE_MISMATCH', `decided block ${block.header.height} declares blobs and this node has no blob store`, {
        height: block.header.height,
      })
    const loaded = await this.#data.load(cids, Date.now() + COMMIT_DATA_WAIT_MS)
    if (!loaded.ok)
      throw new NodeError(
        'STORE_MISMATCH',
        `decided block ${block.header.height}: blobs unavailable after ${COMMIT_DATA_WAIT_MS} ms: ${loaded.missing.join(', ')}`,
        { height: block.header.height },
      )
    return blobReader(cids, loaded.blobs)
  }

  #execute(
    height: number,
    time: number,
    proposer: string,
    txs: Uint8Array[],
    evidence: DuplicateVoteEvidence[],
    lastCommit: Commit | null,
    blobs?: BlobReader,
  ): ExecutedBlock {
    const key = executionKey(height, time, proposer, txs, evidence, lastCommit)
    const cached = this.#executed.get(key)
    if (cached !== undefined) return cached
    // Never execute a block of a scheduled upgrade without it (a proposal answered invalid, a sync refused).
    const halt = this.upgradeHalt()
    if (halt?.code === 'UPGRADE_NEEDED') throw halt
    // The stateless checks of txs this node never admitted run before the clock starts: they are
    // the admission work it skipped (shed under load, or gossip that missed it), paid once either
    // way, and no proposer can plan for them. Timed with execution, they doubled the per-tx
    // estimate under overload (0.17 → 0.35–0.45 ms) and so halved the blocks every proposer cut.
    const prechecked = this.state.checkUnseen(txs)
    const started = performance.now()
    let executed: ExecutedBlock
    try {
      executed = this.state.executeBlock({
        prechecked,
        height,
        time: BigInt(time),
        proposer: decodeAddress(proposer),
        txs,
        evidence: misbehaviourOf(evidence, (h) => this.validatorsAt(h)),
        lastCommit: commitInfoOf(lastCommit, this.#lastValidators),
        ...(blobs === undefined ? {} : { blobs }),
        ...(this.#envelopes === null ? {} : { envelopes: this.#envelopes }),
      })
    } catch (error) {
      // A private subnet's envelope this node holds no key for (or a wrong wrap for it): the
      // condition comes from committed state, so this node cannot execute the chain from here on,
      // whichever path met it (proposal, verdict, sync, commit). Stop loudly, never diverge.
      if (error instanceof StateError && error.code === 'ENVELOPE_UNREADABLE' && !this.#unreadable) {
        this.#unreadable = true
        const fatal = new NodeError('ENVELOPE_UNREADABLE', `block ${height}: ${error.plainMessage}`, { height }, { cause: error })
        for (const listener of this.#fatal) listener(fatal)
      }
      throw error
    }
    this.#budget.observe(txs.length, performance.now() - started)
    // End-block's validator updates of block H land in the set of H+2; updates consensus cannot
    // apply (removing an unknown validator, no power left) make the block invalid here, not its commit fatal.
    this.#nextSets.set(executed, advanceValidatorSets(this.#sets, executed.validatorUpdates.map(toConsensusUpdate)))
    // A height sees a handful of candidate blocks at most (one per round); bound it anyway.
    if (this.#executed.size >= 16) this.#executed.clear()
    this.#executed.set(key, executed)
    return executed
  }
}

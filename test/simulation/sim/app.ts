import { sha256, toHex } from '../../../src/crypto/index.js'
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
  dataHash,
  evidenceKey,
  resultsHash,
} from '../../../src/consensus/index.js'

/** A tx starting with this byte is invalid: Byzantine proposers use it, honest validators must refuse it. */
export const INVALID_TX_MARKER = 0xff
/** `power:<validator>:<power>` changes a validator's power (takes effect two heights later). */
const POWER_TX = 'power:'

export const powerTx = (address: string, power: bigint): Uint8Array => utf8.encode(`${POWER_TX}${address}:${power}`)

/** A block as this node executed it: its txs and the state root it leads to. */
const executionKey = (txs: readonly Uint8Array[], stateRoot: Uint8Array): string => `${toHex(dataHash([...txs]))}/${toHex(stateRoot)}`

const utf8 = new TextEncoder()
const text = new TextDecoder()

/**
 * The simulator's deterministic application: a hash chain over the transactions, with
 * evidence recorded as events and `power:` txs as validator updates. Its committed state (the
 * chain) survives a node crash, as a real state store would; processing has no side effects.
 */
export class SimApplication implements ConsensusApp {
  readonly chainId: string
  readonly name: string
  #chain: Array<{ block: Block; commit: Commit; root: Uint8Array }> = []
  #sets: ValidatorSets
  #setsByHeight = new Map<number, ValidatorSet>()
  #genesisTime: number
  #committedEvidence = new Set<string>()
  /** Evidence handed to execution, in commit order (the slashing issue will act on it). */
  readonly evidenceEvents: DuplicateVoteEvidence[] = []
  /** Per height, the validator-set txs every proposer includes (the scenario's set changes). */
  readonly #scheduled: ReadonlyMap<number, readonly Uint8Array[]>
  /** Blocks of the next height this node built or executed and found valid. */
  #executed = new Set<string>()
  /** Heights this node committed without having executed the block (L50's valid(v) skipped). */
  readonly unexecutedCommits: number[] = []
  /** Every tx succeeds here, with no gas: the results hash still differs per block. */
  #lastResultsHash = resultsHash([])
  /** Execution of a proposed block takes this long in virtual time (0: it answers at once). */
  #execution: { time: number; later: (delay: number, run: () => void) => void } | null = null

  constructor(
    chainId: string,
    name: string,
    sets: ValidatorSets,
    genesisTime: number,
    scheduled: ReadonlyMap<number, readonly Uint8Array[]> = new Map(),
  ) {
    this.chainId = chainId
    this.name = name
    this.#scheduled = scheduled
    this.#sets = sets
    this.#genesisTime = genesisTime
    this.#setsByHeight.set(1, sets.validators)
    this.#setsByHeight.set(2, sets.nextValidators)
  }

  get height(): number {
    return this.#chain.length
  }

  tip(): ChainTip {
    const last = this.#chain.at(-1)
    return {
      chainId: this.chainId,
      height: this.#chain.length,
      blockId: last === undefined ? null : last.commit.blockId,
      time: last === undefined ? this.#genesisTime : last.block.header.time,
      lastCommit: last?.commit ?? null,
      lastResultsHash: this.#lastResultsHash,
      lastValidators: last === undefined ? null : this.#setsByHeight.get(this.#chain.length)!,
      validators: this.#sets.validators,
      nextValidators: this.#sets.nextValidators,
    }
  }

  stateRoot(): Uint8Array {
    return this.#chain.at(-1)?.root ?? new Uint8Array(32)
  }

  /** The state root after applying `txs` and `evidence` to the current state. */
  execute(txs: readonly Uint8Array[], evidence: readonly DuplicateVoteEvidence[]): Uint8Array {
    const parts: Uint8Array[] = [this.stateRoot()]
    for (const tx of txs) parts.push(sha256(tx))
    for (const e of evidence) parts.push(sha256(utf8.encode(evidenceKey(e))))
    return sha256(Buffer.concat(parts))
  }

  prepareBlock(context: ProposalContext): PreparedBlock {
    const txs = [utf8.encode(`${this.name}:h${context.height}:r${context.round}`), ...(this.#scheduled.get(context.height) ?? [])]
    const stateRoot = this.execute(txs, context.evidence)
    this.#executed.add(executionKey(txs, stateRoot))
    return { txs, stateRoot }
  }

  /** From now on a proposed block's verdict comes `time` units after it was asked for, through `later` (the event queue). */
  executeIn(time: number, later: (delay: number, run: () => void) => void): void {
    this.#execution = time > 0 ? { time, later } : null
  }

  processBlock(block: Block): ExecutionVerdict | PromiseLike<ExecutionVerdict> {
    const execution = this.#execution
    if (execution === null) return this.#process(block)
    // A thenable, not a Promise: the answer arrives as an event in virtual time, not in a microtask.
    const later: PromiseLike<ExecutionVerdict> = {
      then: (<R>(onFulfilled: (verdict: ExecutionVerdict) => R) => {
        execution.later(execution.time, () => onFulfilled(this.#process(block)))
        return later as PromiseLike<R>
      }) as PromiseLike<ExecutionVerdict>['then'],
    }
    return later
  }

  #process(block: Block): ExecutionVerdict {
    for (const tx of block.txs) if (tx[0] === INVALID_TX_MARKER) return { valid: false, reason: 'invalid tx' }
    for (const e of block.evidence)
      if (this.#committedEvidence.has(evidenceKey(e))) return { valid: false, reason: 'evidence already committed' }
    const root = this.execute(block.txs, block.evidence)
    if (Buffer.compare(root, block.header.stateRoot) !== 0) return { valid: false, reason: 'state root mismatch' }
    this.#executed.add(executionKey(block.txs, block.header.stateRoot))
    return { valid: true }
  }

  commitBlock(block: Block, commit: Commit): void {
    if (!this.#executed.has(executionKey(block.txs, block.header.stateRoot))) this.unexecutedCommits.push(block.header.height)
    this.#executed = new Set()
    const root = this.execute(block.txs, block.evidence)
    this.#chain.push({ block, commit, root })
    this.#lastResultsHash = resultsHash(block.txs.map((tx) => ({ txHash: sha256(tx), code: 0, codespace: '', gasWanted: 0n, gasUsed: 0n })))
    for (const e of block.evidence) {
      this.#committedEvidence.add(evidenceKey(e))
      this.evidenceEvents.push(e)
    }
    // One update per validator and block: a later tx for the same validator wins.
    const updates = new Map<string, ValidatorUpdate>()
    for (const tx of block.txs) {
      const s = text.decode(tx)
      if (!s.startsWith(POWER_TX)) continue
      const [, address, power] = s.split(':')
      const member = this.#sets.nextValidators.validators.find((v) => v.address === address)
      if (member !== undefined && power !== undefined)
        updates.set(member.address, { address: member.address, publicKey: member.publicKey, votingPower: BigInt(power) })
    }
    const next = advanceValidatorSets(this.#sets, [...updates.values()])
    this.#sets = { validators: next.validators, nextValidators: next.nextValidators }
    this.#setsByHeight.set(block.header.height + 1, next.validators)
    this.#setsByHeight.set(block.header.height + 2, next.nextValidators)
  }

  committedBlock(height: number): { block: Block; commit: Commit } | null {
    const entry = this.#chain[height - 1]
    return entry === undefined ? null : { block: entry.block, commit: entry.commit }
  }

  validatorsAt(height: number): ValidatorSet | null {
    return height <= this.#chain.length + 1 ? (this.#setsByHeight.get(height) ?? null) : null
  }

  blockIds(): string[] {
    return this.#chain.map((c) => c.commit.blockId)
  }

  static rootHex(root: Uint8Array): string {
    return toHex(root)
  }
}

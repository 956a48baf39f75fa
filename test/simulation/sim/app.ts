import { sha256, toHex } from '../../../src/crypto/index.js'
import {
  type Application,
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
  evidenceKey,
} from '../../../src/consensus/index.js'

/** A tx starting with this byte is invalid: Byzantine proposers use it, honest validators must refuse it. */
export const INVALID_TX_MARKER = 0xff
/** `power:<validator>:<power>` changes a validator's power (takes effect two heights later). */
const POWER_TX = 'power:'

const utf8 = new TextEncoder()
const text = new TextDecoder()

/**
 * The simulator's deterministic application: a hash chain over the transactions, with
 * evidence recorded as events and `power:` txs as validator updates. Its committed state (the
 * chain) survives a node crash, as a real state store would; processing has no side effects.
 */
export class SimApplication implements Application {
  readonly chainId: string
  readonly name: string
  #chain: Array<{ block: Block; commit: Commit; root: Uint8Array }> = []
  #sets: ValidatorSets
  #setsByHeight = new Map<number, ValidatorSet>()
  #genesisTime: number
  #committedEvidence = new Set<string>()
  /** Evidence handed to execution, in commit order (the slashing issue will act on it). */
  readonly evidenceEvents: DuplicateVoteEvidence[] = []

  constructor(chainId: string, name: string, sets: ValidatorSets, genesisTime: number) {
    this.chainId = chainId
    this.name = name
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
    const txs = [utf8.encode(`${this.name}:h${context.height}:r${context.round}`)]
    return { txs, stateRoot: this.execute(txs, context.evidence) }
  }

  processBlock(block: Block): ExecutionVerdict {
    for (const tx of block.txs) if (tx[0] === INVALID_TX_MARKER) return { valid: false, reason: 'invalid tx' }
    for (const e of block.evidence) if (this.#committedEvidence.has(evidenceKey(e))) return { valid: false, reason: 'evidence already committed' }
    const root = this.execute(block.txs, block.evidence)
    if (Buffer.compare(root, block.header.stateRoot) !== 0) return { valid: false, reason: 'state root mismatch' }
    return { valid: true }
  }

  commitBlock(block: Block, commit: Commit): void {
    const root = this.execute(block.txs, block.evidence)
    this.#chain.push({ block, commit, root })
    for (const e of block.evidence) {
      this.#committedEvidence.add(evidenceKey(e))
      this.evidenceEvents.push(e)
    }
    const updates: ValidatorUpdate[] = []
    for (const tx of block.txs) {
      const s = text.decode(tx)
      if (!s.startsWith(POWER_TX)) continue
      const [, address, power] = s.split(':')
      const member = this.#sets.nextValidators.validators.find((v) => v.address === address)
      if (member !== undefined && power !== undefined) updates.push({ address: member.address, publicKey: member.publicKey, votingPower: BigInt(power) })
    }
    const next = advanceValidatorSets(this.#sets, updates)
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

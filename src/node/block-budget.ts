/** How a proposer sizes its blocks; see `BlockBudget`. */
export interface BlockBudgetConfig {
  /** Execution time one block may take on this node, ms: a fraction of the round's propose timeout. */
  targetMs: number
  /** Fewest transactions a block may be cut to, however slow execution looks. */
  minTxs: number
  /** Per-transaction execution time assumed before any block was measured, ms. */
  priorMsPerTx: number
  /** Weight of the newest measurement in the moving average (0 < weight ≤ 1). */
  weight: number
  /** Blocks with fewer transactions are not measured: their time is mostly fixed cost. */
  minSample: number
}

/**
 * The propose timeout's share a block's execution may take. The rest is the proposer's reap and
 * signing, the proposal's trip through gossip, its decoding and checks at each validator, and
 * room for a validator slower than this one.
 */
export const EXECUTION_SHARE_OF_PROPOSE = 1 / 4

// The prior is pessimistic on purpose (a transfer executes in ~0.05–0.2 ms on the machines
// measured): the first loaded block is then a modest one, and the first measurement replaces it.
export const DEFAULT_BLOCK_BUDGET: Readonly<Omit<BlockBudgetConfig, 'targetMs'>> = Object.freeze({
  minTxs: 64,
  priorMsPerTx: 1,
  weight: 0.25,
  minSample: 32,
})

/** The budget for a node whose round starts with a propose timeout of `timeoutProposeMs`. */
export function blockBudgetFor(timeoutProposeMs: number, overrides: Partial<BlockBudgetConfig> = {}): BlockBudget {
  return new BlockBudget({ ...DEFAULT_BLOCK_BUDGET, targetMs: timeoutProposeMs * EXECUTION_SHARE_OF_PROPOSE, ...overrides })
}

/**
 * A measured-time budget for block proposals: how many transactions this node can execute
 * within `targetMs`, from a moving average of the time it took per transaction to execute the
 * blocks it proposed or validated lately (under whatever else the machine is doing). The
 * stateless checks of txs the node never admitted are not timed (ChainApp runs them first):
 * they are admission work it skipped, which grows with the load it sheds, not with block size.
 *
 * Only the proposer consults it, and only to choose how many transactions to reap, so wall-clock
 * time never enters execution: validators accept any valid block within the consensus params'
 * byte and gas bounds, whatever its size. A fixed count (the 2,000 transactions this replaces)
 * is too much on a slow or loaded machine, where validators then run into their timeouts and
 * heights go to later rounds, and too little on a fast one.
 */
export class BlockBudget {
  readonly config: Readonly<BlockBudgetConfig>
  #msPerTx: number
  #commitMsPerTx = 0
  #samples = 0

  constructor(config: BlockBudgetConfig) {
    if (
      !(config.targetMs > 0) ||
      !(config.priorMsPerTx > 0) ||
      !(config.weight > 0 && config.weight <= 1) ||
      !Number.isSafeInteger(config.minTxs) ||
      config.minTxs < 1
    ) {
      throw new RangeError(`invalid block budget ${JSON.stringify(config)}`)
    }
    this.config = Object.freeze({ ...config })
    this.#msPerTx = config.priorMsPerTx
  }

  /** The current estimate of execution time per transaction, ms. */
  get msPerTx(): number {
    return this.#msPerTx
  }

  /** The current estimate of what committing costs per transaction on this node's event loop, ms. */
  get commitMsPerTx(): number {
    return this.#commitMsPerTx
  }

  /** How many blocks have been measured. */
  get samples(): number {
    return this.#samples
  }

  /** Records that executing a block of `txs` transactions took `ms` on this node. */
  observe(txs: number, ms: number): void {
    if (txs < this.config.minSample || !(ms >= 0) || !Number.isFinite(ms)) return
    const sample = ms / txs
    this.#msPerTx = this.#samples === 0 ? sample : this.#msPerTx + this.config.weight * (sample - this.#msPerTx)
    this.#samples++
  }

  /**
   * Records that what committing a block of `txs` transactions runs on the event loop (the
   * mempool's re-check, the index, the RPC fan-out) took `ms`. It delays the next height on
   * every node, so a block's budget pays for it too, and a pool kept deep by overload (every
   * pending transaction re-checked after each block) shrinks the blocks and with them the pool.
   */
  observeCommit(txs: number, ms: number): void {
    if (txs < this.config.minSample || !(ms >= 0) || !Number.isFinite(ms)) return
    this.#commitMsPerTx += this.config.weight * (ms / txs - this.#commitMsPerTx)
  }

  /** The most transactions the next proposal should carry. */
  maxTxs(): number {
    return Math.max(this.config.minTxs, Math.floor(this.config.targetMs / (this.#msPerTx + this.#commitMsPerTx)))
  }
}

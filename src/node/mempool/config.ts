import { MempoolError } from './errors.js'

export interface MempoolConfig {
  /** Most transactions held at once. */
  maxTxs: number
  /** Most bytes of transactions held at once. */
  maxBytes: number
  /** Largest single transaction admitted; refused before it is hashed or decoded. */
  maxTxBytes: number
  /** A transaction still pending this many blocks after admission is dropped; 0 keeps it forever. */
  ttlBlocks: number
  /** How many recently seen transaction hashes are remembered to refuse gossip duplicates cheaply; 0 disables. */
  cacheSize: number
  /**
   * On a proposer, the pool holds at most this many blocks of the size its last proposal asked
   * for (`reap`'s maxTxs, the block budget), when that is below `maxTxs`: a deeper pool under
   * overload only adds waiting time and re-check work after every block.
   */
  maxPendingBlocks: number
}

/** CometBFT's defaults in spirit: 5000 transactions, 64 MiB, 10,000 cached hashes. */
export const DEFAULT_MEMPOOL_CONFIG: Readonly<MempoolConfig> = Object.freeze({
  maxTxs: 5000,
  maxBytes: 64 * 1024 * 1024,
  maxTxBytes: 64 * 1024,
  ttlBlocks: 100,
  cacheSize: 10_000,
  maxPendingBlocks: 4,
})

function integerAt(config: MempoolConfig, field: keyof MempoolConfig, min: number): void {
  const value = config[field]
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MempoolError('INVALID_CONFIG', `mempool ${field} must be an integer ≥ ${min}, got ${value}`, { field })
  }
}

/** Fills defaults and checks the result; throws MempoolError INVALID_CONFIG naming the field. */
export function mempoolConfig(overrides: Partial<MempoolConfig> = {}): MempoolConfig {
  const config = { ...DEFAULT_MEMPOOL_CONFIG, ...overrides }
  integerAt(config, 'maxTxs', 1)
  integerAt(config, 'maxBytes', 1)
  integerAt(config, 'maxTxBytes', 1)
  integerAt(config, 'ttlBlocks', 0)
  integerAt(config, 'cacheSize', 0)
  integerAt(config, 'maxPendingBlocks', 1)
  if (config.maxTxBytes > config.maxBytes) {
    throw new MempoolError('INVALID_CONFIG', `mempool maxTxBytes ${config.maxTxBytes} exceeds maxBytes ${config.maxBytes}`, {
      field: 'maxTxBytes',
    })
  }
  return config
}

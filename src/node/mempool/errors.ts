import { FedraError } from '../../errors.js'
import { TX_CODES, type TxError, type TxErrorCode } from '../../state/index.js'

/** Codes of the `mempool` codespace: refusals that are about the pool, not the transaction. */
export const MEMPOOL_CODES = {
  FULL: 1, // no room, and nothing of strictly lower priority can be evicted for it
  TX_TOO_LARGE: 2, // over the pool's per-transaction byte limit
  DUPLICATE: 3, // already pending, or seen recently (committed or being committed)
  HEIGHT_MISMATCH: 4, // the application committed a block the pool has not been updated for
  INVALID_CONFIG: 5,
} as const

export type MempoolOwnCode = keyof typeof MEMPOOL_CODES

/**
 * A rejection by the check state keeps the transaction's own code (REPLAYED, NONCE_TOO_HIGH,
 * INSUFFICIENT_FEE, BAD_SIGNATURE, ...), so callers switch on one `code` either way.
 */
export type MempoolErrorCode = MempoolOwnCode | TxErrorCode

// The two code sets must stay disjoint, or a code would not say which codespace it is in.
const disjoint: Extract<MempoolOwnCode, TxErrorCode> extends never ? true : never = true
void disjoint

export interface MempoolErrorContext {
  /** Lowercase hex SHA-256 of the transaction bytes. */
  hash?: string
  size?: number
  limit?: number
  /** FULL: the bytes the pool holds and its byte bound. */
  bytes?: number
  maxBytes?: number
  height?: number
  expected?: number
  field?: string
  /** Set when the rejection came from the cache of known-invalid transactions, without re-checking. */
  cached?: boolean
  /** The context of the wrapped TxError. */
  tx?: TxError['context']
}

export class MempoolError extends FedraError<MempoolErrorCode, MempoolErrorContext> {
  /** An outcome, not a fault: no stack trace (see FedraError.captureStack). */
  static override readonly captureStack = false

  get codespace(): 'mempool' | 'tx' {
    return this.code in MEMPOOL_CODES ? 'mempool' : 'tx'
  }

  get numericCode(): number {
    return this.code in MEMPOOL_CODES ? MEMPOOL_CODES[this.code as MempoolOwnCode] : TX_CODES[this.code as TxErrorCode]
  }

  /** The mempool's view of a check-state rejection: same code, the TxError as cause. */
  static rejected(error: TxError, hash: string, cached = false): MempoolError {
    const detail = error.message.startsWith(`${error.code}: `) ? error.message.slice(error.code.length + 2) : error.message
    return new MempoolError(error.code, detail, { hash, cached, tx: error.context }, { cause: error })
  }
}

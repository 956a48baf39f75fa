import { FedraError } from '../errors.js'

/**
 * Why a transaction was refused or failed. Each has a stable numeric code in the `tx`
 * codespace that results and RPC clients switch on (0 is success).
 */
export const TX_CODES = {
  MALFORMED: 2,
  NON_CANONICAL: 3,
  TOO_LARGE: 4,
  WRONG_CHAIN: 5,
  BAD_SIGNATURE: 6,
  REPLAYED: 7,
  NONCE_TOO_HIGH: 8,
  INSUFFICIENT_FEE: 9,
  FEE_TOO_LOW: 10,
  GAS_LIMIT_TOO_LOW: 11,
  UNKNOWN_MESSAGE: 12,
  INVALID_MESSAGE: 13,
  OUT_OF_GAS: 14,
  MESSAGE_FAILED: 15,
  NOT_ADMITTED: 16,
} as const

export type TxErrorCode = keyof typeof TX_CODES

export interface TxErrorContext {
  txHash?: string
  expected?: string
  actual?: string
  path?: string
  messageIndex?: number
  codespace?: string
  moduleCode?: number
}

export class TxError extends FedraError<TxErrorCode, TxErrorContext> {
  /** An outcome, not a fault: no stack trace (see FedraError.captureStack). */
  static override readonly captureStack = false

  get numericCode(): number {
    return TX_CODES[this.code]
  }
}

/**
 * A module's own failure while handling a message: a codespace (the module name) and a code
 * the module documents, like Cosmos SDK's registered errors.
 */
export class ModuleError extends FedraError<string, { codespace: string; numericCode: number; [key: string]: unknown }> {
  constructor(codespace: string, numericCode: number, code: string, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { ...context, codespace, numericCode })
  }
}

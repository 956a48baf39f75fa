import { FedraError } from '../errors.js'

/**
 * Why the model server refused an inference, and the context each code carries (STYLE §2).
 * model_infer answers every one of them as INFERENCE_REFUSED { code, ...context }.
 */
export interface ServingErrorContexts {
  /** This node does not serve models (config serving.enabled is false). */
  SERVING_DISABLED: Record<string, never>
  /** No such subnet, or the subnet has no such model version. */
  UNKNOWN_VERSION: { subnet: string; version: string }
  /** The version exists but cannot be served: its spec, its blob or its base does not make a model. */
  NOT_SERVABLE: { subnet: string; version: string; reason: string }
  /** A blob the model needs is neither local nor fetchable in time. */
  MODEL_UNAVAILABLE: { cid: string; reason: string }
  /** The input does not fit the model: `expected` values of the spec's input shape. */
  INPUT_SHAPE: { expected: number; actual: number }
  /** A value of the input that is not a finite number. */
  INPUT_VALUE: { index: number }
  /** No MsgUseModel receipt with that id. */
  UNKNOWN_RECEIPT: { receipt: string }
  /** The receipt paid for another version. */
  RECEIPT_MISMATCH: { receipt: string; paid: { subnet: string; version: string }; requested: { subnet: string; version: string } }
  /** The receipt carries no fee. */
  RECEIPT_UNPAID: { receipt: string; fee: string }
}

export type ServingErrorCode = keyof ServingErrorContexts

export class ServingError<C extends ServingErrorCode = ServingErrorCode> extends FedraError<C, ServingErrorContexts[C]> {
  constructor(code: C, message: string, context: ServingErrorContexts[C], options?: { cause?: unknown }) {
    super(code, message, context, options)
  }
}

export function isServingError<C extends ServingErrorCode>(error: unknown, code: C): error is ServingError<C> {
  return error instanceof ServingError && error.code === code
}

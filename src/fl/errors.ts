import { FedraError } from '../errors.js'

/**
 * Every failure the FL library reports, with the context each one carries (STYLE §2).
 * The chain maps these codes onto transaction failure codes, so they are part of the
 * consensus surface: rename one only together with its handler.
 */
export interface FlErrorContexts {
  // model spec and parameters
  FL_INVALID_MODEL_SPEC: { reason: string; layer?: number }
  FL_PARAMETER_LENGTH: { expected: number; actual: number }
  // data
  FL_INVALID_DATASET: { reason: string }
  FL_CSV_PARSE: { line: number; reason: string }
  FL_INVALID_PARTITION: { reason: string }
  FL_INVALID_TRAINING_CONFIG: { field: string; value: string }
  // updates and blobs
  FL_INVALID_QUANTIZATION: { field: string; value: number }
  FL_BLOB_TRUNCATED: { length: number; needed: number }
  FL_BLOB_MAGIC: { magic: string }
  FL_BLOB_VERSION: { version: number }
  FL_BLOB_DTYPE: { dtype: number }
  FL_BLOB_RANK: { rank: number }
  FL_BLOB_RESERVED: { value: number }
  FL_BLOB_SCALE: { scale: number }
  FL_BLOB_SHAPE: { shape: readonly number[] }
  FL_BLOB_SIZE: { elements: number; max: number }
  FL_BLOB_LENGTH: { length: number; expected: number }
  FL_VALUE_RANGE: { index: number; value: number; maxAbs: number; update?: number }
  FL_UPDATE_MISMATCH: { field: 'shape' | 'dtype' | 'scale'; expected: string; actual: string }
  FL_CID_MISMATCH: { expected: string; actual: string }
  // aggregation
  FL_UNKNOWN_RULE: { name: string }
  FL_RULE_PARAMS: { name: string; reason: string }
  FL_RULE_INPUT: { reason: string; update?: number }
  FL_WEIGHT_RANGE: { update: number; weight: number; maxWeight: number }
  FL_TOO_MANY_UPDATES: { count: number; max: number }
  FL_TOO_FEW_UPDATES: { count: number; min: number }
  FL_ZERO_WEIGHT: { updates: number }
  FL_TOO_MANY_PARAMETERS: { count: number; max: number }
  FL_KERNEL_BACKEND: { mode: string; reason: string }
}

export type FlErrorCode = keyof FlErrorContexts

export class FlError<C extends FlErrorCode = FlErrorCode> extends FedraError<C, FlErrorContexts[C]> {
  constructor(code: C, message: string, context: FlErrorContexts[C], options?: { cause?: unknown }) {
    super(code, message, context, options)
  }
}

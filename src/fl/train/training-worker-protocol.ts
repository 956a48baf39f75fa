import { FlError, type FlErrorCode, type FlErrorContexts } from '../errors.js'
import type { Dataset } from '../data/dataset.js'
import type { ModelSpec } from '../model/spec.js'
import type { TrainingConfig } from './local-training.js'
import { TrainingWorkerError } from './training-worker-errors.js'

/** The main thread's one request: run `trainLocal` on a network of `spec`. */
export interface TrainRequest {
  readonly kind: 'train'
  readonly id: number
  readonly spec: ModelSpec
  readonly data: Dataset
  readonly start: Float32Array
  readonly config: TrainingConfig
}

/** What the thread sends back: once `ready` (or `start-failed`), then one answer per request id. */
export type TrainingWorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'start-failed'; readonly reason: string }
  | {
      readonly kind: 'trained'
      readonly id: number
      readonly parameters: Float32Array
      readonly lastEpochLoss: number
      readonly steps: number
    }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WireError }

/** An error crossing the thread boundary: structured clone keeps an Error's message, not its code or context. */
export type WireError =
  | { readonly kind: 'fl'; readonly code: FlErrorCode; readonly message: string; readonly context: FlErrorContexts[FlErrorCode] }
  | { readonly kind: 'other'; readonly name: string; readonly message: string }

export function toWireError(error: unknown): WireError {
  if (error instanceof FlError) return { kind: 'fl', code: error.code, message: error.plainMessage, context: error.context }
  if (error instanceof Error) return { kind: 'other', name: error.name, message: error.message }
  return { kind: 'other', name: typeof error, message: String(error) }
}

/** The error the caller sees: the job's own `FlError`, or TRAINING_WORKER_JOB_FAILED for anything else. */
export function fromWireError(error: WireError): FlError | TrainingWorkerError<'TRAINING_WORKER_JOB_FAILED'> {
  if (error.kind === 'fl') return new FlError(error.code, error.message, error.context as never)
  return new TrainingWorkerError('TRAINING_WORKER_JOB_FAILED', `training failed in the worker: ${error.message}`, {
    name: error.name,
    message: error.message,
  })
}

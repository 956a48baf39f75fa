import { FedraError } from '../../errors.js'

/**
 * How training off the main thread fails beyond what the job itself reports (STYLE §2). An
 * `FlError` thrown by the job inside the worker (a bad spec, config or dataset) comes back as
 * that same `FlError`, code and context intact; these codes are for the thread around it.
 */
export interface TrainingWorkerErrorContexts {
  /** The thread died (an uncaught exception, a fatal rejection in tfjs-wasm, out of memory) or never started. */
  TRAINING_WORKER_CRASHED: { reason: string; exitCode: number | null }
  /** `train` was called after `close`, or a job was pending when `close` ended the thread. */
  TRAINING_WORKER_CLOSED: { pending: number }
  /** The job threw something other than a Fedra error (a tfjs failure); the worker keeps serving. */
  TRAINING_WORKER_JOB_FAILED: { name: string; message: string }
}

export type TrainingWorkerErrorCode = keyof TrainingWorkerErrorContexts

export class TrainingWorkerError<C extends TrainingWorkerErrorCode = TrainingWorkerErrorCode> extends FedraError<
  C,
  TrainingWorkerErrorContexts[C]
> {
  constructor(code: C, message: string, context: TrainingWorkerErrorContexts[C], options?: { cause?: unknown }) {
    super(code, message, context, options)
  }
}

import type { ResourceLimits, Worker } from 'node:worker_threads'
import type { Dataset } from '../data/dataset.js'
import type { ModelSpec } from '../model/spec.js'
import type { TrainingConfig, TrainingResult } from './local-training.js'
import { startModuleWorker } from './module-worker.js'
import { TrainingWorkerError } from './training-worker-errors.js'
import { fromWireError, type TrainingWorkerReply, type TrainRequest } from './training-worker-protocol.js'

/** One `trainLocal` call, as plain data: what crosses to the worker thread. */
export interface TrainingJob {
  readonly spec: ModelSpec
  readonly data: Dataset
  readonly start: Float32Array
  readonly config: TrainingConfig
}

export interface TrainingJobOptions {
  /**
   * Move the job's buffers (features, labels, start) to the thread instead of copying them; the
   * caller's arrays are detached afterwards. Views onto a larger buffer are copied either way.
   */
  readonly transfer?: boolean
}

export interface TrainingWorkerOptions {
  /** The thread's V8 heap limits (tfjs-wasm's own memory is outside them); a thread that exceeds them dies, see TRAINING_WORKER_CRASHED. */
  readonly resourceLimits?: ResourceLimits
}

type Pending = { resolve: (result: TrainingResult) => void; reject: (error: Error) => void }

const entry = new URL(`./training-worker-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/** The view itself when it spans its whole buffer, else a copy that does (structured clone would copy the whole buffer). */
function compact<T extends Float32Array | Uint8Array>(view: T): T {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : (view.slice() as T)
}

/**
 * Local training in a worker thread: the same `trainLocal` on the same tfjs-wasm build, so a
 * job's result is bit-identical to the main thread's for the same inputs and seed, while the
 * main thread stays free (a trainer's RPC follower) and several workers use several cores.
 * The thread loads tfjs-wasm once and serves jobs one after another. A job's own failure comes
 * back as its `FlError`; a dead thread rejects every pending job with TRAINING_WORKER_CRASHED and
 * never takes the process down (tfjs-wasm turns an unhandled rejection into a fatal exception,
 * which in a worker ends only the worker). An idle worker does not keep the process alive.
 */
export class TrainingWorker {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  readonly #ready: Promise<void>
  #nextId = 1
  #closing = false
  #dead: TrainingWorkerError | null = null
  #crashReason: string | null = null
  #onReady: { resolve: () => void; reject: (error: Error) => void } | null = null

  private constructor(options: TrainingWorkerOptions) {
    this.#ready = new Promise((resolve, reject) => {
      this.#onReady = { resolve, reject }
    })
    this.#worker = startModuleWorker(entry, options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits })
    this.#worker.on('message', (reply: TrainingWorkerReply) => this.#receive(reply))
    this.#worker.on('error', (error) => {
      this.#crashReason ??= error.message
    })
    this.#worker.on('exit', (code) => this.#exited(code))
  }

  /** Starts a thread and resolves once its tfjs-wasm backend is ready (rejects with TRAINING_WORKER_CRASHED if it cannot start). */
  static async start(options: TrainingWorkerOptions = {}): Promise<TrainingWorker> {
    const worker = new TrainingWorker(options)
    try {
      await worker.#ready
    } catch (error) {
      await worker.close()
      throw error
    }
    return worker
  }

  /** Jobs sent and not yet answered. */
  get pending(): number {
    return this.#pending.size
  }

  /** Runs `trainLocal(network of job.spec, job.data, job.start, job.config)` in the thread. */
  train(job: TrainingJob, options: TrainingJobOptions = {}): Promise<TrainingResult> {
    if (this.#closing)
      return Promise.reject(
        new TrainingWorkerError('TRAINING_WORKER_CLOSED', 'the training worker is closed', { pending: this.#pending.size }),
      )
    if (this.#dead !== null) return Promise.reject(this.#dead)
    const id = this.#nextId++
    const features = compact(job.data.features)
    const labels = compact(job.data.labels)
    const start = compact(job.start)
    const request: TrainRequest = { kind: 'train', id, spec: job.spec, data: { ...job.data, features, labels }, start, config: job.config }
    const transfer = options.transfer === true ? [...new Set([features.buffer, labels.buffer, start.buffer])] : []
    return new Promise<TrainingResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.ref()
      this.#worker.postMessage(request, transfer as ArrayBuffer[])
    })
  }

  /** Ends the thread; pending jobs are rejected with TRAINING_WORKER_CLOSED. Idempotent. */
  async close(): Promise<void> {
    this.#closing = true
    const code = await this.#worker.terminate()
    this.#exited(code)
  }

  #receive(reply: TrainingWorkerReply): void {
    switch (reply.kind) {
      case 'ready':
        this.#onReady?.resolve()
        this.#onReady = null
        if (this.#pending.size === 0) this.#worker.unref()
        return
      case 'start-failed':
        this.#crashReason = `tfjs-wasm did not start: ${reply.reason}`
        void this.#worker.terminate()
        return
      case 'trained':
      case 'failed': {
        const pending = this.#pending.get(reply.id)
        if (pending === undefined) return
        this.#pending.delete(reply.id)
        if (this.#pending.size === 0) this.#worker.unref()
        if (reply.kind === 'trained')
          pending.resolve({ parameters: reply.parameters, lastEpochLoss: reply.lastEpochLoss, steps: reply.steps })
        else pending.reject(fromWireError(reply.error))
      }
    }
  }

  #exited(exitCode: number): void {
    if (this.#dead !== null) return
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    this.#dead =
      this.#closing && this.#crashReason === null
        ? new TrainingWorkerError('TRAINING_WORKER_CLOSED', 'the training worker was closed', { pending: pending.length })
        : new TrainingWorkerError('TRAINING_WORKER_CRASHED', `the training worker died: ${this.#crashReason ?? `exit code ${exitCode}`}`, {
            reason: this.#crashReason ?? 'exited',
            exitCode,
          })
    this.#onReady?.reject(this.#dead)
    this.#onReady = null
    for (const job of pending) job.reject(this.#dead)
  }
}

/** One job in a thread of its own, closed afterwards; for repeated jobs keep a TrainingWorker. */
export async function trainInWorker(spec: ModelSpec, data: Dataset, start: Float32Array, config: TrainingConfig): Promise<TrainingResult> {
  const worker = await TrainingWorker.start()
  try {
    return await worker.train({ spec, data, start, config })
  } finally {
    await worker.close()
  }
}

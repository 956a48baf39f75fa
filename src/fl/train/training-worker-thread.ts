/**
 * The worker thread's entry (started by TrainingWorker): loads tfjs with its wasm backend once,
 * then runs the jobs it receives one after another with the very `trainLocal` the main thread
 * would run, keeping one Network per model spec between jobs (trainLocal sets every parameter
 * and builds a fresh optimizer, so reuse changes no result).
 */
import { parentPort } from 'node:worker_threads'
import { Network } from '../model/network.js'
import { ensureTfBackend } from '../model/tf.js'
import { trainLocal } from './local-training.js'
import { type TrainingWorkerReply, type TrainRequest, toWireError } from './training-worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('training-worker-thread.ts runs only as a worker thread (see TrainingWorker)')

const send = (reply: TrainingWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer)
const networks = new Map<string, Network>()

function networkFor(request: TrainRequest): Network {
  const key = JSON.stringify(request.spec)
  let network = networks.get(key)
  if (network === undefined) {
    network = new Network(request.spec)
    networks.set(key, network)
  }
  return network
}

function train(request: TrainRequest): void {
  try {
    const result = trainLocal(networkFor(request), request.data, request.start, request.config)
    send({ kind: 'trained', id: request.id, parameters: result.parameters, lastEpochLoss: result.lastEpochLoss, steps: result.steps }, [
      result.parameters.buffer as ArrayBuffer,
    ])
  } catch (error) {
    send({ kind: 'failed', id: request.id, error: toWireError(error) })
  }
}

// Jobs are queued behind the backend's start; trainLocal is synchronous, so they run one at a time.
let queue: Promise<void> = ensureTfBackend().then(
  () => send({ kind: 'ready' }),
  (error: unknown) => send({ kind: 'start-failed', reason: error instanceof Error ? error.message : String(error) }),
)
port.on('message', (request: TrainRequest) => {
  queue = queue.then(() => train(request))
})

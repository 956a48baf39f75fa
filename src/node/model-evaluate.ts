import type { BlobService } from '../blobs/service.js'
import { parseBlobCid } from '../blobs/cid.js'
import { MODEL_EVALUATE_API } from '../rpc/api/evaluate.js'
import type { RpcBackend } from '../rpc/backend.js'
import type { MethodTable, ResultOf } from '../rpc/method.js'

type Evaluation = ResultOf<(typeof MODEL_EVALUATE_API)['model_evaluate']>

/** What model_evaluate reads: the module queries (the version and its subnet's model spec) and the parameter store. */
export interface ModelEvaluateDeps {
  backend: Pick<RpcBackend, 'queryApp'>
  blobs: Pick<BlobService, 'get'>
  /** Evaluates a model given as its spec JSON and blob bytes (tests substitute it); default: tfjs on the MNIST test digits. */
  evaluate?: (modelSpec: string, blob: Uint8Array, cid: string) => Promise<{ accuracy: number; loss: number; count: number }>
  /** Evaluations kept, by CID (oldest dropped first). */
  cacheSize?: number
}

/** Why a model spec cannot be evaluated on MNIST, or null when it can (784 inputs, 10 classes). */
export function mnistMismatch(spec: { inputShape: readonly number[]; layers: readonly { type: string; units?: number }[] }): string | null {
  const inputs = spec.inputShape.reduce((a, b) => a * b, 1)
  if (inputs !== 784) return `the model takes ${inputs} inputs, not the 784 pixels of an MNIST digit`
  const dense = [...spec.layers].reverse().find((l) => l.type === 'dense')
  if (dense?.units !== 10) return `the model's last dense layer has ${dense?.units ?? 'no'} outputs, not 10 classes`
  return null
}

/** The default evaluator: the devnet's own (src/devnet/training.ts #report), loaded on the first call only. */
async function evaluateOnMnist(
  modelSpec: string,
  blob: Uint8Array,
  cid: string,
): Promise<{ accuracy: number; loss: number; count: number }> {
  const [{ ensureTfBackend }, { Network }, { parseModelSpec }, { loadMnist }, { evaluate }, { modelParameters }] = await Promise.all([
    import('../fl/model/tf.js'),
    import('../fl/model/network.js'),
    import('../fl/model/spec.js'),
    import('../fl/data/mnist.js'),
    import('../fl/train/evaluate.js'),
    import('../roles/model-codec.js'),
  ])
  await ensureTfBackend()
  testDigits ??= loadMnist().test
  const network = new Network(parseModelSpec(modelSpec))
  try {
    return evaluate(network, modelParameters(blob, network.parameterCount, cid), testDigits)
  } finally {
    for (const v of network.variables) v.dispose()
  }
}
let testDigits: import('../fl/data/dataset.js').Dataset | undefined

/**
 * Registers model_evaluate (src/rpc/api/evaluate.ts) on a node's table. Read-only and off the
 * block path: it runs only when asked, one evaluation at a time, each model CID evaluated once.
 */
export function registerModelEvaluate(table: MethodTable, deps: ModelEvaluateDeps): void {
  const cache = new Map<string, Promise<Evaluation>>()
  const limit = deps.cacheSize ?? 256
  const run = deps.evaluate ?? evaluateOnMnist
  let queue: Promise<unknown> = Promise.resolve()
  table.add(MODEL_EVALUATE_API.model_evaluate, async ({ subnet, version }) => {
    const v = (await deps.backend.queryApp('training', 'version', { subnet, version })) as { global_cid: string }
    const s = (await deps.backend.queryApp('subnets', 'subnet', { id: subnet })) as { model_spec: string }
    const base = { subnet, version, global_cid: v.global_cid }
    const { parseModelSpec } = await import('../fl/model/spec.js')
    const reason = mnistMismatch(parseModelSpec(s.model_spec))
    if (reason !== null) return { ...base, dataset: null, count: 0, accuracy: null, loss: null, reason }
    let answer = cache.get(v.global_cid)
    if (answer === undefined) {
      const job = queue.then(async (): Promise<Evaluation> => {
        const blob = await deps.blobs.get(parseBlobCid(v.global_cid))
        const e = await run(s.model_spec, blob, v.global_cid)
        return { ...base, dataset: 'mnist:test', count: e.count, accuracy: e.accuracy, loss: e.loss, reason: '' }
      })
      queue = job.catch(() => {})
      answer = job
      cache.set(v.global_cid, answer)
      job.catch(() => cache.delete(v.global_cid))
      if (cache.size > limit) cache.delete(cache.keys().next().value!)
    }
    // Another version may share the CID: answer with the asked one.
    return { ...(await answer), ...base }
  })
}

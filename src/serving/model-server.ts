import type { Logger } from 'pino'
import { FlError } from '../fl/errors.js'
import { adapterFactors, disposeFactors } from '../fl/model/lora.js'
import { type LoraFactor, forwardLogits, parameterTensors } from '../fl/model/network.js'
import { dequantizeModel } from '../fl/model/safetensors.js'
import { type ModelSpec, baseSpecOf, parameterLayout, parseModelSpec, trainableSize } from '../fl/model/spec.js'
import { ensureTfBackend, tf } from '../fl/model/tf.js'
import { decodeUpdateBlob } from '../fl/update/blob.js'
import { type AncestrySummary, ancestrySummary } from './ancestry.js'
import { ServingError } from './errors.js'
import type { ServingConfig } from './config.js'
import { ByteBudgetLru } from './lru.js'
import type { ReceiptView, ServingSource, VersionRef } from './source.js'

export interface InferenceRequest extends VersionRef {
  /** One example: prod(inputShape) numbers, row-major (a 28×28 digit: 784 grey levels in [0, 1]). */
  readonly input: ArrayLike<number>
  /** A MsgUseModel receipt id that paid for this version. */
  readonly receipt?: string
}

export interface Inference extends VersionRef {
  readonly kind: 'full' | 'adapter'
  readonly global_cid: string
  /** An adapter's base model. */
  readonly base: (VersionRef & { global_cid: string }) | null
  /** Softmax of the logits, one per class. */
  readonly probabilities: number[]
  readonly predicted: number
  readonly ancestry: AncestrySummary
  readonly receipt: ReceiptView | null
  /** The height whose state the answer was read from. */
  readonly height: number
  /** Whether the base and the adapter were resident already (warm) or loaded for this request (cold). */
  readonly cache: { base: 'warm' | 'cold'; adapter: 'warm' | 'cold' | 'none' }
}

interface BaseModel {
  readonly spec: ModelSpec
  readonly tensors: tf.Tensor[]
}

/** How a version resolves to a model: a full one, or an adapter on a base. */
interface Resolved {
  readonly ref: VersionRef
  readonly spec: ModelSpec
  readonly cid: string
  readonly base: { ref: VersionRef; cid: string; spec: ModelSpec } | null
}

export { DEFAULT_SERVING_CONFIG, type ServingConfig } from './config.js'

const refText = (v: VersionRef) => `${v.subnet}/${v.version}`

/**
 * Inference with ancestry (DESIGN §7, OpenLoRA's idea): a base model is loaded once into tensors
 * and shared; an adapter version is applied unmerged on it per request (forwardLogits with its
 * factors), so a base serves any number of adapters for the adapters' bytes alone. Both are kept
 * in least-recently-used caches under byte budgets. Every answer carries the version's ancestry
 * and top contributors from the lineage module, and checks a use receipt when one is given.
 */
export class ModelServer {
  readonly #source: ServingSource
  readonly #config: ServingConfig
  readonly #log: Logger | undefined
  readonly #bases: ByteBudgetLru<BaseModel>
  readonly #adapters: ByteBudgetLru<LoraFactor[]>
  readonly #specs = new Map<string, ModelSpec>()
  #resolvedAt = -1
  #resolved = new Map<string, Resolved>()
  #ancestry = new Map<string, AncestrySummary>()

  constructor(source: ServingSource, config: ServingConfig, log?: Logger) {
    this.#source = source
    this.#config = config
    this.#log = log
    this.#bases = new ByteBudgetLru(config.maxBaseBytes, (_, base) => base.tensors.forEach((t) => t.dispose()))
    this.#adapters = new ByteBudgetLru(config.maxBytes, (_, factors) => disposeFactors(factors))
  }

  get enabled(): boolean {
    return this.#config.enabled
  }

  /** What is resident: entries and bytes of each cache, and adapters evicted so far. */
  stats(): { bases: number; baseBytes: number; adapters: number; adapterBytes: number; evictions: number } {
    return {
      bases: this.#bases.size,
      baseBytes: this.#bases.bytes,
      adapters: this.#adapters.size,
      adapterBytes: this.#adapters.bytes,
      evictions: this.#adapters.evictions,
    }
  }

  /**
   * Class probabilities of `request.input` under the version's model, with its ancestry.
   * Throws ServingError: SERVING_DISABLED, UNKNOWN_VERSION, NOT_SERVABLE, MODEL_UNAVAILABLE,
   * INPUT_SHAPE, INPUT_VALUE, UNKNOWN_RECEIPT, RECEIPT_MISMATCH, RECEIPT_UNPAID.
   */
  async infer(request: InferenceRequest): Promise<Inference> {
    if (!this.#config.enabled) throw new ServingError('SERVING_DISABLED', 'this node does not serve models (serving.enabled is false)', {})
    const height = this.#source.height()
    const resolved = await this.#resolve({ subnet: request.subnet, version: request.version }, height)
    const modelSpec = resolved.base?.spec ?? resolved.spec
    const features = checkInput(modelSpec, request.input)
    const receipt = request.receipt === undefined ? null : await this.#checkReceipt(request.receipt, resolved.ref)
    const ancestry = await this.#ancestryOf(resolved, height)
    await ensureTfBackend()
    const baseCid = resolved.base?.cid ?? resolved.cid
    const baseWarm = this.#bases.has(baseCid)
    const base = await this.#base(baseCid, resolved.base === null ? resolved : { ref: resolved.base.ref, spec: resolved.base.spec })
    let adapterState: Inference['cache']['adapter'] = 'none'
    let factors: LoraFactor[] | undefined
    const adapterKey = `${resolved.ref.subnet}:${resolved.cid}`
    try {
      if (resolved.base !== null) {
        adapterState = this.#adapters.has(adapterKey) ? 'warm' : 'cold'
        factors = await this.#adapter(adapterKey, resolved)
      }
      const probabilities = tf.tidy(() => {
        const x = tf.tensor2d(features, [1, features.length])
        return Array.from(tf.softmax(forwardLogits(base.spec, base.tensors, x, factors)).dataSync())
      })
      let predicted = 0
      for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[predicted]!) predicted = i
      return {
        ...resolved.ref,
        kind: resolved.base === null ? 'full' : 'adapter',
        global_cid: resolved.cid,
        base: resolved.base === null ? null : { ...resolved.base.ref, global_cid: resolved.base.cid },
        probabilities,
        predicted,
        ancestry,
        receipt,
        height,
        cache: { base: baseWarm ? 'warm' : 'cold', adapter: adapterState },
      }
    } finally {
      if (factors !== undefined) this.#adapters.release(adapterKey)
      this.#bases.release(baseCid)
    }
  }

  /** Frees every resident tensor. */
  close(): void {
    this.#adapters.clear()
    this.#bases.clear()
  }

  async #resolve(ref: VersionRef, height: number): Promise<Resolved> {
    if (height !== this.#resolvedAt) {
      this.#resolvedAt = height
      this.#resolved = new Map()
      this.#ancestry = new Map()
    }
    const cached = this.#resolved.get(refText(ref))
    if (cached !== undefined) return cached
    const { spec, cid } = await this.#versionModel(ref)
    let base: Resolved['base'] = null
    if (spec.adapter !== undefined) {
      const baseRef = spec.adapter.base
      const notServable = (reason: string) => new ServingError('NOT_SERVABLE', `${refText(ref)}: ${reason}`, { ...ref, reason })
      let model
      try {
        model = await this.#versionModel(baseRef)
      } catch (error) {
        if (error instanceof ServingError) throw notServable(`its base ${refText(baseRef)}: ${error.plainMessage}`)
        throw error
      }
      if (model.spec.adapter !== undefined) throw notServable(`its base ${refText(baseRef)} is an adapter itself`)
      if (canonical(baseSpecOf(spec)) !== canonical(model.spec))
        throw notServable(`its layers differ from its base ${refText(baseRef)}'s model spec`)
      base = { ref: { subnet: baseRef.subnet, version: baseRef.version }, cid: model.cid, spec: model.spec }
    }
    const resolved = { ref: { subnet: ref.subnet, version: ref.version }, spec, cid, base }
    this.#resolved.set(refText(ref), resolved)
    return resolved
  }

  /** A version's spec (parsed once per text) and its global model's CID. */
  async #versionModel(ref: VersionRef): Promise<{ spec: ModelSpec; cid: string }> {
    const subnet = await this.#source.subnet(ref.subnet)
    if (subnet === undefined) throw new ServingError('UNKNOWN_VERSION', `there is no subnet ${ref.subnet}`, { ...ref })
    const version = await this.#source.version(ref.subnet, ref.version)
    if (version === undefined) throw new ServingError('UNKNOWN_VERSION', `subnet ${ref.subnet} has no version ${ref.version}`, { ...ref })
    let spec = this.#specs.get(subnet.modelSpec)
    if (spec === undefined) {
      try {
        spec = parseModelSpec(subnet.modelSpec)
      } catch (error) {
        if (error instanceof FlError)
          throw new ServingError('NOT_SERVABLE', `${refText(ref)}: its model spec: ${error.plainMessage}`, {
            ...ref,
            reason: error.plainMessage,
          })
        throw error
      }
      this.#specs.set(subnet.modelSpec, spec)
    }
    return { spec, cid: version.globalCid }
  }

  async #ancestryOf(resolved: Resolved, height: number): Promise<AncestrySummary> {
    const key = refText(resolved.ref)
    const cached = this.#ancestry.get(key)
    if (cached !== undefined) return cached
    const summary = await ancestrySummary(this.#source, resolved.ref, resolved.base?.ref ?? null, this.#config.topContributors)
    if (height === this.#resolvedAt) this.#ancestry.set(key, summary)
    return summary
  }

  async #checkReceipt(id: string, ref: VersionRef): Promise<ReceiptView> {
    const receipt = await this.#source.receipt(id)
    if (receipt === undefined) throw new ServingError('UNKNOWN_RECEIPT', `there is no use receipt ${id}`, { receipt: id })
    if (BigInt(receipt.subnet) !== BigInt(ref.subnet) || BigInt(receipt.version) !== BigInt(ref.version)) {
      throw new ServingError('RECEIPT_MISMATCH', `receipt ${id} paid for ${receipt.subnet}/${receipt.version}, not ${refText(ref)}`, {
        receipt: id,
        paid: { subnet: receipt.subnet, version: receipt.version },
        requested: { subnet: ref.subnet, version: ref.version },
      })
    }
    if (BigInt(receipt.fee) <= 0n)
      throw new ServingError('RECEIPT_UNPAID', `receipt ${id} carries no fee`, { receipt: id, fee: receipt.fee })
    return receipt
  }

  /** The base model of `cid`, resident and pinned (release it). */
  async #base(cid: string, model: { ref: VersionRef; spec: ModelSpec }): Promise<BaseModel> {
    const resident = this.#bases.acquire(cid)
    if (resident !== undefined) return resident
    const params = await this.#parameters(cid, model.ref, parameterLayout(model.spec).size)
    const spec = baseSpecOf(model.spec)
    const tensors = parameterTensors(spec, params)
    this.#log?.debug({ cid, bytes: params.byteLength }, 'base model loaded')
    return this.#bases.insert(cid, { spec, tensors }, params.byteLength)
  }

  /** The adapter factors of a resolved adapter version, resident and pinned (release them). */
  async #adapter(key: string, resolved: Resolved): Promise<LoraFactor[]> {
    const resident = this.#adapters.acquire(key)
    if (resident !== undefined) return resident
    const params = await this.#parameters(resolved.cid, resolved.ref, trainableSize(resolved.spec))
    this.#log?.debug({ cid: resolved.cid, bytes: params.byteLength }, 'adapter loaded')
    return this.#adapters.insert(key, adapterFactors(resolved.spec, params), params.byteLength)
  }

  /** A model blob's parameters as floats, checked against the length its spec defines. */
  async #parameters(cid: string, ref: VersionRef, length: number): Promise<Float32Array> {
    let bytes: Uint8Array
    try {
      bytes = await this.#source.blob(cid)
    } catch (error) {
      throw new ServingError(
        'MODEL_UNAVAILABLE',
        `model blob ${cid} of ${refText(ref)}: ${(error as Error).message}`,
        { cid, reason: (error as Error).message },
        { cause: error },
      )
    }
    try {
      const blob = decodeUpdateBlob(bytes)
      if (blob.dtype !== 'int32' || blob.shape.length !== 1 || blob.shape[0] !== length) {
        throw new ServingError(
          'NOT_SERVABLE',
          `${refText(ref)}: its blob is ${blob.dtype} [${blob.shape.join(', ')}]; its spec needs int32 [${length}]`,
          { ...ref, reason: 'blob shape' },
        )
      }
      return dequantizeModel(blob.values, blob.scale)
    } catch (error) {
      if (error instanceof FlError)
        throw new ServingError('NOT_SERVABLE', `${refText(ref)}: its blob ${cid}: ${error.plainMessage}`, {
          ...ref,
          reason: error.plainMessage,
        })
      throw error
    }
  }
}

/** The features of one example, checked against the spec's input shape. */
function checkInput(spec: ModelSpec, input: ArrayLike<number>): Float32Array {
  const expected = spec.inputShape.reduce((a, b) => a * b, 1)
  if (input.length !== expected)
    throw new ServingError(
      'INPUT_SHAPE',
      `the model takes ${expected} values (input shape [${spec.inputShape.join(', ')}]), not ${input.length}`,
      { expected, actual: input.length },
    )
  const features = new Float32Array(expected)
  for (let i = 0; i < expected; i++) {
    const v = input[i]
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ServingError('INPUT_VALUE', `input[${i}] is not a finite number`, { index: i })
    features[i] = v
  }
  return features
}

/** A spec's layers as one text, keys sorted, to compare an adapter's layers with its base's. */
function canonical(spec: ModelSpec): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sort((value as Record<string, unknown>)[k])]),
          )
        : value
  return JSON.stringify(sort({ inputShape: spec.inputShape, layers: spec.layers }))
}

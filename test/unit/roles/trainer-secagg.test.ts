import assert from 'node:assert/strict'
import type { FedraClient } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import type { Dataset } from '../../../src/fl/data/dataset.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { MsgSubmitUpdate, blobCid } from '../../../src/modules/training/index.js'
import { canonicalModelSpec } from '../../../src/modules/subnets/index.js'
import { Tx } from '../../../src/state/index.js'
import { initialModelBlob } from '../../../src/roles/model-codec.js'
import { Trainer } from '../../../src/roles/trainer.js'
import { seededBytes } from '../fl/secagg/support.js'
import { FakeSecAggChain, OPEN, SETUP_END, quietLog, trainerKeys } from './secagg-support.js'

const SPEC = mlpSpec([4, 3, 2])
const N = 4 * 3 + 3 + 3 * 2 + 2
const MODEL = initialModelBlob(SPEC, 1)
const KEYS = trainerKeys(4)
const NO_POLICY = { height: '3', policy: null, rounds: '0', rho: '0', epsilon: '0', round_rho: null, rounds_left: null }

/** 32 rows of 4 features; `reads` counts the reads of its features, i.e. local training having begun. */
function countedDataset(): Dataset & { reads: number } {
  const features = new Float32Array(32 * 4)
  const labels = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    for (let j = 0; j < 4; j++) features[i * 4 + j] = ((i * 7 + j * 3) % 11) / 5 - 1
    labels[i] = features[i * 4]! > features[i * 4 + 1]! ? 1 : 0
  }
  const data = { labels, count: 32, featureSize: 4, classes: 2, reads: 0 }
  return Object.defineProperty(data, 'features', {
    get: () => {
      data.reads++
      return features
    },
    enumerable: true,
  }) as Dataset & { reads: number }
}

/** The secagg books of FakeSecAggChain plus what the Trainer itself reads (round, ledger, subnet) and its MsgSubmitUpdate. */
function client(chain: FakeSecAggChain, sender: string, submitted: bigint[]): FedraClient {
  const secagg = chain.client(sender)
  const answers: Record<string, () => unknown> = {
    round_get: () => ({
      ...(chain.round() as object),
      base_version: '0',
      max_updates: 8,
      quantization: { dtype: 'int32', scale: 1 << 20, max_abs: 2147483647 },
    }),
    subnet_dpLedger: () => NO_POLICY,
    subnet_envelopeKeys: () => ({ height: '3', subnet: '0', private: false, latest_epoch: null, stale: null, key_set: null }),
    round_updates: () => ({ height: String(chain.height), updates: [] }),
    subnet_get: () => ({ model_spec: canonicalModelSpec(SPEC), parameter_count: String(N), params: { quantization: { clip_norm: '5' } } }),
  }
  return {
    ...secagg,
    call: async (method: string, params: Record<string, string>) =>
      answers[method] === undefined ? secagg.call(method as never, params as never) : answers[method]!(),
    broadcastTx: async (tx: Uint8Array, ...rest: unknown[]) => {
      try {
        submitted.push(decode(MsgSubmitUpdate, decode(Tx, tx).body.messages[0]!).round)
        return { height: chain.height + 1, result: { code: 0, codespace: '', log: '', events: [] } }
      } catch {
        return (secagg.broadcastTx as (...a: unknown[]) => unknown)(tx, ...rest)
      }
    },
  } as unknown as FedraClient
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('roles/trainer in a secagg-fedavg round', () => {
  it('trains while the setup phase runs and submits its masked update as soon as the update phase opens', async () => {
    const chain = new FakeSecAggChain(KEYS)
    const me = KEYS[1]!
    const submitted: bigint[] = []
    const data = countedDataset()
    const log = quietLog()
    const trainer = new Trainer({
      client: client(chain, me.publicKey.address, submitted),
      nodeUrl: 'http://127.0.0.1:1',
      key: me,
      subnet: 0n,
      data,
      training: { learningRate: 0.5, batchSize: 8 },
      seed: 3,
      log,
      // the base model under the fake round's CID (the round id, and so every seed, is bound to it)
      blobs: { get: async () => MODEL, put: async (bytes: Uint8Array) => blobCid(bytes) },
      secagg: { randomBytes: seededBytes('trainer 1') },
    })
    chain.height = OPEN
    await trainer.step() // the setup goes out, and local training starts beside it
    assert.deepEqual(
      chain.sent.map((s) => s.type),
      ['setup'],
    )
    await until('local training to begin in the setup phase', () => data.reads > 0)
    assert.deepEqual(submitted, [], 'no update before the update phase')
    chain.height = SETUP_END - 2
    await trainer.step()
    assert.deepEqual(submitted, [], 'still the setup phase')
    chain.height = SETUP_END - 1 // a transaction sent now lands at setupEnd
    await trainer.step()
    assert.deepEqual(
      submitted,
      [0n],
      `the masked update, at the first height that takes it (${log.warnings.join('; ')} | ${log.infos.join('; ')})`,
    )
  })
})

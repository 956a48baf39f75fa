import assert from 'node:assert/strict'
import type { FedraClient } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { PrivateKey, encodeAddress } from '../../../src/crypto/index.js'
import type { Dataset } from '../../../src/fl/data/dataset.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import type { NormalSource } from '../../../src/fl/train/privacy.js'
import { decodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { l2Norm } from '../../../src/fl/update/quantize.js'
import type { Logger } from '../../../src/log/index.js'
import { MsgSubmitUpdate, blobCid } from '../../../src/modules/training/index.js'
import { canonicalModelSpec } from '../../../src/modules/subnets/index.js'
import { Tx } from '../../../src/state/index.js'
import { RoleMetrics } from '../../../src/roles/metrics.js'
import { initialModelBlob } from '../../../src/roles/model-codec.js'
import { Trainer, type TrainerFinish } from '../../../src/roles/trainer.js'

const SPEC = mlpSpec([4, 3, 2])
const N = 4 * 3 + 3 + 3 * 2 + 2
const SCALE = 1 << 20
const SUBNET_CLIP = 5
const MODEL = initialModelBlob(SPEC, 1)
const OTHER = encodeAddress(new Uint8Array(20).fill(9))

/** 32 rows of 4 features, label 1 when the first feature is the larger: enough for a delta well above the DP clip. */
function dataset(): Dataset {
  const features = new Float32Array(32 * 4)
  const labels = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    for (let j = 0; j < 4; j++) features[i * 4 + j] = ((i * 7 + j * 3) % 11) / 5 - 1
    labels[i] = features[i * 4]! > features[i * 4 + 1]! ? 1 : 0
  }
  return { features, labels, count: 32, featureSize: 4, classes: 2 }
}

type Ledger = {
  height: string
  policy: null | Record<string, string>
  rounds: string
  rho: string
  epsilon: string
  round_rho: string | null
  rounds_left: string | null
}
const NO_POLICY: Ledger = { height: '10', policy: null, rounds: '0', rho: '0', epsilon: '0', round_rho: null, rounds_left: null }
/** A policy of clip norm 0.01 and noise multiplier 2 (σ = 0.02), governing from `fromRound`. */
const policy = (roundsLeft: string, fromRound = '0'): Ledger => ({
  height: '10',
  policy: {
    clip_norm: '0.01',
    noise_multiplier: '2',
    sampling_rate: '1',
    target_epsilon: '10',
    delta: '0.00001',
    from_round: fromRound,
    height: '3',
  },
  rounds: '2',
  rho: '0.25',
  epsilon: '4.05',
  round_rho: '0.125',
  rounds_left: roundsLeft,
})

/**
 * One subnet's current round in memory (round 5 in its submit window), its DP ledger as
 * training's dpLedger query answers it, and the updates the trainer sends, decoded; `refuse`
 * makes the chain answer the next update with training/103 as MsgSubmitUpdate's DP charge does.
 */
class FakeChain {
  round = 5
  ledger: Ledger = NO_POLICY
  updates: { trainer: string; update_cid: string }[] = []
  refuse = false
  readonly blobs = new Map<string, Uint8Array>([[blobCid(MODEL), MODEL]])
  readonly sent: { round: bigint; values: Int32Array; code: number }[] = []
  puts = 0

  client(): FedraClient {
    const answers: Record<string, () => unknown> = {
      round_get: () => ({
        height: '10',
        round: String(this.round),
        phase: 'submit',
        base_global_cid: blobCid(MODEL),
        base_version: '0',
        max_updates: 4,
        quantization: { dtype: 'int32', scale: SCALE, max_abs: 2147483647 },
      }),
      subnet_dpLedger: () => this.ledger,
      subnet_envelopeKeys: () => ({ height: '10', subnet: '0', private: false, latest_epoch: null, stale: null, key_set: null }),
      round_updates: () => ({ height: '10', updates: this.updates }),
      subnet_get: () => ({
        model_spec: canonicalModelSpec(SPEC),
        parameter_count: String(N),
        params: { quantization: { clip_norm: String(SUBNET_CLIP) } },
      }),
      training_params: () => ({ gas_per_coordinate: '1' }),
    }
    const fake = {
      call: async (method: string) => answers[method]!(),
      status: async () => ({ nodeInfo: { network: 'fedra-test' } }),
      account: async () => ({ nonce: String(this.sent.length) }),
      broadcastTx: async (tx: Uint8Array) => this.#apply(tx),
      close: () => {},
    }
    return fake as unknown as FedraClient
  }

  blobStore() {
    return {
      get: async (cid: string) => this.blobs.get(cid)!,
      put: async (bytes: Uint8Array) => {
        this.puts++
        this.blobs.set(blobCid(bytes), bytes)
        return blobCid(bytes)
      },
    }
  }

  #apply(tx: Uint8Array) {
    const m = decode(MsgSubmitUpdate, decode(Tx, tx).body.messages[0]!)
    const code = this.refuse ? 103 : 0
    this.sent.push({ round: m.round, values: decodeUpdateBlob(this.blobs.get(String(m.updateCid))!).values, code })
    if (code !== 0) return { height: 11, result: { code, codespace: 'training', log: 'DP_BUDGET_EXHAUSTED: past the budget', events: [] } }
    this.updates.push({ trainer: 'me', update_cid: String(m.updateCid) })
    return { height: 11, result: { code: 0, codespace: '', log: '', events: [] } }
  }
}

function quietLog(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const log = {
    warnings,
    info: () => {},
    debug: () => {},
    error: () => {},
    warn: (a: unknown, message?: string) => warnings.push(message ?? String(a)),
  }
  return log as unknown as Logger & { warnings: string[] }
}

/** Noise that is always `value` (what a real source never is), with the rounds it was asked for. */
function fixedNoise(value: number, rounds: bigint[]) {
  return (round: bigint): NormalSource => {
    rounds.push(round)
    return { normal: () => value }
  }
}

const key = PrivateKey.fromSeed(new Uint8Array(32).fill(5))
function trainer(chain: FakeChain, extra: { noise?: (round: bigint) => NormalSource; metrics?: RoleMetrics; log?: Logger } = {}) {
  return new Trainer({
    client: chain.client(),
    nodeUrl: 'http://127.0.0.1:1',
    key,
    subnet: 0n,
    data: dataset(),
    training: { learningRate: 0.5, batchSize: 8 },
    seed: 3,
    log: extra.log ?? quietLog(),
    blobs: chain.blobStore(),
    ...(extra.noise === undefined ? {} : { noise: extra.noise }),
    ...(extra.metrics === undefined ? {} : { metrics: extra.metrics }),
  })
}

const norm = (values: Int32Array) => l2Norm(Float32Array.from(values, (v) => v / SCALE))
/** Resolves to the finish, or to 'pending' if `finished` has not resolved by the next turn of the event loop. */
const settled = (t: Trainer) => Promise.race([t.finished, new Promise<'pending'>((r) => setImmediate(() => r('pending')))])

describe("roles/trainer: the subnet's DP policy", function () {
  this.timeout(60_000)

  it('without a policy: submits the update clipped to the subnet norm only, draws no noise', async () => {
    const chain = new FakeChain()
    const rounds: bigint[] = []
    await trainer(chain, { noise: fixedNoise(0, rounds) }).step()
    assert.equal(chain.sent.length, 1)
    assert.deepEqual(rounds, [])
    const n = norm(chain.sent[0]!.values)
    assert.ok(n > 0.05 && n <= SUBNET_CLIP + 1e-3, `update norm ${n}`)
  })

  it("with a policy: clips to the policy's norm and adds its noise σ = z·C to every coordinate", async () => {
    const zero = new FakeChain()
    zero.ledger = policy('3')
    const rounds: bigint[] = []
    await trainer(zero, { noise: fixedNoise(0, rounds) }).step()
    assert.deepEqual(rounds, [5n])
    const clipped = zero.sent[0]!.values
    assert.ok(Math.abs(norm(clipped) - 0.01) < 1e-4, `clipped norm ${norm(clipped)}`)
    const one = new FakeChain()
    one.ledger = policy('3')
    await trainer(one, { noise: fixedNoise(1, []) }).step()
    // the same training (seeded), the same clip, plus 0.02 on each coordinate (±1 step of stochastic rounding)
    const noisy = one.sent[0]!.values
    assert.equal(noisy.length, N)
    for (let i = 0; i < N; i++) assert.ok(Math.abs(noisy[i]! - clipped[i]! - 0.02 * SCALE) <= 1, `coordinate ${i}`)
  })

  it('with a policy from a later round: this round is plain', async () => {
    const chain = new FakeChain()
    chain.ledger = policy('3', '6')
    const rounds: bigint[] = []
    await trainer(chain, { noise: fixedNoise(1, rounds) }).step()
    assert.deepEqual(rounds, [])
    assert.ok(norm(chain.sent[0]!.values) > 0.05)
  })

  it('uses the platform CSPRNG for the noise when none is given: two trainers of one seed send different updates', async () => {
    const a = new FakeChain()
    const b = new FakeChain()
    a.ledger = policy('3')
    b.ledger = policy('3')
    await trainer(a).step()
    await trainer(b).step()
    const [x, y] = [a.sent[0]!.values, b.sent[0]!.values]
    let differ = 0
    for (let i = 0; i < N; i++) if (Math.abs(x[i]! - y[i]!) > 2) differ++
    assert.ok(differ > N / 2, `${differ} of ${N} coordinates differ`)
    // σ = 0.02 per coordinate: the noise dominates the clipped update (norm 0.01)
    assert.ok(norm(x) > 0.03, `noisy norm ${norm(x)}`)
  })

  it('budget spent (no round left, no update yet): trains nothing, uploads nothing, stops for the subnet', async () => {
    const chain = new FakeChain()
    chain.ledger = policy('0')
    const metrics = new RoleMetrics('trainer')
    const log = quietLog()
    const t = trainer(chain, { metrics, log })
    await t.step()
    const finish = (await settled(t)) as TrainerFinish
    assert.equal(finish.reason, 'dp_budget_exhausted')
    assert.equal(finish.found, 'ledger')
    assert.equal(finish.round, 5n)
    assert.equal(finish.epsilon, '4.05')
    assert.equal(finish.targetEpsilon, '10')
    assert.equal(chain.sent.length, 0)
    assert.equal(chain.puts, 0)
    assert.equal((await metrics.stopped.get()).values.find((v) => v.labels.reason === 'dp_budget_exhausted')?.value, 1)
    assert.equal(log.warnings.length, 1)
    assert.match(log.warnings[0]!, /DP budget of subnet 0 exhausted .* this trainer stops training for subnet 0/)
    chain.round = 6
    chain.ledger = policy('5') // whatever the node says later: the trainer stopped
    await t.step()
    assert.equal(chain.sent.length, 0)
    assert.equal(log.warnings.length, 1)
  })

  it('no round left but the round already has an update (it is charged): still submits to it', async () => {
    const chain = new FakeChain()
    chain.ledger = policy('0')
    chain.updates = [{ trainer: OTHER, update_cid: blobCid(MODEL) }]
    const t = trainer(chain, { noise: fixedNoise(0, []) })
    await t.step()
    assert.equal(chain.sent.length, 1)
    assert.equal(await settled(t), 'pending')
  })

  it('refused with training/103 DP_BUDGET_EXHAUSTED: counts it, stops, sends nothing in later rounds', async () => {
    const chain = new FakeChain()
    chain.ledger = policy('1') // the ledger allowed one more round; another round took it first
    chain.refuse = true
    const metrics = new RoleMetrics('trainer')
    const log = quietLog()
    const t = trainer(chain, { metrics, log, noise: fixedNoise(0, []) })
    await t.step()
    assert.equal(chain.sent.length, 1)
    const finish = (await settled(t)) as TrainerFinish
    assert.equal(finish.found, 'refused')
    assert.equal(finish.round, 5n)
    assert.equal((await metrics.refused.get()).values.find((v) => v.labels.code === 'training/103')?.value, 1)
    assert.equal((await metrics.stopped.get()).values.find((v) => v.labels.reason === 'dp_budget_exhausted')?.value, 1)
    assert.ok(log.warnings.some((w) => /refused the update \(training\/103 DP_BUDGET_EXHAUSTED\)/.test(w)))
    chain.round = 6
    chain.refuse = false
    await t.step()
    await t.step()
    assert.equal(chain.sent.length, 1, 'no retry, no later round')
  })
})

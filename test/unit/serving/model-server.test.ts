import assert from 'node:assert/strict'
import { initialParameters } from '../../../src/fl/model/init.js'
import { initialAdapter, mergeAdapter } from '../../../src/fl/model/lora.js'
import { Network } from '../../../src/fl/model/network.js'
import { type ModelSpec, adapterLayout, mlpSpec } from '../../../src/fl/model/spec.js'
import { ensureTfBackend, tf } from '../../../src/fl/model/tf.js'
import { SeededRandom } from '../../../src/fl/random.js'
import { encodeModel } from '../../../src/roles/model-codec.js'
import { ByteBudgetLru } from '../../../src/serving/lru.js'
import { MemoryServingSource } from '../../../src/serving/memory-source.js'
import { DEFAULT_SERVING_CONFIG, type Inference, ModelServer, type ServingConfig } from '../../../src/serving/model-server.js'
import type { ServingErrorCode } from '../../../src/serving/errors.js'

const BASE_SPEC = mlpSpec([784, 64, 10])
const BASE = { subnet: '0', version: '1' }
const adapterSpec = (seed: number, base = BASE, rank = 4): ModelSpec => ({
  ...BASE_SPEC,
  adapter: { base, rank, alpha: 8, layers: [0, 1], seed },
})
const ADAPTER_BYTES = adapterLayout(adapterSpec(1)).size * 4

function vector(n: number, seed: number, amplitude: number): Float32Array {
  const random = new SeededRandom(seed)
  return Float32Array.from({ length: n }, () => (2 * random.next() - 1) * amplitude)
}
/** What the blob holds: the vector rounded to the model scale (the server sees exactly this). */
const roundTrip = (v: Float32Array): Float32Array => Float32Array.from(v, (x) => Math.round(x * 16384) / 16384)
const digit = Array.from(vector(784, 99, 0.5), (v) => v + 0.5)

function fixture(adapters = 3) {
  const source = new MemoryServingSource()
  source.addSubnet('0', BASE_SPEC)
  const base = initialParameters(BASE_SPEC, 5)
  source.addVersion({ subnet: '0', version: '0' }, encodeModel(base))
  source.addVersion(BASE, encodeModel(base), {
    parents: [{ subnet: '0', version: '0' }],
    datanets: [{ datanet: '2', version: '1' }],
    contributors: [
      { contributor: 'fedra1small', weight: '100' },
      { contributor: 'fedra1big', weight: '900' },
      { contributor: 'treasury:0', weight: '500' },
    ],
  })
  const adapterParams: Float32Array[] = []
  for (let i = 1; i <= adapters; i++) {
    const spec = adapterSpec(i)
    source.addSubnet(String(i), spec)
    source.addVersion({ subnet: String(i), version: '0' }, encodeModel(initialAdapter(spec)), { kind: 'adapter' })
    const trained = vector(adapterLayout(spec).size, 100 + i, 0.3)
    adapterParams.push(roundTrip(trained))
    source.addVersion({ subnet: String(i), version: '1' }, encodeModel(trained), {
      kind: 'adapter',
      parents: [{ subnet: String(i), version: '0' }],
      datanets: [{ datanet: '7', version: String(i) }],
    })
  }
  return { source, base: roundTrip(base), adapterParams }
}

const config = (over: Partial<ServingConfig> = {}): ServingConfig => ({ ...DEFAULT_SERVING_CONFIG, enabled: true, ...over })
const refusedWith = (code: ServingErrorCode) => (error: unknown) => (error as { code?: string }).code === code

function reference(spec: ModelSpec, params: Float32Array): number[] {
  const network = new Network(spec)
  network.setParameters(params)
  const out = tf.tidy(() => Array.from(tf.softmax(network.logits(tf.tensor2d(digit, [1, 784]))).dataSync()))
  network.dispose()
  return out
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length)
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < tolerance, `class ${i}: ${v} vs ${expected[i]}`))
}

describe('ModelServer', function () {
  this.timeout(60_000)
  before(() => ensureTfBackend())

  it('serves a full model version: its probabilities, its ancestry and its top contributors', async () => {
    const { source, base } = fixture(0)
    const server = new ModelServer(source, config({ topContributors: 2 }))
    const answer = await server.infer({ ...BASE, input: digit })
    assert.equal(answer.kind, 'full')
    assert.equal(answer.base, null)
    assertClose(answer.probabilities, reference(BASE_SPEC, base))
    assert.ok(Math.abs(answer.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5)
    assert.equal(answer.predicted, answer.probabilities.indexOf(Math.max(...answer.probabilities)))
    assert.deepEqual(
      answer.ancestry.versions.map((v) => [v.subnet, v.version, v.depth]),
      [
        ['0', '1', 0],
        ['0', '0', 1],
      ],
    )
    assert.deepEqual(answer.ancestry.roots, [{ subnet: '0', version: '0' }])
    assert.deepEqual(answer.ancestry.datanet_versions, [{ datanet: '2', version: '1' }])
    assert.deepEqual(
      answer.ancestry.contributors.map((c) => c.contributor),
      ['fedra1big', 'treasury:0'],
    )
    assert.deepEqual(answer.cache, { base: 'cold', adapter: 'none' })
    assert.equal((await server.infer({ ...BASE, input: digit })).cache.base, 'warm')
    server.close()
  })

  it("applies adapters unmerged on one shared base: the merged model's answer, the base loaded once", async () => {
    const { source, base, adapterParams } = fixture(3)
    const server = new ModelServer(source, config())
    const answers: Inference[] = []
    for (let i = 1; i <= 3; i++) answers.push(await server.infer({ subnet: String(i), version: '1', input: digit }))
    answers.forEach((answer, i) => {
      assert.equal(answer.kind, 'adapter')
      assert.deepEqual(answer.base?.subnet, '0')
      assertClose(answer.probabilities, reference(BASE_SPEC, mergeAdapter(adapterSpec(i + 1), base, adapterParams[i]!)))
    })
    assert.notDeepEqual(answers[0]!.probabilities, answers[1]!.probabilities)
    assert.equal(source.blobReads, 1 + 3, 'one base blob and three adapter blobs')
    assert.deepEqual(
      answers.map((a) => a.cache),
      [
        { base: 'cold', adapter: 'cold' },
        { base: 'warm', adapter: 'cold' },
        { base: 'warm', adapter: 'cold' },
      ],
    )
    assert.deepEqual(server.stats(), { bases: 1, baseBytes: base.length * 4, adapters: 3, adapterBytes: 3 * ADAPTER_BYTES, evictions: 0 })
    assert.deepEqual((await server.infer({ subnet: '2', version: '1', input: digit })).cache, { base: 'warm', adapter: 'warm' })
    // an untrained adapter (B = 0) answers exactly what the base answers
    assertClose((await server.infer({ subnet: '1', version: '0', input: digit })).probabilities, reference(BASE_SPEC, base), 1e-6)
    server.close()
  })

  it("names the base in an adapter's ancestry, with the Datanet versions of both", async () => {
    const { source } = fixture(1)
    const server = new ModelServer(source, config())
    const answer = await server.infer({ subnet: '1', version: '1', input: digit })
    assert.deepEqual(
      answer.ancestry.versions.map((v) => `${v.subnet}/${v.version}@${v.depth}`),
      ['1/1@0', '1/0@1', '0/1@1', '0/0@2'],
    )
    assert.deepEqual(answer.ancestry.roots, [
      { subnet: '1', version: '0' },
      { subnet: '0', version: '0' },
    ])
    assert.deepEqual(answer.ancestry.datanet_versions, [
      { datanet: '2', version: '1' },
      { datanet: '7', version: '1' },
    ])
    server.close()
  })

  it('keeps adapters under serving.maxBytes, least recently used out first, and serves an evicted one again', async () => {
    const { source, base, adapterParams } = fixture(3)
    const server = new ModelServer(source, config({ maxBytes: 2 * ADAPTER_BYTES }))
    const first = await server.infer({ subnet: '1', version: '1', input: digit })
    await server.infer({ subnet: '2', version: '1', input: digit })
    await server.infer({ subnet: '1', version: '1', input: digit }) // 1 is now the most recent
    await server.infer({ subnet: '3', version: '1', input: digit }) // evicts 2
    assert.deepEqual(
      { ...server.stats(), baseBytes: 0 },
      { bases: 1, baseBytes: 0, adapters: 2, adapterBytes: 2 * ADAPTER_BYTES, evictions: 1 },
    )
    assert.equal((await server.infer({ subnet: '1', version: '1', input: digit })).cache.adapter, 'warm')
    const again = await server.infer({ subnet: '2', version: '1', input: digit })
    assert.equal(again.cache.adapter, 'cold')
    assertClose(again.probabilities, reference(BASE_SPEC, mergeAdapter(adapterSpec(2), base, adapterParams[1]!)))
    assert.ok(server.stats().adapterBytes <= 2 * ADAPTER_BYTES)
    assert.equal(first.cache.adapter, 'cold')
    server.close()
  })

  it('checks a use receipt: paid for this version', async () => {
    const { source } = fixture(1)
    source.addReceipt({ id: '4', user: 'fedra1user', subnet: '1', version: '1', fee: '500', denom: 'ufdr', used_height: '9' })
    source.addReceipt({ id: '5', user: 'fedra1user', subnet: '0', version: '1', fee: '500', denom: 'ufdr', used_height: '9' })
    source.addReceipt({ id: '6', user: 'fedra1user', subnet: '1', version: '1', fee: '0', denom: 'ufdr', used_height: '9' })
    const server = new ModelServer(source, config())
    assert.equal((await server.infer({ subnet: '1', version: '1', input: digit, receipt: '4' })).receipt?.fee, '500')
    await assert.rejects(server.infer({ subnet: '1', version: '1', input: digit, receipt: '77' }), refusedWith('UNKNOWN_RECEIPT'))
    await assert.rejects(
      server.infer({ subnet: '1', version: '1', input: digit, receipt: '5' }),
      (e: { code: string; context: { paid: unknown } }) =>
        e.code === 'RECEIPT_MISMATCH' && JSON.stringify(e.context.paid) === '{"subnet":"0","version":"1"}',
    )
    await assert.rejects(server.infer({ subnet: '1', version: '1', input: digit, receipt: '6' }), refusedWith('RECEIPT_UNPAID'))
    assert.equal((await server.infer({ subnet: '1', version: '1', input: digit })).receipt, null)
    server.close()
  })

  describe('refusals (each loses nothing: the server answers the next request)', () => {
    it('SERVING_DISABLED when serving.enabled is false', async () => {
      const { source } = fixture(0)
      await assert.rejects(
        new ModelServer(source, { ...config(), enabled: false }).infer({ ...BASE, input: digit }),
        refusedWith('SERVING_DISABLED'),
      )
      assert.equal(source.blobReads, 0)
    })
    it('UNKNOWN_VERSION for a subnet or a version that does not exist', async () => {
      const { source } = fixture(0)
      const server = new ModelServer(source, config())
      await assert.rejects(server.infer({ subnet: '9', version: '0', input: digit }), refusedWith('UNKNOWN_VERSION'))
      await assert.rejects(
        server.infer({ subnet: '0', version: '9', input: digit }),
        (e: { code: string; context: object }) =>
          e.code === 'UNKNOWN_VERSION' && JSON.stringify(e.context) === '{"subnet":"0","version":"9"}',
      )
      assert.equal((await server.infer({ ...BASE, input: digit })).kind, 'full')
      server.close()
    })
    it('NOT_SERVABLE for an adapter whose base is missing, is itself an adapter, or has other layers', async () => {
      const { source } = fixture(1)
      source.addSubnet('10', adapterSpec(1, { subnet: '0', version: '8' }))
      source.addVersion({ subnet: '10', version: '0' }, encodeModel(initialAdapter(adapterSpec(1))))
      source.addSubnet('11', adapterSpec(1, { subnet: '1', version: '1' }))
      source.addVersion({ subnet: '11', version: '0' }, encodeModel(initialAdapter(adapterSpec(1))))
      const other = { ...mlpSpec([784, 32, 10]), adapter: { base: BASE, rank: 4, alpha: 8, layers: [0], seed: 1 } }
      source.addSubnet('12', other)
      source.addVersion({ subnet: '12', version: '0' }, encodeModel(initialAdapter(other)))
      const server = new ModelServer(source, config())
      for (const subnet of ['10', '11', '12'])
        await assert.rejects(server.infer({ subnet, version: '0', input: digit }), refusedWith('NOT_SERVABLE'), subnet)
      assert.equal((await server.infer({ subnet: '1', version: '1', input: digit })).kind, 'adapter')
      server.close()
    })
    it('NOT_SERVABLE for a blob that does not fit the spec, MODEL_UNAVAILABLE for a blob the store lacks', async () => {
      const { source } = fixture(1)
      source.addSubnet('20', BASE_SPEC)
      source.addVersion({ subnet: '20', version: '0' }, encodeModel(new Float32Array(10)))
      const cid = source.addVersion({ subnet: '20', version: '1' }, encodeModel(vector(50890, 3, 0.1)))
      source.dropBlob(cid)
      const server = new ModelServer(source, config())
      await assert.rejects(server.infer({ subnet: '20', version: '0', input: digit }), refusedWith('NOT_SERVABLE'))
      await assert.rejects(
        server.infer({ subnet: '20', version: '1', input: digit }),
        (e: { code: string; context: { cid: string } }) => e.code === 'MODEL_UNAVAILABLE' && e.context.cid === cid,
      )
      server.close()
    })
    it('INPUT_SHAPE for an input of the wrong size, INPUT_VALUE for one that is not a finite number', async () => {
      const { source } = fixture(1)
      const server = new ModelServer(source, config())
      await assert.rejects(
        server.infer({ subnet: '1', version: '1', input: digit.slice(1) }),
        (e: { code: string; context: object }) => e.code === 'INPUT_SHAPE' && JSON.stringify(e.context) === '{"expected":784,"actual":783}',
      )
      const bad = [...digit]
      bad[17] = Number.NaN
      await assert.rejects(
        server.infer({ subnet: '1', version: '1', input: bad }),
        (e: { code: string; context: { index: number } }) => e.code === 'INPUT_VALUE' && e.context.index === 17,
      )
      assert.equal(source.blobReads, 0, 'refused before loading anything')
      assert.equal((await server.infer({ subnet: '1', version: '1', input: digit })).kind, 'adapter')
      server.close()
    })
  })
})

describe('ByteBudgetLru', () => {
  it('evicts the least recently used unpinned entries past its budget, never a pinned one', () => {
    const evicted: string[] = []
    const lru = new ByteBudgetLru<number>(10, (key) => evicted.push(key))
    lru.insert('a', 1, 4)
    lru.release('a')
    lru.insert('b', 2, 4)
    lru.release('b')
    lru.acquire('a')
    lru.release('a')
    lru.insert('c', 3, 4) // over budget: b is the coldest
    assert.deepEqual(evicted, ['b'])
    lru.insert('d', 4, 4) // a unpinned and colder than c (pinned) → a goes
    assert.deepEqual(evicted, ['b', 'a'])
    lru.insert('e', 5, 4) // c and d pinned: over budget until released
    assert.equal(lru.bytes, 12)
    lru.release('c')
    assert.deepEqual(evicted, ['b', 'a', 'c'])
    assert.equal(lru.bytes, 8)
  })
})

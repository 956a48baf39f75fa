import assert from 'node:assert/strict'
import { canonicalModelSpec } from '../../../src/modules/subnets/index.js'
import { mlpSpec, smallCnnSpec } from '../../../src/fl/model/spec.js'
import { initialModelBlob } from '../../../src/roles/model-codec.js'
import { ModuleError } from '../../../src/state/tx-errors.js'
import { MethodTable } from '../../../src/rpc/method.js'
import { mnistMismatch, registerModelEvaluate } from '../../../src/node/model-evaluate.js'
import { MODEL_EVALUATE_API } from '../../../src/rpc/api/evaluate.js'

const CID = 'bafybeiaxpsfsll6djylt6ymkqzccjydpwwvkwlom3xilierbmejwpnhrzu'

/** model_evaluate with the module queries and the parameter store as stand-ins (one piece under test). */
function setup(
  spec: string,
  options: { evaluate?: (spec: string, blob: Uint8Array, cid: string) => Promise<{ accuracy: number; loss: number; count: number }> } = {},
) {
  const calls = { evaluate: 0, blobs: 0 }
  const table = new MethodTable()
  registerModelEvaluate(table, {
    backend: {
      queryApp: (module, name, params) => {
        if (module === 'training' && name === 'version') {
          if ((params as { version: string }).version === '9')
            throw new ModuleError('training', 7, 'UNKNOWN_VERSION', 'no version 9 of subnet 0')
          return { global_cid: (params as { version: string }).version === '2' ? CID.replace(/u$/, 'a') : CID }
        }
        if (module === 'subnets' && name === 'subnet') return { model_spec: spec }
        throw new Error(`unexpected query ${module}/${name}`)
      },
    },
    blobs: {
      get: async () => {
        calls.blobs++
        return new Uint8Array([1, 2, 3])
      },
    },
    evaluate:
      options.evaluate ??
      (async () => {
        calls.evaluate++
        return { accuracy: 0.9, loss: 0.3, count: 2000 }
      }),
  })
  const call = (params: Record<string, unknown>) => {
    const entry = table.get('model_evaluate')!
    return entry.handler(entry.parseParams(params), {
      transport: 'http',
      session: null,
      signal: new AbortController().signal,
    }) as Promise<unknown>
  }
  return { call, calls }
}

describe('model_evaluate (src/node/model-evaluate.ts)', function () {
  this.timeout(60_000)
  const mnist = canonicalModelSpec(mlpSpec([784, 16, 10]))

  it("answers the evaluation of the version's global model, valid by its schema, and evaluates each CID once", async () => {
    const { call, calls } = setup(mnist)
    const answer = await call({ subnet: '0', version: '1' })
    MODEL_EVALUATE_API.model_evaluate.result.parse(answer, 'result')
    assert.deepEqual(answer, {
      subnet: '0',
      version: '1',
      global_cid: CID,
      dataset: 'mnist:test',
      count: 2000,
      accuracy: 0.9,
      loss: 0.3,
      reason: '',
    })
    await call({ subnet: '0', version: '1' })
    assert.deepEqual(calls, { evaluate: 1, blobs: 1 }, 'cached by CID')
    await call({ subnet: '0', version: '2' })
    assert.deepEqual(calls, { evaluate: 2, blobs: 2 }, 'another CID is evaluated')
  })

  it('a model that is not 784 → 10 gets dataset null and the reason, nothing evaluated', async () => {
    const { call, calls } = setup(canonicalModelSpec(mlpSpec([2, 2])))
    const answer = (await call({ subnet: '0', version: '1' })) as { dataset: null; reason: string; accuracy: null }
    MODEL_EVALUATE_API.model_evaluate.result.parse(answer, 'result')
    assert.equal(answer.dataset, null)
    assert.equal(answer.accuracy, null)
    assert.match(answer.reason, /takes 2 inputs, not the 784 pixels/)
    assert.deepEqual(calls, { evaluate: 0, blobs: 0 })
    assert.equal(mnistMismatch(mlpSpec([784, 10, 3])), "the model's last dense layer has 3 outputs, not 10 classes")
    assert.equal(mnistMismatch(smallCnnSpec()), null)
  })

  it("an unknown version is the module's refusal (QUERY_FAILED at the dispatcher), and bad params are refused before any query", async () => {
    const { call, calls } = setup(mnist)
    await assert.rejects(call({ subnet: '0', version: '9' }), (e: unknown) => e instanceof ModuleError && e.code === 'UNKNOWN_VERSION')
    assert.throws(
      () => call({ subnet: 'zero', version: '1' }),
      (e: Error & { code?: string }) => e.code === 'INVALID_PARAMS',
    )
    assert.throws(
      () => call({ subnet: '0' }),
      (e: Error & { code?: string }) => e.code === 'INVALID_PARAMS',
    )
    assert.deepEqual(calls, { evaluate: 0, blobs: 0 })
  })

  it('a failed evaluation is not cached: the next call tries again', async () => {
    let fail = true
    const { call } = setup(mnist, {
      evaluate: async () => {
        if (fail) throw new Error('blob unreadable')
        return { accuracy: 0.5, loss: 1, count: 2000 }
      },
    })
    await assert.rejects(call({ subnet: '0', version: '1' }), /blob unreadable/)
    fail = false
    assert.equal(((await call({ subnet: '0', version: '1' })) as { accuracy: number }).accuracy, 0.5)
  })

  it('the default evaluator (tfjs, the MNIST test digits) scores a seeded initial model near chance', async () => {
    const spec = mlpSpec([784, 16, 10])
    const blob = initialModelBlob(spec, 1)
    const table = new MethodTable()
    registerModelEvaluate(table, {
      backend: { queryApp: (module: string) => (module === 'training' ? { global_cid: CID } : { model_spec: canonicalModelSpec(spec) }) },
      blobs: { get: async () => blob },
    })
    const entry = table.get('model_evaluate')!
    const answer = (await entry.handler(entry.parseParams({ subnet: '0', version: '0' }), {
      transport: 'http',
      session: null,
      signal: new AbortController().signal,
    })) as { accuracy: number; count: number; loss: number }
    assert.equal(answer.count, 2000)
    assert.ok(answer.accuracy > 0.02 && answer.accuracy < 0.3, `accuracy ${answer.accuracy} of an untrained model`)
    assert.ok(answer.loss > 1.5, `loss ${answer.loss}`)
  })
})

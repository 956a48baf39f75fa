import assert from 'node:assert/strict'
import { initialParameters } from '../../../src/fl/model/init.js'
import { initialAdapter } from '../../../src/fl/model/lora.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { encodeModel } from '../../../src/roles/model-codec.js'
import { type RpcServer, RPC_ERRORS, createRpcServer } from '../../../src/rpc/index.js'
import { MemoryServingSource } from '../../../src/serving/memory-source.js'
import { DEFAULT_SERVING_CONFIG, ModelServer } from '../../../src/serving/model-server.js'
import { registerServingMethods } from '../../../src/serving/rpc.js'
import { post, silentLog } from '../../unit/rpc/support/wire.js'
import { TestNode } from '../rpc/support/test-node.js'

/** model_infer on a real JSON-RPC server (schema validation, error mapping), a ModelServer over an in-memory chain behind it. */
describe('model_infer over JSON-RPC', function () {
  this.timeout(30_000)
  const spec = mlpSpec([4, 3, 2])
  const adapter = { ...spec, adapter: { base: { subnet: '0', version: '0' }, rank: 1, alpha: 1, layers: [1], seed: 3 } }
  let node: TestNode
  let serving: RpcServer
  let disabled: RpcServer
  let model: ModelServer
  const call = async (server: RpcServer, params: unknown) =>
    JSON.parse((await post(server.address.url, JSON.stringify({ jsonrpc: '2.0', method: 'model_infer', params, id: 1 }))).text)

  before(async () => {
    const source = new MemoryServingSource()
    source.addSubnet('0', spec)
    source.addVersion({ subnet: '0', version: '0' }, encodeModel(initialParameters(spec, 1)))
    source.addSubnet('1', adapter)
    source.addVersion({ subnet: '1', version: '0' }, encodeModel(initialAdapter(adapter)), { kind: 'adapter' })
    source.addReceipt({ id: '0', user: 'fedra1u', subnet: '1', version: '0', fee: '10', denom: 'ufdr', used_height: '1' })
    model = new ModelServer(source, { ...DEFAULT_SERVING_CONFIG, enabled: true })
    node = await TestNode.start()
    serving = await createRpcServer({
      backend: node,
      listen: { port: 0 },
      log: silentLog,
      extend: (table) => registerServingMethods(table, model),
    })
    disabled = await createRpcServer({
      backend: node,
      listen: { port: 0 },
      log: silentLog,
      extend: (table) => registerServingMethods(table, undefined),
    })
  })
  after(async () => {
    model.close()
    await serving.close()
    await disabled.close()
    await node.stop()
  })

  it('answers probabilities, the base and the ancestry of an adapter version, with its receipt', async () => {
    const { result, error } = await call(serving, { version: { subnet: '1', version: '0' }, input: [0.1, 0.2, 0.3, 0.4], receipt: '0' })
    assert.equal(error, undefined, JSON.stringify(error))
    assert.equal(result.kind, 'adapter')
    assert.equal(result.probabilities.length, 2)
    assert.deepEqual([result.base.subnet, result.base.version], ['0', '0'])
    assert.deepEqual(
      result.ancestry.versions.map((v: { subnet: string }) => v.subnet),
      ['1', '0'],
    )
    assert.equal(result.receipt.fee, '10')
  })

  it('refuses with -32014 INFERENCE_REFUSED and the serving code in data', async () => {
    const cases: [unknown, string][] = [
      [{ version: { subnet: '5', version: '0' }, input: [1, 2, 3, 4] }, 'UNKNOWN_VERSION'],
      [{ version: { subnet: '0', version: '0' }, input: [1, 2, 3] }, 'INPUT_SHAPE'],
      [{ version: { subnet: '1', version: '0' }, input: [1, 2, 3, 4], receipt: '9' }, 'UNKNOWN_RECEIPT'],
    ]
    for (const [params, code] of cases) {
      const { error } = await call(serving, params)
      assert.equal(error?.code, RPC_ERRORS.INFERENCE_REFUSED, JSON.stringify(params))
      assert.equal(error.data.code, code)
    }
    const off = await call(disabled, { version: { subnet: '0', version: '0' }, input: [1, 2, 3, 4] })
    assert.deepEqual([off.error.code, off.error.data.code], [RPC_ERRORS.INFERENCE_REFUSED, 'SERVING_DISABLED'])
  })

  it('refuses malformed params with -32602 naming the field', async () => {
    const notNumbers = await call(serving, { version: { subnet: '0', version: '0' }, input: [1, 'x', 3, 4] })
    assert.deepEqual([notNumbers.error.code, notNumbers.error.data.field], [RPC_ERRORS.INVALID_PARAMS, 'params.input[1]'])
    const badVersion = await call(serving, { version: { subnet: 'a', version: '0' }, input: [1] })
    assert.deepEqual([badVersion.error.code, badVersion.error.data.field], [RPC_ERRORS.INVALID_PARAMS, 'params.version.subnet'])
  })
})

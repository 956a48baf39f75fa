import assert from 'node:assert/strict'
import type { FedraClient } from '../../../src/client/index.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { AdapterNetwork } from '../../../src/fl/model/lora.js'
import { Network } from '../../../src/fl/model/network.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { ensureTfBackend } from '../../../src/fl/model/tf.js'
import { encodeModel } from '../../../src/roles/model-codec.js'
import { subnetNetwork } from '../../../src/roles/subnet-network.js'

describe('roles: the network a trainer or scorer builds for a subnet', () => {
  before(() => ensureTfBackend())
  const spec = mlpSpec([4, 3, 2])
  const tuned = { ...spec, adapter: { base: { subnet: '0', version: '2' }, rank: 1, alpha: 1, layers: [0, 1], seed: 1 } }
  const base = initialParameters(spec, 4)
  const calls: unknown[] = []
  const client = {
    call: async (method: string, params: unknown) => (calls.push([method, params]), { global_cid: 'bafybase' }),
  } as unknown as Pick<FedraClient, 'call'>
  const blobs = (bytes: Uint8Array) => ({ get: async (cid: string) => (assert.equal(cid, 'bafybase'), bytes) })

  it('a full model spec: a Network of the whole model', async () => {
    const network = await subnetNetwork(spec, client, blobs(new Uint8Array()))
    assert.ok(network instanceof Network)
    assert.equal(network.parameterCount, 4 * 3 + 3 + 3 * 2 + 2)
    network.dispose()
  })
  it("a fine-tune: an AdapterNetwork over the base version's parameters, its vector the adapter's", async () => {
    const network = await subnetNetwork(tuned, client, blobs(encodeModel(base)))
    assert.ok(network instanceof AdapterNetwork)
    assert.equal(network.parameterCount, 1 * (4 + 3) + 1 * (3 + 2))
    assert.deepEqual(calls.at(-1), ['model_version', { subnet: '0', version: '2' }])
    const read = network.baseParameters()
    read.forEach((v, i) => assert.ok(Math.abs(v - base[i]!) <= 1 / 16384, `parameter ${i}`))
    network.dispose()
  })
  it('refuses a base blob that does not fit the spec: BAD_MODEL', async () => {
    await assert.rejects(
      subnetNetwork(tuned, client, blobs(encodeModel(new Float32Array(5)))),
      (e: { code?: string }) => e.code === 'BAD_MODEL',
    )
  })
})

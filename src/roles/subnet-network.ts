import type { FedraClient } from '../client/index.js'
import { AdapterNetwork } from '../fl/model/lora.js'
import { Network } from '../fl/model/network.js'
import { type ModelSpec, parameterLayout } from '../fl/model/spec.js'
import { modelParameters } from './model-codec.js'
import type { NodeBlobs } from './node-blobs.js'

/**
 * The network a trainer trains and a scorer evaluates for a subnet's model spec: a full `Network`,
 * or for a fine-tune (the spec declares an adapter) an `AdapterNetwork` over its base version's
 * parameters, read once from the chain (`model_version` of the base) and the parameter store.
 * Either way its flat vector is the subnet's (`parameter_count` long), so rounds, updates and
 * scores work unchanged. Throws RoleError BAD_MODEL for a base blob that does not fit the spec.
 */
export async function subnetNetwork(
  spec: ModelSpec,
  client: Pick<FedraClient, 'call'>,
  blobs: Pick<NodeBlobs, 'get'>,
): Promise<Network | AdapterNetwork> {
  if (spec.adapter === undefined) return new Network(spec)
  const { subnet, version } = spec.adapter.base
  const base = await client.call('model_version', { subnet, version })
  const parameters = modelParameters(await blobs.get(base.global_cid), parameterLayout(spec).size, base.global_cid)
  return new AdapterNetwork(spec, parameters)
}

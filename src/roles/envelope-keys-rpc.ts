import { fromHex } from '../bytes.js'
import type { FedraClient, Result } from '../client/index.js'
import type { KeySet } from '../fl/envelope/index.js'

/** The envelope library's KeySet of a `subnet_envelopeKeys` answer's key set. */
export function keySetOfJson(json: NonNullable<Result<'subnet_envelopeKeys'>['key_set']>): KeySet {
  return {
    subnet: BigInt(json.subnet),
    epoch: json.epoch,
    publicKey: fromHex(json.public_key),
    wrapPublicKey: fromHex(json.wrap_public_key),
    wraps: json.wraps.map((w) => ({ id: w.id, publicKey: fromHex(w.public_key), wrapped: fromHex(w.wrapped) })),
    ...(json.previous === null ? {} : { previous: fromHex(json.previous) }),
  }
}

/** The subnet's latest key set (undefined: the subnet is not private) and whether it is stale. */
export async function latestKeySet(client: FedraClient, subnet: bigint): Promise<{ keySet: KeySet; stale: boolean } | undefined> {
  const answer = await client.call('subnet_envelopeKeys', { subnet: String(subnet) })
  return answer.key_set === null ? undefined : { keySet: keySetOfJson(answer.key_set), stale: answer.stale === true }
}

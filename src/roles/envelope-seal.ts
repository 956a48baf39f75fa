import { randomBytes } from 'node:crypto'
import type { FedraClient } from '../client/index.js'
import { sealEnvelope } from '../fl/envelope/index.js'
import { latestKeySet } from './envelope-keys-rpc.js'

/**
 * What a trainer stores and names for its update: in a private subnet the update blob sealed to
 * the latest epoch's public key A_e (fresh CSPRNG ephemeral key; the trainer needs no secret and
 * cannot read anyone else's), so the CID is the ciphertext's; in any other subnet the blob itself.
 */
export async function updateBytesFor(
  client: FedraClient,
  subnet: bigint,
  blob: Uint8Array,
  random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Promise<Uint8Array> {
  const latest = await latestKeySet(client, subnet)
  return latest === undefined ? blob : sealEnvelope(latest.keySet, blob, random)
}

import { randomBytes } from 'node:crypto'
import type { FedraClient } from '../client/index.js'
import { type KeySet, sealEnvelope } from '../fl/envelope/index.js'
import { latestKeySet } from './envelope-keys-rpc.js'

/**
 * Gas a trainer adds to its update's limit per recipient of a private subnet's key set: the chain
 * checks the key set is not stale at every update, reading each bonded validator, aggregator and
 * account, which `submitUpdateGas` does not count. Generous, since the limit only caps what is
 * charged.
 */
export const ENVELOPE_GAS_PER_RECIPIENT = 5_000n

/** The gas a private subnet's key set adds to an update's or an aggregate's limit. */
export const keySetCheckGas = (keySet: KeySet): bigint => ENVELOPE_GAS_PER_RECIPIENT * BigInt(keySet.wraps.length)

/** The update as stored (sealed in a private subnet) and the gas its key-set checks add. */
export async function sealedUpdate(
  client: FedraClient,
  subnet: bigint,
  blob: Uint8Array,
  random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Promise<{ bytes: Uint8Array; extraGas: bigint }> {
  const latest = await latestKeySet(client, subnet)
  if (latest === undefined) return { bytes: blob, extraGas: 0n }
  return { bytes: sealEnvelope(latest.keySet, blob, random), extraGas: keySetCheckGas(latest.keySet) }
}

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
  return (await sealedUpdate(client, subnet, blob, random)).bytes
}

import './polyfill.js'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { P2PError } from './errors.js'

export const NODE_KEY_SEED_BYTES = 32

/**
 * The libp2p identity of a node, derived from the 32-byte ed25519 seed in node_key.json: the
 * same seed gives the same PeerId after every restart, so peers' bootstrap lists stay valid.
 */
export async function nodeKeyFromSeed(seed: Uint8Array): Promise<Ed25519PrivateKey> {
  if (seed.length !== NODE_KEY_SEED_BYTES) {
    throw new P2PError('INVALID_CONFIG', `node key seed must be ${NODE_KEY_SEED_BYTES} bytes`, {
      bytes: seed.length,
      limit: NODE_KEY_SEED_BYTES,
    })
  }
  return generateKeyPairFromSeed('Ed25519', seed)
}

/** The PeerId string a seed yields, without starting a host (for configs and genesis tooling). */
export async function peerIdFromSeed(seed: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await nodeKeyFromSeed(seed)).toString()
}

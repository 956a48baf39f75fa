import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey, fromHex } from '../crypto/index.js'
import { NodeError } from './errors.js'

export const nodeKeyPath = (home: string): string => join(home, 'config', 'node_key.json')
export const validatorKeyPath = (home: string): string => join(home, 'config', 'priv_validator_key.json')

function readKeyFile(path: string): PrivateKey {
  let file: { seed?: unknown; publicKey?: unknown }
  try {
    file = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new NodeError('KEY_INVALID', `${path}: ${(error as Error).message}`, { path })
  }
  if (typeof file.seed !== 'string' || !/^[0-9a-f]{64}$/.test(file.seed))
    throw new NodeError('KEY_INVALID', `${path}: "seed" must be 64 lower-case hex digits`, { path, field: 'seed' })
  const key = PrivateKey.fromSeed(fromHex(file.seed))
  if (file.publicKey !== undefined && file.publicKey !== key.publicKey.hex) {
    throw new NodeError('KEY_INVALID', `${path}: "publicKey" does not belong to "seed"`, { path, field: 'publicKey' })
  }
  return key
}

/** The p2p identity: its seed is the libp2p ed25519 key, so the peer id survives restarts. */
export function loadNodeKey(home: string): PrivateKey {
  return readKeyFile(nodeKeyPath(home))
}

/** The consensus key, or null for a full node whose home has none. */
export function loadValidatorKey(home: string): PrivateKey | null {
  const path = validatorKeyPath(home)
  return existsSync(path) ? readKeyFile(path) : null
}

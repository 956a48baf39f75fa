import { PrivateKey, fromHex, privateKeyFromMnemonic } from '../crypto/index.js'
import type { KeystoreFile } from '../crypto/keystore.js'
import { CliError } from './errors.js'

/** What `fedra keys import` was given: an encrypted keystore file, or a key in the clear to encrypt. */
export type KeyMaterial =
  | { kind: 'keystore'; file: KeystoreFile }
  | { kind: 'seed'; key: PrivateKey }
  | { kind: 'mnemonic'; key: PrivateKey }

const SEED = /^(?:0x)?([0-9a-fA-F]{64})$/

/**
 * Reads the text of an import: a keystore JSON file (what `keys export` prints), a raw 32-byte
 * ed25519 seed as 64 hex digits (what a devnet.json or another tool holds), or a BIP-39 mnemonic
 * (derived at `account` on Fedra's path). Anything else is refused with what was expected.
 */
export function parseKeyMaterial(text: string, source: string, account: number): KeyMaterial {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    try {
      return { kind: 'keystore', file: JSON.parse(trimmed) as KeystoreFile }
    } catch (error) {
      throw new CliError('BAD_FILE', `${source} looks like JSON but does not parse: ${(error as Error).message}`, { path: source })
    }
  }
  const seed = SEED.exec(trimmed)
  if (seed !== null) return { kind: 'seed', key: PrivateKey.fromSeed(fromHex(seed[1]!.toLowerCase())) }
  const words = trimmed.split(/\s+/)
  if (words.length >= 12 && words.every((w) => /^[a-z]+$/.test(w)))
    return { kind: 'mnemonic', key: privateKeyFromMnemonic(words.join(' '), account) }
  throw new CliError('BAD_FILE', `${source} holds neither a keystore file (JSON), a 64-hex-digit seed nor a BIP-39 mnemonic`, {
    path: source,
  })
}

import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { CryptoError } from './errors.js'
import { PrivateKey } from './keys.js'
import { platform } from './platform.js'

/** SLIP-44 coin type Fedra derives under (unregistered; devnets only until one is assigned). */
export const FEDRA_COIN_TYPE = 7373
const HARDENED = 0x8000_0000

export function newMnemonic(): string {
  return generateMnemonic(wordlist, 256)
}

/**
 * BIP-39 words → seed → SLIP-0010 ed25519 derivation along m/44'/7373'/account'/0'/0'
 * (ed25519 derivation is hardened-only).
 */
export function privateKeyFromMnemonic(mnemonic: string, account = 0, passphrase = ''): PrivateKey {
  const normalized = mnemonic.trim().split(/\s+/).join(' ')
  if (!validateMnemonic(normalized, wordlist)) {
    throw new CryptoError('BAD_MNEMONIC', 'not a valid BIP-39 English mnemonic (unknown word or bad checksum)', {})
  }
  const seed = mnemonicToSeedSync(normalized, passphrase)
  let node = platform.hmacSha512(new TextEncoder().encode('ed25519 seed'), seed)
  for (const index of [44, FEDRA_COIN_TYPE, account, 0, 0]) {
    // SLIP-0010 hardened child: HMAC-SHA512(chain code, 0x00 || key || ser32(index | 2^31)).
    const data = new Uint8Array(37)
    data.set(node.subarray(0, 32), 1)
    new DataView(data.buffer).setUint32(33, (index | HARDENED) >>> 0)
    node = platform.hmacSha512(node.subarray(32), data)
  }
  return PrivateKey.fromSeed(node.subarray(0, 32))
}

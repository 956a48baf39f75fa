import { createHmac } from 'node:crypto'
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { CryptoError } from './errors.js'
import { PrivateKey } from './keys.js'

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
  let node = createHmac('sha512', 'ed25519 seed').update(seed).digest()
  for (const index of [44, FEDRA_COIN_TYPE, account, 0, 0]) {
    const data = Buffer.alloc(37)
    node.copy(data, 1, 0, 32)
    data.writeUInt32BE((index | HARDENED) >>> 0, 33)
    node = createHmac('sha512', node.subarray(32)).update(data).digest()
  }
  return PrivateKey.fromSeed(node.subarray(0, 32))
}

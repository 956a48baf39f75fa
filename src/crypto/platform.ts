import type * as NodeCrypto from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js'
import { concatBytes } from '../bytes.js'

/**
 * The primitives whose fast form needs Node: OpenSSL through node:crypto where it exists
 * (~15× faster for SHA-256, ~13× for ed25519 verify here), noble's pure JS everywhere else (a
 * browser bundle of the client). node:crypto is looked up at run time, never imported, so a
 * bundler for the browser sees no Node built-in. Both give the same bytes (tested).
 */
export interface CryptoPlatform {
  readonly name: 'node' | 'portable'
  sha256(data: Uint8Array): Uint8Array
  hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array
  randomBytes(length: number): Uint8Array
  /** RFC 8032 signing (deterministic: both give the same signature). */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array
}

const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
  'node:crypto',
) as typeof NodeCrypto | undefined

export const portablePlatform: CryptoPlatform = {
  name: 'portable',
  sha256: (data) => nobleSha256(data),
  hmacSha512: (key, data) => hmac(nobleSha512, key, data),
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
}

const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20)

function nodePlatformOf(node: typeof NodeCrypto): CryptoPlatform {
  return {
    name: 'node',
    sha256(data) {
      const digest = node.hash('sha256', data, 'buffer') as unknown as Buffer
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.length)
    },
    hmacSha512: (key, data) => new Uint8Array(node.createHmac('sha512', key).update(data).digest()),
    randomBytes: (length) => new Uint8Array(node.randomBytes(length)),
    ed25519Sign: (seed, message) => new Uint8Array(node.sign(null, message, nodeSigningKey(node, seed))),
  }
}

/** Signing keys are rebuilt per call only where a PrivateKey does not keep one (see keys.ts). */
export function nodeSigningKey(node: typeof NodeCrypto, seed: Uint8Array): NodeCrypto.KeyObject {
  return node.createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, seed)), format: 'der', type: 'pkcs8' })
}

export { nodeCrypto }
export const platform: CryptoPlatform = nodeCrypto === undefined ? portablePlatform : nodePlatformOf(nodeCrypto)

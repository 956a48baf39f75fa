import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { CryptoError } from './errors.js'
import { fromHex, toHex } from './hash.js'
import { PrivateKey } from './keys.js'

/**
 * A key file protected by a passphrase: scrypt stretches the passphrase into an AES-256-GCM
 * key; the address and public key are the associated data, so a file whose visible fields
 * were edited fails to open rather than opening as someone else.
 */
export interface KeystoreFile {
  version: 1
  address: string
  publicKey: string
  crypto: {
    kdf: 'scrypt'
    kdfparams: { n: number; r: number; p: number; salt: string }
    cipher: 'aes-256-gcm'
    nonce: string
    ciphertext: string
    tag: string
  }
}

export interface ScryptParams {
  n: number
  r: number
  p: number
}

/** ~100 ms and 32 MiB here: slow enough to hurt guessing, fast enough for a CLI. */
export const DEFAULT_SCRYPT: ScryptParams = { n: 1 << 15, r: 8, p: 1 }
const MAX_SCRYPT_N = 1 << 20

function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, {
    N: params.n,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.n * params.r + 1024 * 1024,
  })
}

function associatedData(address: string, publicKey: string): Buffer {
  return Buffer.from(`fedra-keystore/1|${address}|${publicKey}`)
}

export function encryptKey(key: PrivateKey, passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): KeystoreFile {
  const salt = randomBytes(16)
  const nonce = randomBytes(12)
  const address = key.publicKey.address
  const publicKey = key.publicKey.hex
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, params), nonce)
  cipher.setAAD(associatedData(address, publicKey))
  const ciphertext = Buffer.concat([cipher.update(key.exportSeed()), cipher.final()])
  return {
    version: 1,
    address,
    publicKey,
    crypto: {
      kdf: 'scrypt',
      kdfparams: { ...params, salt: toHex(salt) },
      cipher: 'aes-256-gcm',
      nonce: toHex(nonce),
      ciphertext: toHex(ciphertext),
      tag: toHex(cipher.getAuthTag()),
    },
  }
}

function malformed(field: string, why: string): CryptoError {
  return new CryptoError('KEYSTORE_MALFORMED', `keystore field ${field}: ${why}`, { field })
}

function hexField(value: unknown, field: string, length?: number): Uint8Array {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(value)) throw malformed(field, 'expected lower-case hex')
  const bytes = fromHex(value)
  if (length !== undefined && bytes.length !== length) throw malformed(field, `expected ${length} bytes, got ${bytes.length}`)
  return bytes
}

function intField(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw malformed(field, `expected an integer in ${min}..${max}`)
  }
  return value
}

/**
 * Opens a keystore; every way the file can be wrong is a typed CryptoError. A file whose scrypt
 * cost is below `minimum` (by default what encryptKey writes) is refused before any work is done:
 * otherwise an attacker who can swap the file for one with N = 2 gets passphrase guesses cheaply
 * the next time it is typed in, and a weakly protected copy passes for a good one.
 */
export function decryptKey(file: unknown, passphrase: string, minimum: ScryptParams = DEFAULT_SCRYPT): PrivateKey {
  if (typeof file !== 'object' || file === null) throw malformed('(root)', 'expected an object')
  const f = file as Record<string, any>
  if (f.version !== 1) throw new CryptoError('KEYSTORE_UNSUPPORTED', `keystore version ${String(f.version)}`, { field: 'version' })
  if (typeof f.address !== 'string') throw malformed('address', 'expected a string')
  hexField(f.publicKey, 'publicKey', 32)
  const c = f.crypto
  if (typeof c !== 'object' || c === null) throw malformed('crypto', 'expected an object')
  if (c.kdf !== 'scrypt') throw new CryptoError('KEYSTORE_UNSUPPORTED', `kdf ${String(c.kdf)}`, { field: 'crypto.kdf' })
  if (c.cipher !== 'aes-256-gcm') throw new CryptoError('KEYSTORE_UNSUPPORTED', `cipher ${String(c.cipher)}`, { field: 'crypto.cipher' })
  const k = c.kdfparams
  if (typeof k !== 'object' || k === null) throw malformed('crypto.kdfparams', 'expected an object')
  const n = intField(k.n, 'crypto.kdfparams.n', 2, MAX_SCRYPT_N)
  if ((n & (n - 1)) !== 0) throw malformed('crypto.kdfparams.n', 'must be a power of two')
  const params = { n, r: intField(k.r, 'crypto.kdfparams.r', 1, 32), p: intField(k.p, 'crypto.kdfparams.p', 1, 16) }
  if (params.n < minimum.n || params.r < minimum.r) {
    throw new CryptoError(
      'KEYSTORE_WEAK',
      `scrypt N=${params.n} r=${params.r} is weaker than the N=${minimum.n} r=${minimum.r} this keystore requires`,
      {
        field: 'crypto.kdfparams',
        expected: `N>=${minimum.n} r>=${minimum.r}`,
        actual: `N=${params.n} r=${params.r}`,
      },
    )
  }
  const salt = hexField(k.salt, 'crypto.kdfparams.salt', 16)
  const nonce = hexField(c.nonce, 'crypto.nonce', 12)
  const ciphertext = hexField(c.ciphertext, 'crypto.ciphertext', 32)
  const tag = hexField(c.tag, 'crypto.tag', 16)

  const decipher = createDecipheriv('aes-256-gcm', deriveKey(passphrase, salt, params), nonce)
  decipher.setAAD(associatedData(f.address, f.publicKey))
  decipher.setAuthTag(tag)
  let seed: Buffer
  try {
    seed = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    throw new CryptoError('KEYSTORE_BAD_PASSPHRASE', 'wrong passphrase, or the file was altered', {})
  }
  const key = PrivateKey.fromSeed(seed)
  if (key.publicKey.hex !== f.publicKey || key.publicKey.address !== f.address) {
    throw malformed('publicKey', 'does not match the encrypted key')
  }
  return key
}

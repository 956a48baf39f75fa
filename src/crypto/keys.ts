import { addressBytesOf, encodeAddress } from './address.js'
import { type SignDomain, signBytes } from './domain.js'
import { publicKeyFromSeed, signerFor, verify } from './ed25519.js'
import { PUBLIC_KEY_LENGTH } from './ed25519-rules.js'
import { CryptoError } from './errors.js'
import { toHex } from './hash.js'
import { platform } from './platform.js'

export class PublicKey {
  readonly bytes: Uint8Array
  #addressBytes: Uint8Array | null = null
  #address: string | null = null

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  // Both derived lazily and kept: every decoded tx builds a PublicKey, few ask for the address twice.
  get addressBytes(): Uint8Array {
    return (this.#addressBytes ??= addressBytesOf(this.bytes))
  }

  static fromBytes(bytes: Uint8Array): PublicKey {
    if (bytes.length !== PUBLIC_KEY_LENGTH) {
      throw new CryptoError('BAD_KEY_LENGTH', `an ed25519 public key is ${PUBLIC_KEY_LENGTH} bytes`, {
        expected: PUBLIC_KEY_LENGTH,
        actual: bytes.length,
      })
    }
    return new PublicKey(Uint8Array.from(bytes))
  }

  get address(): string {
    return (this.#address ??= encodeAddress(this.addressBytes))
  }

  get hex(): string {
    return toHex(this.bytes)
  }

  verify(domain: SignDomain, chainId: string, payload: Uint8Array, signature: Uint8Array): boolean {
    return verify(this.bytes, signBytes(domain, chainId, payload), signature)
  }
}

export class PrivateKey {
  readonly publicKey: PublicKey
  readonly #seed: Uint8Array
  readonly #sign: (message: Uint8Array) => Uint8Array

  private constructor(seed: Uint8Array) {
    this.#seed = Uint8Array.from(seed)
    this.#sign = signerFor(this.#seed)
    this.publicKey = PublicKey.fromBytes(publicKeyFromSeed(this.#seed))
  }

  static fromSeed(seed: Uint8Array): PrivateKey {
    return new PrivateKey(seed)
  }

  static generate(): PrivateKey {
    return new PrivateKey(platform.randomBytes(32))
  }

  /** The 32-byte RFC 8032 seed; only keystores and exports should read it. */
  exportSeed(): Uint8Array {
    return Uint8Array.from(this.#seed)
  }

  sign(domain: SignDomain, chainId: string, payload: Uint8Array): Uint8Array {
    return this.#sign(signBytes(domain, chainId, payload))
  }
}

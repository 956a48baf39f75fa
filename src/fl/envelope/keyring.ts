import { toHex } from '../../bytes.js'
import { type KeySet, openEnvelope, previousEpochSecret, unwrapEpochSecret } from './envelope.js'
import { EnvelopeError } from './errors.js'

/**
 * A recipient's keyring: it holds X25519 secrets (a node's consensus key mapped to Curve25519, an
 * aggregator's or reader's key) and unwraps each epoch's secret once. A node's execution uses it
 * as its EnvelopeOpener (src/state/envelopes.ts); the aggregator and scorer daemons open blobs
 * with it (src/roles/envelope-blobs.ts). For an envelope
 * of epoch e it takes the first key set from e on that wraps for one of its keys and walks the
 * chain of previous-epoch secrets back to e, caching every secret on the way (a node added at a
 * later epoch reads the earlier ones). ENVELOPE_NO_KEY when no key set wraps for it.
 */
export class EnvelopeKeyring {
  readonly #secrets: readonly Uint8Array[]
  /** a_e by (subnet, epoch, A_e): a key set's public key pins the secret, so a cached secret never answers another set. */
  readonly #epochSecrets = new Map<string, Uint8Array>()

  constructor(secretKeys: readonly Uint8Array[]) {
    this.#secrets = secretKeys.map((k) => Uint8Array.from(k))
  }

  open(envelope: Uint8Array, keySets: readonly KeySet[]): Uint8Array {
    const first = keySets[0]
    if (first === undefined) throw new EnvelopeError('ENVELOPE_KEY_SET', 'no key set to open with', { reason: 'no key set' })
    return openEnvelope(envelope, first, this.#epochSecret(keySets))
  }

  #epochSecret(keySets: readonly KeySet[]): Uint8Array {
    const cacheKey = (k: KeySet) => `${k.subnet}/${k.epoch}/${toHex(k.publicKey)}`
    const cached = this.#epochSecrets.get(cacheKey(keySets[0]!))
    if (cached !== undefined) return cached
    let noKey: EnvelopeError | undefined
    for (let i = 0; i < keySets.length; i++) {
      let secret: Uint8Array | undefined
      for (const key of this.#secrets) {
        try {
          secret = this.#epochSecrets.get(cacheKey(keySets[i]!)) ?? unwrapEpochSecret(keySets[i]!, key)
          break
        } catch (error) {
          if (!(error instanceof EnvelopeError) || error.code !== 'ENVELOPE_NO_KEY') throw error
          noKey ??= error
        }
      }
      if (secret === undefined) continue
      this.#epochSecrets.set(cacheKey(keySets[i]!), secret)
      for (let j = i; j > 0; j--) {
        secret = previousEpochSecret(keySets[j]!, secret)
        this.#epochSecrets.set(cacheKey(keySets[j - 1]!), secret)
      }
      return secret
    }
    throw (
      noKey ??
      new EnvelopeError('ENVELOPE_NO_KEY', `this keyring holds no key (epoch ${keySets[0]!.epoch})`, {
        recipient: 'none',
        epoch: keySets[0]!.epoch,
      })
    )
  }
}

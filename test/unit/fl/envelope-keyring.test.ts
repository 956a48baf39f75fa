import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import { EnvelopeError, EnvelopeKeyring, newKeySet, rotateKeySet, sealEnvelope } from '../../../src/fl/envelope/index.js'
import { seededBytes } from './secagg/support.js'

const seedOf = (i: number) => new Uint8Array(32).fill(i + 1)
const recipient = (i: number) => ({ id: `r${i}`, publicKey: ed25519.utils.toMontgomery(ed25519.getPublicKey(seedOf(i))) })
const secretOf = (i: number) => ed25519.utils.toMontgomerySecret(seedOf(i))
const random = seededBytes('envelope keyring')

describe('the envelope keyring: what a node and the daemons open with', () => {
  it('unwraps an epoch once, walks the chain back for a node added later, and says ENVELOPE_NO_KEY for a node that is no recipient', () => {
    const epoch0 = newKeySet(7n, 0, [recipient(1)], random)
    const epoch1 = rotateKeySet(epoch0.keySet, epoch0.epochSecret, [recipient(1), recipient(2)], random)
    const blob = Uint8Array.from({ length: 64 }, (_, i) => i)
    const old = sealEnvelope(epoch0.keySet, blob, random)
    const joiner = new EnvelopeKeyring([secretOf(9), secretOf(2)])
    assert.deepEqual(joiner.open(old, [epoch0.keySet, epoch1.keySet]), blob)
    assert.deepEqual(joiner.open(old, [epoch0.keySet]), blob, 'epoch 0 is cached from the walk')
    assert.throws(
      () => new EnvelopeKeyring([secretOf(2)]).open(old, [epoch0.keySet]),
      (e: unknown) => e instanceof EnvelopeError && e.code === 'ENVELOPE_NO_KEY',
    )
    assert.throws(
      () => joiner.open(old, []),
      (e: unknown) => e instanceof EnvelopeError && e.code === 'ENVELOPE_KEY_SET',
    )
  })
})

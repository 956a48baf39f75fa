import assert from 'node:assert/strict'
import { EnvelopeError } from '../../../src/fl/envelope/index.js'
import { OpenedEnvelopeCache } from '../../../src/node/envelope-cache.js'
import type { EnvelopeKeySet, EnvelopeOpener } from '../../../src/state/index.js'

const keySet = (epoch: number, fill = epoch + 1): EnvelopeKeySet => ({
  subnet: 0n,
  epoch,
  publicKey: new Uint8Array(32).fill(fill),
  wrapPublicKey: new Uint8Array(32),
  wraps: [],
})

/** A stand-in for the keyring: the "blob" is the envelope's bytes after 64, each plus the key set's first public-key byte; a last byte 0xff does not open. */
class FakeOpener implements EnvelopeOpener {
  opens = 0
  open(envelope: Uint8Array, keySets: readonly EnvelopeKeySet[]): Uint8Array {
    this.opens++
    if (envelope[envelope.length - 1] === 0xff)
      throw new EnvelopeError('ENVELOPE_DECRYPT', 'does not authenticate', { what: 'envelope', epoch: keySets[0]!.epoch })
    return Uint8Array.from(envelope.subarray(64), (b) => (b + keySets[0]!.publicKey[0]!) & 0xff)
  }
}

const envelope = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) % 251)

describe('node/envelope-cache: a node opens each envelope once, answering as a fresh open would', () => {
  it('opens an envelope once; later reads of the same bytes and key set are answered from memory with the same blob', () => {
    const inner = new FakeOpener()
    const cache = new OpenedEnvelopeCache(inner)
    const e = envelope(200, 1)
    const first = cache.open(e, [keySet(0)])
    for (let i = 0; i < 5; i++) assert.deepEqual(cache.open(Uint8Array.from(e), [keySet(0)]), first)
    assert.equal(inner.opens, 1)
    assert.deepEqual(first, new FakeOpener().open(e, [keySet(0)]))
  })

  it('a hit is a fresh copy: writing into a blob it returned changes no later answer', () => {
    const cache = new OpenedEnvelopeCache(new FakeOpener())
    const e = envelope(200, 2)
    const expected = Uint8Array.from(cache.open(e, [keySet(0)]))
    cache.open(e, [keySet(0)]).fill(0)
    assert.deepEqual(cache.open(e, [keySet(0)]), expected)
  })

  it('the same head, tail and length with other bytes between (a crafted twin) is opened, not answered with the first one’s blob', () => {
    const inner = new FakeOpener()
    const cache = new OpenedEnvelopeCache(inner)
    const e = envelope(200, 3)
    const twin = Uint8Array.from(e)
    twin[100]! ^= 1
    cache.open(e, [keySet(0)])
    assert.deepEqual(cache.open(twin, [keySet(0)]), new FakeOpener().open(twin, [keySet(0)]))
    assert.equal(inner.opens, 2)
  })

  it('the same bytes under another key set of the epoch are opened again', () => {
    const inner = new FakeOpener()
    const cache = new OpenedEnvelopeCache(inner)
    const e = envelope(200, 4)
    cache.open(e, [keySet(0)])
    assert.deepEqual(cache.open(e, [keySet(0, 9)]), new FakeOpener().open(e, [keySet(0, 9)]))
    assert.equal(inner.opens, 2)
  })

  it('an envelope that does not open is not kept: it fails again on every read', () => {
    const inner = new FakeOpener()
    const cache = new OpenedEnvelopeCache(inner)
    const bad = envelope(200, 5)
    bad[bad.length - 1] = 0xff
    for (let i = 0; i < 2; i++)
      assert.throws(
        () => cache.open(bad, [keySet(0)]),
        (e: unknown) => e instanceof EnvelopeError && e.code === 'ENVELOPE_DECRYPT',
      )
    assert.equal(inner.opens, 2)
    assert.equal(cache.bytes, 0)
  })

  it('holds at most maxBytes of envelopes and blobs, the least recently read out first', () => {
    const inner = new FakeOpener()
    // each entry: a 200-byte envelope and its 136-byte blob
    const cache = new OpenedEnvelopeCache(inner, 2 * 336)
    const [a, b, c] = [envelope(200, 6), envelope(200, 7), envelope(200, 8)]
    cache.open(a, [keySet(0)])
    cache.open(b, [keySet(0)])
    cache.open(a, [keySet(0)]) // a is now the most recent
    cache.open(c, [keySet(0)]) // evicts b
    assert.equal(cache.bytes, 2 * 336)
    assert.equal(inner.opens, 3)
    cache.open(a, [keySet(0)])
    cache.open(c, [keySet(0)])
    assert.equal(inner.opens, 3)
    cache.open(b, [keySet(0)])
    assert.equal(inner.opens, 4)
    assert.ok(cache.bytes <= 2 * 336)
  })
})

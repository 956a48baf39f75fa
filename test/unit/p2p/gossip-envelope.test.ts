import assert from 'node:assert/strict'
import { GossipSequence, SEQUENCE_BYTES, gossipMessageId, openGossip, sealGossip } from '../../../src/p2p/gossip-envelope.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

describe('p2p gossip envelope', () => {
  it('hands validate/deliver exactly the published payload', () => {
    const payload = new Uint8Array([1, 2, 3, 250])
    const sealed = sealGossip(42n, payload)
    assert.equal(sealed.length, payload.length + SEQUENCE_BYTES)
    assert.deepEqual(openGossip(sealed), payload)
    assert.deepEqual(openGossip(sealGossip(7n, new Uint8Array())), new Uint8Array())
  })

  it('treats data shorter than the sequence as malformed', () => {
    assert.equal(openGossip(new Uint8Array(SEQUENCE_BYTES - 1)), null)
  })

  it('writes the sequence big-endian in front', () => {
    assert.equal(hex(sealGossip(0x0102030405060708n, new Uint8Array([9]))), '010203040506070809')
  })

  it('gives a deliberate re-publish of the same payload a new message id', () => {
    const sequence = new GossipSequence(1_700_000_000_000)
    const payload = new Uint8Array([5, 5, 5])
    const first = gossipMessageId('/t', sealGossip(sequence.next(), payload))
    const second = gossipMessageId('/t', sealGossip(sequence.next(), payload))
    assert.notEqual(hex(first), hex(second))
  })

  it('derives the id from content and topic only', () => {
    const sealed = sealGossip(1n, new Uint8Array([1]))
    assert.equal(hex(gossipMessageId('/t', sealed)), hex(gossipMessageId('/t', Uint8Array.from(sealed))))
    assert.notEqual(hex(gossipMessageId('/t', sealed)), hex(gossipMessageId('/u', sealed)))
    assert.equal(gossipMessageId('/t', sealed).length, 20)
  })

  it('counts up, and a restart later in time starts above the previous run', () => {
    const run1 = new GossipSequence(1_700_000_000_000)
    const a = run1.next()
    const b = run1.next()
    assert.equal(b, a + 1n)
    for (let i = 0; i < 10_000; i++) run1.next()
    const run2 = new GossipSequence(1_700_000_000_001)
    assert.ok(run2.next() > run1.next())
  })
})

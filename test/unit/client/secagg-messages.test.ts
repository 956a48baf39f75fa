import assert from 'node:assert/strict'
import { ClientError, messages } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { encodeAddress, toHex } from '../../../src/crypto/index.js'
import { SHARE_CIPHERTEXT_BYTES } from '../../../src/fl/secagg/shamir.js'
import { MsgSecAggReveal, MsgSecAggSetup, SHARE_KIND_KEY, SHARE_KIND_SELF } from '../../../src/modules/training/secagg-messages.js'

const holder = encodeAddress(new Uint8Array(20).fill(7))
const share = {
  holder,
  ciphertext: new Uint8Array(SHARE_CIPHERTEXT_BYTES).fill(1),
  commitment: toHex(new Uint8Array(32).fill(2)),
  selfCommitment: new Uint8Array(32).fill(5),
}
const selfCommitment = new Uint8Array(32).fill(6)
const refused = (reason: string) => (e: unknown) => e instanceof ClientError && e.code === 'INVALID_INPUT' && e.context.reason === reason

describe('client message builders for secure aggregation', () => {
  it('trainingSecAggSetup and trainingSecAggReveal encode what they are given (bytes or hex), both commitments and both share kinds', () => {
    assert.equal(SHARE_CIPHERTEXT_BYTES, 148, 'a key share and a self share (66 bytes each) and the 16-byte tag')
    const setup = decode(
      MsgSecAggSetup,
      messages.trainingSecAggSetup({ subnet: 1, round: '2', roundKey: new Uint8Array(32).fill(3), selfCommitment, shares: [share] }),
    )
    assert.deepEqual(
      [
        setup.subnet,
        setup.round,
        setup.shares.length,
        setup.shares[0]!.commitment[0],
        setup.shares[0]!.selfCommitment[0],
        setup.selfCommitment[0],
      ],
      [1n, 2n, 1, 2, 5, 6],
    )
    const reveal = decode(
      MsgSecAggReveal,
      messages.trainingSecAggReveal({
        subnet: 1n,
        round: 2n,
        reveals: [
          { dealer: holder, kind: 'key', share: toHex(new Uint8Array(66).fill(4)) },
          { dealer: holder, kind: 'self', share: new Uint8Array(66).fill(8) },
        ],
      }),
    )
    assert.deepEqual(
      reveal.reveals.map((r) => [r.kind, r.share.length]),
      [
        [SHARE_KIND_KEY, 66],
        [SHARE_KIND_SELF, 66],
      ],
    )
  })

  it('refuse a round key or self commitment that is not 32 bytes, a ciphertext of the wrong size, a bad holder, no reveals, a share that is not 66 bytes, an unknown kind', () => {
    assert.throws(
      () => messages.trainingSecAggSetup({ subnet: 0, round: 0, roundKey: 'abcd', selfCommitment, shares: [] }),
      refused('roundKey'),
    )
    assert.throws(
      () => messages.trainingSecAggSetup({ subnet: 0, round: 0, roundKey: new Uint8Array(32), selfCommitment: 'ab', shares: [] }),
      refused('selfCommitment'),
    )
    assert.throws(
      () =>
        messages.trainingSecAggSetup({
          subnet: 0,
          round: 0,
          roundKey: new Uint8Array(32),
          selfCommitment,
          shares: [{ ...share, ciphertext: new Uint8Array(82) }],
        }),
      refused('shares[0].ciphertext'),
    )
    assert.throws(
      () =>
        messages.trainingSecAggSetup({
          subnet: 0,
          round: 0,
          roundKey: new Uint8Array(32),
          selfCommitment,
          shares: [{ ...share, selfCommitment: new Uint8Array(31) }],
        }),
      refused('shares[0].selfCommitment'),
    )
    assert.throws(
      () =>
        messages.trainingSecAggSetup({
          subnet: 0,
          round: 0,
          roundKey: new Uint8Array(32),
          selfCommitment,
          shares: [{ ...share, holder: 'fedra1nope' }],
        }),
      refused('shares[0].holder'),
    )
    assert.throws(() => messages.trainingSecAggReveal({ subnet: 0, round: 0, reveals: [] }), refused('reveals'))
    assert.throws(
      () => messages.trainingSecAggReveal({ subnet: 0, round: 0, reveals: [{ dealer: holder, kind: 'key', share: 'zz' }] }),
      refused('reveals[0].share'),
    )
    assert.throws(
      () =>
        messages.trainingSecAggReveal({
          subnet: 0,
          round: 0,
          reveals: [{ dealer: holder, kind: 'both' as 'key', share: new Uint8Array(66) }],
        }),
      refused('reveals[0].kind'),
    )
  })
})

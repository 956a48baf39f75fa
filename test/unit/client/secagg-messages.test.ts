import assert from 'node:assert/strict'
import { ClientError, messages } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { encodeAddress, toHex } from '../../../src/crypto/index.js'
import { MsgSecAggReveal, MsgSecAggSetup } from '../../../src/modules/training/secagg-messages.js'

const holder = encodeAddress(new Uint8Array(20).fill(7))
const share = { holder, ciphertext: new Uint8Array(82).fill(1), commitment: toHex(new Uint8Array(32).fill(2)) }
const refused = (reason: string) => (e: unknown) => e instanceof ClientError && e.code === 'INVALID_INPUT' && e.context.reason === reason

describe('client message builders for secure aggregation', () => {
  it('trainingSecAggSetup and trainingSecAggReveal encode what they are given (bytes or hex)', () => {
    const setup = decode(
      MsgSecAggSetup,
      messages.trainingSecAggSetup({ subnet: 1, round: '2', roundKey: new Uint8Array(32).fill(3), shares: [share] }),
    )
    assert.deepEqual([setup.subnet, setup.round, setup.shares.length, setup.shares[0]!.commitment[0]], [1n, 2n, 1, 2])
    const reveal = decode(
      MsgSecAggReveal,
      messages.trainingSecAggReveal({ subnet: 1n, round: 2n, reveals: [{ dealer: holder, share: toHex(new Uint8Array(66).fill(4)) }] }),
    )
    assert.deepEqual([reveal.reveals.length, reveal.reveals[0]!.share.length], [1, 66])
  })

  it('refuse a round key that is not 32 bytes, a ciphertext that is not 82, a bad holder, no reveals, a share that is not 66 bytes', () => {
    assert.throws(() => messages.trainingSecAggSetup({ subnet: 0, round: 0, roundKey: 'abcd', shares: [] }), refused('roundKey'))
    assert.throws(
      () =>
        messages.trainingSecAggSetup({
          subnet: 0,
          round: 0,
          roundKey: new Uint8Array(32),
          shares: [{ ...share, ciphertext: new Uint8Array(81) }],
        }),
      refused('shares[0].ciphertext'),
    )
    assert.throws(
      () =>
        messages.trainingSecAggSetup({ subnet: 0, round: 0, roundKey: new Uint8Array(32), shares: [{ ...share, holder: 'fedra1nope' }] }),
      refused('shares[0].holder'),
    )
    assert.throws(() => messages.trainingSecAggReveal({ subnet: 0, round: 0, reveals: [] }), refused('reveals'))
    assert.throws(
      () => messages.trainingSecAggReveal({ subnet: 0, round: 0, reveals: [{ dealer: holder, share: 'zz' }] }),
      refused('reveals[0].share'),
    )
  })
})

import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import { toHex } from '../../../../src/bytes.js'
import { newKeySet } from '../../../../src/fl/envelope/index.js'
import { trainingModule } from '../../../../src/modules/training/index.js'
import { keySetJson } from '../../../../src/modules/training/envelope-books.js'
import { MsgSetEnvelopeKeys, type MsgSetEnvelopeKeysValue } from '../../../../src/modules/training/envelope-messages.js'
import { ModuleError, StateError } from '../../../../src/state/index.js'
import { seededBytes } from '../../fl/secagg/support.js'
import { TrainingChain } from './harness.js'
import { tempDirs } from '../../../support/chain.js'

const seedOf = (i: number) => new Uint8Array(32).fill(i + 1)
const recipient = (i: number) => ({ id: `r${i}`, publicKey: ed25519.utils.toMontgomery(ed25519.getPublicKey(seedOf(i))) })
const random = seededBytes('envelope keys')
const handler = trainingModule.messages.find((h) => h.type === MsgSetEnvelopeKeys)!

function message(): MsgSetEnvelopeKeysValue {
  const { keySet } = newKeySet(0n, 0, [recipient(1), recipient(2)], random)
  return {
    subnet: 0n,
    epoch: 0,
    publicKey: keySet.publicKey,
    wrapPublicKey: keySet.wrapPublicKey,
    wraps: keySet.wraps.map((w) => ({ ...w })),
    previous: null,
    readers: [ed25519.getPublicKey(seedOf(3))],
  }
}

function reasonOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModuleError) return `${error.code}: ${String(error.context.reason)}`
    throw error
  }
  return 'OK'
}

describe('envelope key sets: stateless checks, genesis and queries', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('MsgSetEnvelopeKeys refuses low-order keys, a recipient, label or reader twice, and a chain link where none belongs (ENVELOPE_INVALID_KEY_SET)', () => {
    const m = message()
    assert.equal(
      reasonOf(() => handler.validate!(m)),
      'OK',
    )
    const cases: [Partial<MsgSetEnvelopeKeysValue>, RegExp][] = [
      [{ publicKey: new Uint8Array(32) }, /epoch public key is a low-order point/],
      [{ wrapPublicKey: new Uint8Array(32) }, /wrapping key is a low-order point/],
      [{ wraps: [m.wraps[0]!, { ...m.wraps[0]!, id: 'other' }] }, /wrapped for twice/],
      [{ wraps: [m.wraps[0]!, { ...m.wraps[1]!, id: m.wraps[0]!.id }] }, /label is used twice/],
      [{ readers: [m.readers[0]!, m.readers[0]!] }, /reader is listed twice/],
      [{ previous: new Uint8Array(48) }, /epoch 0 none/],
      [{ epoch: 1 }, /epoch 0 none/],
    ]
    for (const [change, reason] of cases)
      assert.match(
        reasonOf(() => handler.validate!({ ...m, ...change })),
        reason,
      )
    for (const [change] of cases)
      assert.match(
        reasonOf(() => handler.validate!({ ...m, ...change })),
        /^ENVELOPE_INVALID_KEY_SET/,
      )
  })

  it('genesis refuses unknown fields, a gap in the epochs, bad hex and a bad key set; the query refuses an unknown subnet or epoch', async () => {
    const m = message()
    const entry = keySetJson(0n, 0, { ...m, height: 2n })
    const validate = (envelopes: unknown[]) => trainingModule.genesis!.validate({ envelopes }, 'app_state.training')
    assert.equal(validate([entry]).envelopes.length, 1)
    const refusals: [unknown[], RegExp][] = [
      [[{ ...entry, extra: 1 }], /no such envelopes field/],
      [[{ ...entry, epoch: 1 }], /without a gap/],
      [[entry, { ...entry, epoch: 2 }], /without a gap/],
      [[{ ...entry, public_key: 'zz' }], /public_key/],
      [[{ ...entry, wraps: [{ ...entry.wraps[0], more: 1 }] }], /no such wrap field/],
      [[{ ...entry, public_key: toHex(new Uint8Array(32)) }], /low-order/],
    ]
    for (const [envelopes, why] of refusals)
      assert.throws(
        () => validate(envelopes),
        (e: unknown) => e instanceof StateError && why.test(e.message),
      )

    const chain = await TrainingChain.withSubnet(dirs.next())
    const codeOf = (params: Record<string, unknown>) => {
      try {
        chain.query('envelopeKeys', params)
      } catch (error) {
        return (error as ModuleError).code
      }
      return 'OK'
    }
    assert.deepEqual(
      [codeOf({ subnet: '0' }), codeOf({ subnet: '9' }), codeOf({ subnet: 'x' }), codeOf({ subnet: '0', epoch: 'x' })],
      ['OK', 'UNKNOWN_SUBNET', 'UNKNOWN_SUBNET', 'ENVELOPE_UNKNOWN_EPOCH'],
    )
    await chain.close()
  })
})

import assert from 'node:assert/strict'
import { StateError, mergeValidatorUpdates } from '../../../src/state/index.js'

const key = (b: number) => new Uint8Array(32).fill(b)
const refused = (lists: Parameters<typeof mergeValidatorUpdates>[0], why: RegExp) =>
  assert.throws(
    () => mergeValidatorUpdates(lists),
    (e: unknown) => e instanceof StateError && e.code === 'INVALID_VALIDATOR_UPDATE' && why.test(e.message),
  )

describe('validator updates merged from end-block', () => {
  it('keeps module order', () => {
    const merged = mergeValidatorUpdates([
      { module: 'a', updates: [{ publicKey: key(2), power: 5n }] },
      { module: 'b', updates: [{ publicKey: key(1), power: 0n }] },
    ])
    assert.deepEqual(
      merged.map((u) => u.publicKey[0]),
      [2, 1],
    )
  })
  it('refuses one key updated twice in a block, naming both modules', () => {
    refused(
      [
        { module: 'a', updates: [{ publicKey: key(1), power: 5n }] },
        { module: 'b', updates: [{ publicKey: key(1), power: 6n }] },
      ],
      /b: .*already updated by a/,
    )
  })
  it('refuses a key that is not 32 bytes', () =>
    refused([{ module: 'a', updates: [{ publicKey: new Uint8Array(31), power: 1n }] }], /32-byte/))
  it('refuses negative power and power above 2^60', () => {
    refused([{ module: 'a', updates: [{ publicKey: key(1), power: -1n }] }], /outside/)
    refused([{ module: 'a', updates: [{ publicKey: key(1), power: 2n ** 60n + 1n }] }], /outside/)
  })
})

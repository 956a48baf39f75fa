import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { SHARE_BYTES, SHARE_CIPHERTEXT_BYTES } from '../../../../src/fl/secagg/shamir.js'
import { secAggGenesisAt } from '../../../../src/modules/training/secagg-genesis.js'

const a = encodeAddress(new Uint8Array(20).fill(1))
const b = encodeAddress(new Uint8Array(20).fill(2))
const hex = (n: number, byte = 'ab') => byte.repeat(n)

/** One round's secagg records as an export writes them: a setup with both commitments, a reveal of each kind. */
function entry(overrides: { setup?: Record<string, unknown>; share?: Record<string, unknown>; reveal?: Record<string, unknown> } = {}) {
  return {
    subnet: '0',
    round: '0',
    members: [a, b],
    round_id: hex(32),
    graph_seed: hex(32),
    setup_end: '4',
    setups: [
      {
        trainer: a,
        round_key: hex(32),
        self_commitment: hex(32, 'cd'),
        shares: [{ holder: b, ciphertext: hex(SHARE_CIPHERTEXT_BYTES), commitment: hex(32), self_commitment: hex(32), ...overrides.share }],
        ...overrides.setup,
      },
    ],
    reveals: [
      { dealer: a, holder: b, kind: 'key', share: hex(SHARE_BYTES, '01') },
      { dealer: b, holder: a, kind: 'self', share: hex(SHARE_BYTES, '02'), ...overrides.reveal },
    ],
  }
}

const refused = (pattern: RegExp) => (e: unknown) =>
  (e as { code?: string }).code === 'GENESIS_INVALID' && pattern.test((e as Error).message)

describe("training genesis' secagg records: seed commitments and reveal kinds", () => {
  it('reads a setup with its seed commitment and per-share self commitments, and reveals of both kinds', () => {
    const [e] = secAggGenesisAt([entry()], 'training.secagg')
    assert.equal(e!.setups[0]!.setup.selfCommitment[0], 0xcd)
    assert.equal(e!.setups[0]!.setup.shares[0]!.selfCommitment.length, 32)
    assert.deepEqual(
      e!.reveals.map((r) => r.kind),
      ['key', 'self'],
    )
  })

  it('refuses a reveal of no known kind, a setup without its seed commitment, a share without its self commitment, a ciphertext of the old size', () => {
    assert.throws(() => secAggGenesisAt([entry({ reveal: { kind: 'both' } })], 's'), refused(/s\[0\]\.reveals\[1\]\.kind/))
    assert.throws(() => secAggGenesisAt([entry({ reveal: { kind: undefined } })], 's'), refused(/reveals\[1\]\.kind/))
    assert.throws(() => secAggGenesisAt([entry({ setup: { self_commitment: undefined } })], 's'), refused(/setups\[0\]\.self_commitment/))
    assert.throws(() => secAggGenesisAt([entry({ share: { self_commitment: hex(31) } })], 's'), refused(/shares\[0\]\.self_commitment/))
    assert.throws(() => secAggGenesisAt([entry({ share: { ciphertext: hex(SHARE_BYTES + 16) } })], 's'), refused(/shares\[0\]\.ciphertext/))
  })
})

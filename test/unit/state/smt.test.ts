import assert from 'node:assert/strict'
import fc from 'fast-check'
import { applyWrites, lookup, prove, rootHash } from '../../../src/state/smt.js'
import { verifyStateProof } from '../../../src/state/proof.js'

const entryArb = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 8 }))
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

function dedupe(entries: [Uint8Array, Uint8Array][]): [Uint8Array, Uint8Array][] {
  const map = new Map<string, [Uint8Array, Uint8Array]>()
  for (const entry of entries) map.set(hex(entry[0]), entry)
  return [...map.values()]
}

describe('sparse Merkle state tree', () => {
  it('has one root per key set, whatever the write order and batching', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 40 }), fc.nat(), (raw, seed) => {
        const entries = dedupe(raw)
        const oneBatch = applyWrites(
          null,
          entries.map(([key, value]) => ({ key, value })),
        )
        let incremental = null
        const shuffled = [...entries].sort((a, b) => ((hex(a[0]).charCodeAt(0) * seed) % 7) - ((hex(b[0]).charCodeAt(0) * seed) % 7))
        for (const [key, value] of shuffled) incremental = applyWrites(incremental, [{ key, value }])
        assert.equal(hex(rootHash(incremental)), hex(rootHash(oneBatch)))
      }),
      { numRuns: 200 },
    )
  })

  it('returns to the earlier root when added keys are deleted again', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 30 }), fc.array(entryArb, { minLength: 1, maxLength: 10 }), (baseRaw, extraRaw) => {
        const base = dedupe(baseRaw)
        const baseKeys = new Set(base.map(([k]) => hex(k)))
        const extra = dedupe(extraRaw).filter(([k]) => !baseKeys.has(hex(k)))
        const before = applyWrites(
          null,
          base.map(([key, value]) => ({ key, value })),
        )
        const grown = applyWrites(
          before,
          extra.map(([key, value]) => ({ key, value })),
        )
        const shrunk = applyWrites(
          grown,
          extra.map(([key]) => ({ key, value: null })),
        )
        assert.equal(hex(rootHash(shrunk)), hex(rootHash(before)))
        for (const [key, value] of base) assert.deepEqual(lookup(shrunk, key), value)
      }),
      { numRuns: 200 },
    )
  })

  it('leaves the old root intact after an update (versions share structure)', () => {
    const v1 = applyWrites(null, [
      { key: Uint8Array.of(1), value: Uint8Array.of(10) },
      { key: Uint8Array.of(2), value: Uint8Array.of(20) },
    ])
    const hash1 = hex(rootHash(v1))
    const v2 = applyWrites(v1, [{ key: Uint8Array.of(1), value: Uint8Array.of(11) }])
    assert.equal(hex(rootHash(v1)), hash1)
    assert.deepEqual(lookup(v1, Uint8Array.of(1)), Uint8Array.of(10))
    assert.deepEqual(lookup(v2, Uint8Array.of(1)), Uint8Array.of(11))
  })

  it('proves inclusion and exclusion, and every tampered proof fails', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 40 }), entryArb, fc.nat(), (raw, [absentKey], pick) => {
        const entries = dedupe(raw)
        const root = applyWrites(
          null,
          entries.map(([key, value]) => ({ key, value })),
        )
        const rootBytes = rootHash(root)
        const [key, value] = entries[pick % entries.length]!
        const proof = prove(root, key)
        assert.equal(verifyStateProof(rootBytes, key, value, proof), true)
        assert.equal(verifyStateProof(rootBytes, key, Uint8Array.from([...value, 0]), proof), false)
        assert.equal(verifyStateProof(rootBytes, key, null, proof), false)
        if (proof.siblings.length > 0) {
          const tampered = proof.siblings.map((s) => Uint8Array.from(s))
          tampered[pick % tampered.length]![0]! ^= 1
          assert.equal(verifyStateProof(rootBytes, key, value, { ...proof, siblings: tampered }), false)
        }
        if (!entries.some(([k]) => hex(k) === hex(absentKey))) {
          const absence = prove(root, absentKey)
          assert.equal(lookup(root, absentKey), undefined)
          assert.equal(verifyStateProof(rootBytes, absentKey, null, absence), true)
          assert.equal(verifyStateProof(rootBytes, absentKey, value, absence), false)
          // An absence proof for a key that is present must not verify.
          assert.equal(verifyStateProof(rootBytes, key, null, absence), false)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('proves absence in the empty tree', () => {
    const proof = prove(null, Uint8Array.of(7))
    assert.equal(verifyStateProof(rootHash(null), Uint8Array.of(7), null, proof), true)
  })
})

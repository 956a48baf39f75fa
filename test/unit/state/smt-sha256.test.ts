import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { SHORT_MAX, hashInto, hashNodeInto } from '../../../src/state/smt-sha256.js'

const native = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe("state tree's SHA-256", () => {
  it('matches node:crypto for every length around the block and padding boundaries', () => {
    for (let length = 0; length <= SHORT_MAX + 70; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 255)
      const out = new Uint8Array(40).fill(0xee)
      hashInto(data, out, 3)
      assert.equal(hex(out.subarray(3, 35)), native(data), `length ${length}`)
      assert.deepEqual([...out.subarray(0, 3), ...out.subarray(35)], Array(8).fill(0xee), `length ${length} wrote outside its slot`)
    }
  })

  it('hashes a node as SHA-256(domain ‖ left ‖ right) for every last byte of right', () => {
    const left = Uint8Array.from({ length: 32 }, (_, i) => i * 7)
    for (const domain of [0, 1]) {
      for (let last = 0; last < 256; last++) {
        const right = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? last : 255 - i))
        const out = new Uint8Array(32)
        hashNodeInto(domain, left, right, out, 0)
        assert.equal(hex(out), native(Uint8Array.from([domain, ...left, ...right])))
      }
    }
  })

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (data, left, right) => {
          const out = new Uint8Array(32)
          hashInto(data, out, 0)
          assert.equal(hex(out), native(data))
          hashNodeInto(1, left, right, out, 0)
          assert.equal(hex(out), native(Uint8Array.from([1, ...left, ...right])))
        },
      ),
      { numRuns: 500 },
    )
  })
})

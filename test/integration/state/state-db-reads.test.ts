import assert from 'node:assert/strict'
import fc from 'fast-check'
import { StateDB } from '../../../src/state/index.js'
import { tempDir } from '../../helpers/chain.js'

// StateDB answers get/iterate from a map of the latest values rather than from the tree; the
// tree decides roots and proofs. A divergence between the two would make execution read one
// state and commit the root of another, so every read is compared with the tree's answer.
describe('StateDB reads agree with the committed tree', () => {
  const key = fc.uint8Array({ minLength: 1, maxLength: 4 }).map((k) => Uint8Array.of(0x01, ...k))
  const write = fc.tuple(key, fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }), { nil: null }))
  const heights = fc.array(fc.array(write, { maxLength: 12 }), { minLength: 1, maxLength: 6 })

  it('get and iterate equal the tree after random commits, deletes and a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(heights, async (blocks) => {
        const dir = tempDir('fedra-statedb-reads-')
        try {
          let db = await StateDB.open(dir.path)
          const touched = new Map<string, Uint8Array>()
          for (const [i, writes] of blocks.entries()) {
            const set = new Map<string, Uint8Array | null>()
            for (const [k, v] of writes) {
              const id = Buffer.from(k).toString('latin1')
              set.set(id, v)
              touched.set(id, k)
            }
            await db.commit(db.height + 1, db.prepare(set))
            if (i === blocks.length - 1) {
              await db.close()
              db = await StateDB.open(dir.path)
            }
            for (const k of touched.values()) {
              const fromTree = db.query(k).value
              assert.deepEqual(db.get(k), fromTree, `key ${Buffer.from(k).toString('hex')}`)
            }
            const listed = [...db.iterate(Uint8Array.of(0x01))]
            for (const [k, v] of listed) assert.deepEqual(v, db.query(k).value)
            assert.equal(listed.length, [...touched.values()].filter((k) => db.query(k).value !== undefined).length)
          }
          await db.close()
        } finally {
          dir.remove()
        }
      }),
      { numRuns: 40 },
    )
  })
})

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StateDB, keyId } from '../../../src/state/index.js'
import { verifyStateProof } from '../../../src/state/proof.js'

/**
 * Commits through StateDB (prepare, the level batch, the key index) and reopening (the tree
 * rebuilt from stored leaves) give the roots the store gave before the commit-speed work of
 * issue 27: pinned, since they are consensus data.
 */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const bytes = (seed: string, length: number) => Uint8Array.from(createHash('sha512').update(seed).digest().subarray(0, length))

/** Height h: 300 new keys under two prefixes, overwrites of height h−1's keys, deletes of some of height h−2's. */
function block(h: number): Map<string, Uint8Array | null> {
  const writes = new Map<string, Uint8Array | null>()
  for (let i = 0; i < 300; i++)
    writes.set(keyId(Uint8Array.from([i % 2 === 0 ? 0x01 : 0x02, ...bytes(`k${h}/${i}`, 1 + (i % 30))])), bytes(`v${h}/${i}`, i % 64))
  if (h >= 1)
    for (let i = 0; i < 300; i += 3)
      writes.set(keyId(Uint8Array.from([i % 2 === 0 ? 0x01 : 0x02, ...bytes(`k${h - 1}/${i}`, 1 + (i % 30))])), bytes(`w${h}/${i}`, 7))
  if (h >= 2)
    for (let i = 0; i < 300; i += 5)
      writes.set(keyId(Uint8Array.from([i % 2 === 0 ? 0x01 : 0x02, ...bytes(`k${h - 2}/${i}`, 1 + (i % 30))])), null)
  return writes
}

const PINNED_ROOTS = [
  '4b57cb6e7246bdc63e4ee8d433041eafb45d6d74e39fee9659b2f7a4f2399194',
  '4bd9eb994bdb2c89792cdfcc6728f698a6aa10a4feabc045c8cc0de1a4211a6a',
  '45fdfa2425f2bd922edb2c321b0e6e024303e928f470b87c42014fd082ef8f11',
  '1066c0537a1dbfde2d88f634debebcda4b94840763ff673496ff7da5afed6bc1',
]

describe('state store commits (pinned roots)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-state-commit-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('commits the pinned roots and finds them again after reopening', async () => {
    let db = await StateDB.open(dir)
    const roots: string[] = []
    const expected = new Map<string, Uint8Array>()
    for (let h = 0; h < PINNED_ROOTS.length; h++) {
      const writes = block(h)
      const prepared = db.prepare(writes)
      await db.commit(h, prepared, [[Uint8Array.of(0x62, h), Uint8Array.of(h)]])
      roots.push(hex(db.rootHash))
      for (const [id, value] of writes) {
        if (value === null) expected.delete(id)
        else expected.set(id, value)
      }
    }
    assert.deepEqual(roots, PINNED_ROOTS)
    const check = (store: StateDB) => {
      assert.equal(store.size, expected.size)
      const ids = [...expected.keys()].sort()
      assert.deepEqual(
        [...store.iterate(Uint8Array.of(0x02))].map(([key]) => keyId(key)),
        ids.filter((id) => id.charCodeAt(0) === 0x02),
      )
      for (const id of ids.slice(0, 50)) {
        const key = Uint8Array.from(Buffer.from(id, 'latin1'))
        const { value, root, proof } = store.query(key)
        assert.equal(hex(value!), hex(expected.get(id)!))
        assert.equal(verifyStateProof(root, key, value!, proof), true)
      }
    }
    check(db)
    await db.close()
    db = await StateDB.open(dir)
    assert.equal(db.height, PINNED_ROOTS.length - 1)
    assert.equal(hex(db.rootHash), PINNED_ROOTS.at(-1))
    assert.equal(hex((await db.getRecord(Uint8Array.of(0x62, 2)))!), '02')
    check(db)
    await db.close()
  })
})

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobStore, RoundRetention, pinLabels } from '../../../src/blobs/index.js'
import { pseudoRandomBytes } from './fixtures.js'

describe('blobs: retention of round updates', () => {
  let dir: string
  let store: BlobStore
  let clock = 0
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-retention-'))
    store = new BlobStore({ directory: dir, maxBytes: 1 << 24, maxBlobBytes: 1 << 20, gcGraceMs: 10, now: () => clock })
    await store.open()
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps the updates of the last retainRounds rounds and the models, collecting older updates', async () => {
    const retention = new RoundRetention(store, 2)
    const updates = []
    for (let round = 1; round <= 4; round++) {
      const { cid } = await store.put(pseudoRandomBytes(100, round))
      await retention.pinUpdate(cid, 's1', round)
      updates.push(cid)
    }
    const model = await store.put(pseudoRandomBytes(100, 50), { pin: pinLabels.model('s1', 1) })
    const otherSubnet = await store.put(pseudoRandomBytes(100, 60), { pin: pinLabels.roundUpdate('s2', 1) })
    assert.equal(await retention.roundOpened('s1', 4), 2)
    clock += 100
    await store.gc()
    assert.deepEqual(await Promise.all(updates.map((cid) => store.has(cid))), [false, false, true, true])
    assert.equal(await store.has(model.cid), true)
    assert.equal(await store.has(otherSubnet.cid), true)
  })
})

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobError, BlobStore, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
import { MiB, pseudoRandomBytes } from './fixtures.js'

const isCode = (code: string) => (error: unknown) => error instanceof BlobError && error.code === code

async function blockCount(store: BlobStore): Promise<number> {
  let count = 0
  for await (const _ of store.blockstore.getAll()) count++
  return count
}

describe('blobs: a fetched DAG written while it arrives (DagWriter)', function () {
  this.timeout(20_000)
  let dir: string
  let store: BlobStore
  let clock: number

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-dag-writer-'))
    clock = 1_000_000
    store = new BlobStore({ directory: join(dir, 'blobs'), maxBytes: 24 * MiB, maxBlobBytes: 16 * MiB, gcGraceMs: 1000, now: () => clock })
    await store.open()
  })
  afterEach(async () => {
    await store.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps the blob invisible until commit, its staged blocks safe from GC, then visible and whole', async () => {
    const dag = buildUnixfsFile(pseudoRandomBytes(10 * MiB, 1))
    const writer = store.beginDag()
    for (const block of dag.blocks) writer.add(block)
    // Past the batch size, so blocks are on disk before the record.
    clock += 10_000
    await store.gc()
    assert.equal(await store.has(dag.root), false)
    assert.equal(store.holdsNow(dag.root), false)
    const result = await writer.commit(dag.root, dag.size, 'user')
    assert.deepEqual([result.created, result.blocks], [true, dag.blocks.length])
    assert.ok(
      Buffer.from(await store.get(dag.root)).equals(Buffer.concat(dag.blocks.filter((b) => b.cid.code === 0x55).map((b) => b.bytes))),
    )
    assert.deepEqual((await store.stat(dag.root))?.pins, ['user'])
    assert.equal(
      store.usedBytes,
      dag.blocks.reduce((sum, b) => sum + b.bytes.length, 0),
    )
  })

  it('drops what it staged on abort, but not blocks a stored blob shares', async () => {
    const shared = pseudoRandomBytes(256 * 1024, 2)
    const kept = await store.put(Buffer.concat([shared, pseudoRandomBytes(1000, 3)]))
    const before = await blockCount(store)
    const dag = buildUnixfsFile(Buffer.concat([shared, pseudoRandomBytes(6 * MiB, 4)]))
    const writer = store.beginDag()
    for (const block of dag.blocks) writer.add(block)
    await writer.abort()
    assert.equal(await store.has(dag.root), false)
    assert.equal(await blockCount(store), before)
    assert.ok((await store.get(kept.cid)).length > 0)
  })

  it('stores nothing when the record would pass the quota', async () => {
    const dag = buildUnixfsFile(pseudoRandomBytes(16 * MiB, 5))
    await store.put(pseudoRandomBytes(10 * MiB, 6), { pin: 'user' })
    const before = await blockCount(store)
    const writer = store.beginDag()
    for (const block of dag.blocks) writer.add(block)
    await assert.rejects(writer.commit(dag.root, dag.size), isCode('QUOTA_EXCEEDED'))
    assert.equal(await store.has(dag.root), false)
    assert.equal(await blockCount(store), before)
  })

  it('commits a blob already stored as not created, adding the pin', async () => {
    const dag = buildUnixfsFile(pseudoRandomBytes(MiB, 7))
    await store.putDag(dag)
    const writer = store.beginDag()
    for (const block of dag.blocks) writer.add(block)
    const result = await writer.commit(dag.root, dag.size, 'model:s:1')
    assert.deepEqual([formatCid(result.cid), result.created], [formatCid(dag.root), false])
    assert.deepEqual((await store.stat(dag.root))?.pins, ['model:s:1'])
  })
})

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobError, BlobStore, type BlobStoreConfig, CHUNK_BYTES, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
import { MiB, pseudoRandomBytes } from './fixtures.js'

const isCode = (code: string) => (error: unknown) => error instanceof BlobError && error.code === code

describe('blobs: store on level', function () {
  this.timeout(20_000)
  let dir: string
  let store: BlobStore
  let clock: number

  const open = async (config: Partial<BlobStoreConfig> = {}): Promise<BlobStore> => {
    const opened = new BlobStore({
      directory: join(dir, 'blobs'),
      maxBytes: 64 * MiB,
      maxBlobBytes: 16 * MiB,
      gcGraceMs: 1000,
      now: () => clock,
      ...config,
    })
    await opened.open()
    return opened
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-blobs-'))
    clock = 1_000_000
    store = await open()
  })
  afterEach(async () => {
    await store.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })

  it('returns the bytes it stored under the kubo CID, and keeps them across a reopen', async () => {
    const bytes = pseudoRandomBytes(3 * CHUNK_BYTES + 11)
    const put = await store.put(bytes)
    assert.equal(formatCid(put.cid), formatCid(buildUnixfsFile(bytes).root))
    assert.deepEqual([put.size, put.blocks, put.created], [bytes.length, 5, true])
    await store.close()
    store = await open()
    assert.ok(Buffer.from(await store.get(put.cid)).equals(bytes))
    assert.equal(store.holdsNow(put.cid), true)
    assert.equal(store.usedBytes, (await store.stat(put.cid))!.dagBytes)
  })

  it('stores a streamed upload the same as the whole buffer, and a second put only adds its pin', async () => {
    const bytes = pseudoRandomBytes(CHUNK_BYTES * 2 + 5, 3)
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 100_000) yield bytes.subarray(i, i + 100_000)
    }
    const first = await store.put(pieces(), { expectedSize: bytes.length })
    const again = await store.put(bytes, { pin: 'model:1' })
    assert.equal(formatCid(again.cid), formatCid(first.cid))
    assert.equal(again.created, false)
    assert.deepEqual((await store.stat(first.cid))!.pins, ['model:1'])
  })

  it('refuses a blob over the size limit with TOO_LARGE and stores nothing', async () => {
    await assert.rejects(store.put(pseudoRandomBytes(2 * MiB), { maxBytes: MiB }), isCode('TOO_LARGE'))
    await assert.rejects(store.put(pseudoRandomBytes(16 * MiB + 1)), isCode('TOO_LARGE'))
    assert.deepEqual(await store.list(), [])
  })

  it('refuses an upload shorter than announced with TRUNCATED and stores nothing', async () => {
    await assert.rejects(
      store.put(pseudoRandomBytes(1000), { expectedSize: 1001 }),
      (error: unknown) => isCode('TRUNCATED')(error) && (error as BlobError<'TRUNCATED'>).context.received === 1000,
    )
    assert.deepEqual(await store.list(), [])
    assert.equal(store.usedBytes, 0)
  })

  it('refuses a put over blobs.maxBytes with QUOTA_EXCEEDED when nothing can be collected', async () => {
    await store.close()
    store = await open({ maxBytes: 3 * CHUNK_BYTES })
    await store.put(pseudoRandomBytes(2 * CHUNK_BYTES, 1), { pin: 'keep' })
    await assert.rejects(store.put(pseudoRandomBytes(2 * CHUNK_BYTES, 2)), isCode('QUOTA_EXCEEDED'))
  })

  it('makes room for a put by collecting unpinned blobs past their grace period', async () => {
    await store.close()
    store = await open({ maxBytes: 3 * CHUNK_BYTES })
    const old = await store.put(pseudoRandomBytes(2 * CHUNK_BYTES, 1))
    clock += 1001
    const fresh = await store.put(pseudoRandomBytes(2 * CHUNK_BYTES, 2))
    assert.equal(await store.has(old.cid), false)
    assert.equal(await store.has(fresh.cid), true)
    assert.deepEqual([store.holdsNow(old.cid), store.holdsNow(fresh.cid)], [false, true])
  })

  it('collects only unpinned blobs older than the grace period, and keeps blocks a kept blob shares', async () => {
    const shared = pseudoRandomBytes(CHUNK_BYTES, 5)
    const pinned = await store.put(Buffer.concat([shared, pseudoRandomBytes(10, 6)]), { pin: 'model:s:1' })
    const loose = await store.put(Buffer.concat([shared, pseudoRandomBytes(10, 7)]))
    clock += 999
    assert.deepEqual(await store.gc(), { blobs: 0, bytes: 0 })
    clock += 2
    assert.equal((await store.gc()).blobs, 1)
    assert.equal(await store.has(loose.cid), false)
    assert.equal(
      Buffer.from(await store.get(pinned.cid))
        .subarray(0, CHUNK_BYTES)
        .equals(shared),
      true,
    )
    await assert.rejects(store.get(loose.cid), isCode('NOT_FOUND'))
  })

  it('releases pins by label (a retention window moving on) and then collects the blob', async () => {
    const a = await store.put(pseudoRandomBytes(100, 1), { pin: 'round:s1:3' })
    const b = await store.put(pseudoRandomBytes(100, 2), { pin: 'round:s1:9' })
    assert.equal(await store.unpinWhere((label) => label.startsWith('round:s1:') && Number(label.split(':')[2]) < 5), 1)
    clock += 5000
    await store.gc()
    assert.equal(await store.has(a.cid), false)
    assert.equal(await store.has(b.cid), true)
  })

  it('answers NOT_FOUND for pinning a blob it does not hold, and NOT_STARTED once closed', async () => {
    await assert.rejects(store.pin(buildUnixfsFile(new Uint8Array([1])).root, 'x'), isCode('NOT_FOUND'))
    await store.close()
    await assert.rejects(store.stat(buildUnixfsFile(new Uint8Array([1])).root), isCode('NOT_STARTED'))
  })

  it('serves its blocks through the interface-blockstore bitswap reads', async () => {
    const put = await store.put(pseudoRandomBytes(CHUNK_BYTES + 1, 4))
    const chunks: Uint8Array[] = []
    for await (const chunk of store.blockstore.get(put.cid)) chunks.push(chunk)
    assert.ok(chunks.length > 0)
    assert.equal(await store.blockstore.has(put.cid), true)
  })
})

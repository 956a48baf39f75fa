import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Level } from 'level'
import { BlobStore, buildUnixfsFile, formatCid, parseBlobCid } from '../../../src/blobs/index.js'
import { pseudoRandomBytes } from '../../unit/blobs/fixtures.js'

const CHILD = fileURLToPath(new URL('./put-child.ts', import.meta.url))

async function blockKeys(directory: string): Promise<number> {
  const db = new Level<string, Uint8Array>(directory, { keyEncoding: 'utf8', valueEncoding: 'view' })
  let count = 0
  for await (const _ of db.sublevel('blocks').keys()) count++
  await db.close()
  return count
}

describe('blobs: SIGKILL during a large put', function () {
  this.timeout(60_000)
  const dir = mkdtempSync(join(tmpdir(), 'fedra-blob-crash-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('leaves every blob whole or absent: no record without its blocks, no block without its record', async () => {
    const directory = join(dir, 'blobs')
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, directory], { stdio: ['ignore', 'pipe', 'inherit'] })
    const acknowledged: string[] = []
    await new Promise<void>((resolve, reject) => {
      let buffer = ''
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        const lines = buffer.split('\n')
        buffer = lines.pop()!
        acknowledged.push(...lines)
        // Killed while the next 8 MiB put is chunking, hashing or writing its batch.
        if (acknowledged.length >= 2 && child.kill('SIGKILL')) resolve()
      })
      child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}`))))
    })
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))

    const store = new BlobStore({ directory, maxBytes: 1 << 30, maxBlobBytes: 1 << 26, gcGraceMs: 1 << 30 })
    await store.open()
    const listed = await store.list()
    for (const cid of acknowledged) assert.ok(listed.includes(cid), `acknowledged ${cid} lost`)
    assert.ok(listed.length <= acknowledged.length + 1)
    let blocks = 0
    for (const [index, cid] of listed.entries()) {
      const bytes = await store.get(parseBlobCid(cid))
      assert.equal(formatCid(buildUnixfsFile(bytes).root), cid)
      assert.ok(Buffer.from(bytes).equals(pseudoRandomBytes(8 * 1024 * 1024, index + 1)))
      blocks += (await store.stat(parseBlobCid(cid)))!.blocks
    }
    await store.close()
    assert.equal(await blockKeys(directory), blocks, 'blocks without a record were left behind')
  })
})

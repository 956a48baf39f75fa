// Child process of crash.test.ts: puts distinct 8 MiB blobs into the store at argv[2] until
// killed, printing each CID once its put has returned.
import { BlobStore, formatCid } from '../../../src/blobs/index.js'
import { pseudoRandomBytes } from '../../unit/blobs/fixtures.js'

const store = new BlobStore({ directory: process.argv[2]!, maxBytes: 1 << 30, maxBlobBytes: 1 << 26, gcGraceMs: 1 << 30 })
await store.open()
for (let seed = 1; ; seed++) {
  const { cid } = await store.put(pseudoRandomBytes(8 * 1024 * 1024, seed))
  process.stdout.write(`${formatCid(cid)}\n`)
}

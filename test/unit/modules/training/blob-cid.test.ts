import assert from 'node:assert/strict'
import { buildUnixfsFile, formatCid } from '../../../../src/blobs/index.js'
import { encodeUpdateBlob, updateBlobCid } from '../../../../src/fl/update/blob.js'
import { blobCid } from '../../../../src/modules/training/index.js'
import { canonicalCid } from '../../../../src/modules/training/blob-cid.js'
import { seededRandom } from '../../../helpers/chain.js'

const CHUNK = 256 * 1024
function bytesOf(length: number, seed: number): Uint8Array {
  const random = seededRandom(seed)
  return Uint8Array.from({ length }, () => Math.floor(random() * 256))
}

describe("training blob CIDs: the parameter store's UnixFS kubo-v1 CID, recomputed without I/O", () => {
  it("equals src/blobs' UnixFS builder for empty, one-chunk, chunk-boundary and multi-chunk blobs", () => {
    for (const length of [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17]) {
      const bytes = bytesOf(length, length + 1)
      assert.equal(blobCid(bytes), formatCid(buildUnixfsFile(bytes).root), `length ${length}`)
    }
  })

  it('equals src/blobs for a DAG deeper than one level (more than 174 chunks)', function () {
    this.timeout(60_000)
    const bytes = new Uint8Array(175 * CHUNK + 5).fill(3)
    assert.equal(blobCid(bytes), formatCid(buildUnixfsFile(bytes).root))
  })

  it("equals the FL library's updateBlobCid for an update blob of one chunk", async () => {
    const blob = encodeUpdateBlob({ dtype: 'int16', shape: [100], scale: 16384, values: new Int32Array(100).fill(-3) })
    assert.equal(blobCid(blob), (await updateBlobCid(blob)).toString())
  })

  it('accepts only canonical CIDv1 base32 text of raw or dag-pb sha2-256 blocks', () => {
    const cid = blobCid(new Uint8Array(3))
    assert.equal(canonicalCid(cid), cid)
    assert.equal(canonicalCid(cid.toUpperCase()), undefined)
    assert.equal(canonicalCid('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'), undefined, 'CIDv0')
    assert.equal(canonicalCid('bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea'), undefined, 'another codec')
    assert.equal(canonicalCid(''), undefined)
  })
})

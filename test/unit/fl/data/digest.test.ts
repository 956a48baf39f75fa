import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { datasetDigest } from '../../../../src/fl/data/digest.js'
import { subset } from '../../../../src/fl/data/dataset.js'

const data = {
  features: Float32Array.of(0, 0.5, 1, -0.25, 0.125, 0.75),
  labels: Uint8Array.of(3, 7),
  count: 2,
  featureSize: 3,
  classes: 10,
}

describe('datasetDigest: the hash a private Datanet record commits to', () => {
  it('is SHA-256 of the documented bytes ("FLDS", count, feature size, classes, float32 LE features, labels)', () => {
    const bytes = Buffer.alloc(16 + 6 * 4 + 2)
    bytes.write('FLDS', 0, 'latin1')
    bytes.writeUInt32LE(2, 4)
    bytes.writeUInt32LE(3, 8)
    bytes.writeUInt32LE(10, 12)
    data.features.forEach((v, i) => bytes.writeFloatLE(v, 16 + 4 * i))
    bytes[40] = 3
    bytes[41] = 7
    assert.equal(datasetDigest(data), createHash('sha256').update(bytes).digest('hex'))
    assert.match(datasetDigest(data), /^[0-9a-f]{64}$/)
  })

  it('changes with any row, the row order, a label or the class count, and not with a copy or a view', () => {
    const base = datasetDigest(data)
    assert.equal(datasetDigest(subset(data, [0, 1])), base)
    const offset = new Float32Array(8)
    offset.set(data.features, 2)
    assert.equal(datasetDigest({ ...data, features: offset.subarray(2) }), base)
    assert.notEqual(datasetDigest(subset(data, [1, 0])), base)
    assert.notEqual(datasetDigest({ ...data, labels: Uint8Array.of(3, 8) }), base)
    assert.notEqual(datasetDigest({ ...data, classes: 11 }), base)
    assert.notEqual(datasetDigest({ ...data, features: Float32Array.of(0, 0.5, 1, -0.25, 0.125, 0.7500001) }), base)
    assert.notEqual(datasetDigest(subset(data, [0])), base)
  })
})

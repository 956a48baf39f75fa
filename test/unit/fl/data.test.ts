import assert from 'node:assert/strict'
import { parseCsvDataset } from '../../../src/fl/data/csv.js'
import { labelHistogram, subset } from '../../../src/fl/data/dataset.js'
import { loadMnist } from '../../../src/fl/data/mnist.js'
import { parsePartitionSpec, partition } from '../../../src/fl/data/partition.js'
import { permutation, SeededRandom } from '../../../src/fl/random.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected
const labels = Uint8Array.from({ length: 1000 }, (_, i) => i % 10)

function assertCoversOnce(parts: Uint32Array[], n: number): void {
  const seen = new Uint8Array(n)
  for (const p of parts) for (const i of p) seen[i]! += 1
  assert.ok(
    seen.every((c) => c === 1),
    'every row in exactly one part',
  )
}

describe('seeded randomness', () => {
  it('repeats a stream for a seed and is uniform enough', () => {
    const a = new SeededRandom(7)
    const b = new SeededRandom(7)
    const xs = Array.from({ length: 10000 }, () => a.next())
    assert.deepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => b.next()),
    )
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    assert.ok(Math.abs(mean - 0.5) < 0.01 && xs.every((x) => x >= 0 && x < 1))
  })
  it('shuffles into a permutation', () => {
    assert.deepEqual(
      [...permutation(100, new SeededRandom(1))].sort((x, y) => x - y),
      Array.from({ length: 100 }, (_, i) => i),
    )
  })
})

describe('MNIST split', function () {
  this.timeout(30_000)
  it('is 8,000 train and 2,000 test digits, fixed, with all ten classes', () => {
    const { train, test } = loadMnist()
    assert.equal(train.count, 8000)
    assert.equal(test.count, 2000)
    assert.equal(train.featureSize, 784)
    assert.ok(labelHistogram(test).every((c) => c > 100))
    const again = loadMnist()
    assert.deepEqual(again.test.labels, test.labels)
  })
})

describe('partitioners', () => {
  it('iid gives equal shares covering every row once', () => {
    const parts = partition(labels, 10, 7, { kind: 'iid' }, 1)
    assertCoversOnce(parts, labels.length)
    assert.ok(parts.every((p) => p.length === 142 || p.length === 143))
  })
  it('dirichlet with small α skews labels per trainer, covers every row once, and is seeded', () => {
    const parts = partition(labels, 10, 10, { kind: 'dirichlet', alpha: 0.1 }, 3)
    assertCoversOnce(parts, labels.length)
    const dominant = parts.map(
      (p) =>
        Math.max(...labelHistogram(subset({ features: new Float32Array(1000), labels, count: 1000, featureSize: 1, classes: 10 }, p))) /
        p.length,
    )
    assert.ok(dominant.reduce((a, b) => a + b, 0) / dominant.length > 0.4, 'trainers are dominated by few classes')
    assert.deepEqual(partition(labels, 10, 10, { kind: 'dirichlet', alpha: 0.1 }, 3), parts)
  })
  it('shards give each trainer at most k labels', () => {
    const parts = partition(labels, 10, 5, { kind: 'shards', perTrainer: 2 }, 1)
    assertCoversOnce(parts, labels.length)
    for (const p of parts) assert.ok(new Set(Array.from(p, (i) => labels[i])).size <= 2)
  })
  it('parses specs and rejects bad ones', () => {
    assert.deepEqual(parsePartitionSpec('dirichlet:0.5'), { kind: 'dirichlet', alpha: 0.5 })
    assert.deepEqual(parsePartitionSpec('shards:2'), { kind: 'shards', perTrainer: 2 })
    for (const bad of ['dirichlet', 'dirichlet:-1', 'shards:0', 'iid:3', 'random'])
      assert.throws(() => parsePartitionSpec(bad), code('FL_INVALID_PARTITION'))
  })
})

describe('CSV datasets', () => {
  it('reads numeric features and maps string labels to sorted classes', () => {
    const data = parseCsvDataset('a,b,kind\n1,2,cat\n3.5,-4,dog\n\n0,0,cat\n')
    assert.equal(data.count, 3)
    assert.deepEqual(data.features, Float32Array.of(1, 2, 3.5, -4, 0, 0))
    assert.deepEqual(data.labels, Uint8Array.of(0, 1, 0))
    assert.deepEqual(data.classNames, ['cat', 'dog'])
  })
  it('takes the label column by name and integer labels as they are', () => {
    const data = parseCsvDataset('y,x\n2,0.5\n0,1.5\n', { labelColumn: 'y' })
    assert.deepEqual(data.labels, Uint8Array.of(2, 0))
    assert.equal(data.classes, 3)
  })
  it('names the line of a malformed row', () => {
    assert.throws(
      () => parseCsvDataset('a,b\n1,0\n2\n'),
      (e: { code?: string; context?: { line?: number } }) => e.code === 'FL_CSV_PARSE' && e.context?.line === 3,
    )
    assert.throws(() => parseCsvDataset('a,b\nx,0\n'), code('FL_CSV_PARSE'))
    assert.throws(() => parseCsvDataset('a,b\n'), code('FL_CSV_PARSE'))
    assert.throws(() => parseCsvDataset('a,b\n1,0\n', { labelColumn: 'z' }), code('FL_CSV_PARSE'))
  })
})

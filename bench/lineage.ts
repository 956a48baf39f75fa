/**
 * Lineage's `contributors` walk (dag.ts resolveContributors) on a 1,000-version DAG: each version
 * 1–2 parents among the 20 before it (merges), 6 credits each. Baseline: decoding every version
 * record of the store once. Figures only, no timed assertion.
 */
import type { KVStore } from '../src/state/index.js'
import { Dec } from '../src/state/index.js'
import { LineageBooks } from '../src/modules/lineage/books.js'
import { resolveContributors } from '../src/modules/lineage/dag.js'
import { measure, report } from './harness.js'

class MemoryStore implements KVStore {
  readonly #map = new Map<string, [Uint8Array, Uint8Array]>()
  #sorted: string[] | null = null
  get(key: Uint8Array) {
    return this.#map.get(Buffer.from(key).toString('hex'))?.[1]
  }
  set(key: Uint8Array, value: Uint8Array) {
    const id = Buffer.from(key).toString('hex')
    if (!this.#map.has(id)) this.#sorted = null
    this.#map.set(id, [key, value])
  }
  delete(key: Uint8Array) {
    this.#map.delete(Buffer.from(key).toString('hex'))
    this.#sorted = null
  }
  *iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    this.#sorted ??= [...this.#map.keys()].sort()
    const p = Buffer.from(prefix).toString('hex')
    const sorted = this.#sorted
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid]! < p) lo = mid + 1
      else hi = mid
    }
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(p); i++) yield this.#map.get(sorted[i]!)!
  }
}

const VERSIONS = 1_000
const books = new LineageBooks(new MemoryStore())
let seed = 7
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
for (let i = 0; i < VERSIONS; i++) {
  const parents =
    i === 0 ? [] : [...new Set([0, 1].slice(0, 1 + Math.floor(random() * 2)).map(() => Math.max(0, i - 1 - Math.floor(random() * 20))))]
  const record = {
    subnet: 0n,
    version: BigInt(i),
    kind: 'full',
    parents: parents.map((p) => ({ subnet: 0n, version: BigInt(p) })),
    round: BigInt(i),
    globalCid: `cid-${i}`,
    aggregateCid: null,
    datanetVersions: [],
    training: { rule: 'fedavg', dtype: 'int16', scale: 16384, maxAbs: 32767, sampleCap: 600 },
    aggregator: null,
    trainers: [],
    status: 'attributed',
    totalWeight: 6n * 1000n,
    height: 0n,
    attributedHeight: 0n,
  }
  books.setVersion(record)
  for (let k = 0; k < 6; k++) {
    const address = new Uint8Array(20).fill((i * 7 + k * 31) % 251)
    books.setCredit(record, { kind: 'account', address }, { trainer: 1000n, data: 0n, aggregator: 0n, treasury: 0n, paid: 0n })
  }
}

const root = { subnet: 0n, version: BigInt(VERSIONS - 1) }
const baseline = await measure('decode every version record', VERSIONS, () => {
  for (const _ of books.versions());
})
report(baseline, undefined, 'records/s')
for (const depth of [8, 64]) {
  const params = { parentShare: Dec.parse('0.2'), validatorShare: Dec.parse('0.1'), maxAncestryDepth: depth }
  const r = resolveContributors(books, root, params)
  const m = await measure(`contributors, max_ancestry_depth ${depth}`, 1, () => {
    resolveContributors(books, root, params)
  })
  report(m, undefined, 'walks/s')
  console.log(
    `  versions reached ${r.versions}, contributors ${r.contributors.length}, ${(m.secondsPerRun * 1000).toFixed(2)} ms per walk (${(m.secondsPerRun / baseline.secondsPerRun).toFixed(2)}× the full decode)`,
  )
}

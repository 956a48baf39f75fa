import { FlError } from '../errors.js'
import { permutation, SeededRandom } from '../random.js'

/** How a training set is spread over trainers (`iid`, `dirichlet:0.5`, `shards:2`). */
export type PartitionSpec = { kind: 'iid' } | { kind: 'dirichlet'; alpha: number } | { kind: 'shards'; perTrainer: number }

export function parsePartitionSpec(text: string): PartitionSpec {
  const [kind, arg, ...rest] = text.split(':')
  const bad = (reason: string): FlError<'FL_INVALID_PARTITION'> =>
    new FlError('FL_INVALID_PARTITION', `${reason} in "${text}" (expected iid, dirichlet:ALPHA or shards:K)`, { reason })
  if (rest.length > 0) throw bad('too many parameters')
  if (kind === 'iid' && arg === undefined) return { kind: 'iid' }
  if (kind === 'dirichlet') {
    const alpha = Number(arg)
    if (arg === undefined || arg === '' || !(alpha > 0) || !Number.isFinite(alpha)) throw bad('alpha must be a positive number')
    return { kind: 'dirichlet', alpha }
  }
  if (kind === 'shards') {
    const k = Number(arg)
    if (!Number.isInteger(k) || k < 1) throw bad('shards per trainer must be a positive integer')
    return { kind: 'shards', perTrainer: k }
  }
  throw bad('unknown partition')
}

/** Row indices per trainer. Every row goes to exactly one trainer (none dropped, none shared). */
export function partition(labels: Uint8Array, classes: number, trainers: number, spec: PartitionSpec, seed: number): Uint32Array[] {
  if (!Number.isInteger(trainers) || trainers < 1 || trainers > labels.length)
    throw new FlError('FL_INVALID_PARTITION', 'need 1 ≤ trainers ≤ rows', { reason: `trainers ${trainers}` })
  const random = new SeededRandom(seed)
  switch (spec.kind) {
    case 'iid':
      return iidPartition(labels.length, trainers, random)
    case 'dirichlet':
      return dirichletPartition(labels, classes, trainers, spec.alpha, random)
    case 'shards':
      return shardPartition(labels, trainers, spec.perTrainer, random)
  }
}

/** Shuffled rows cut into equal contiguous parts (sizes differ by at most one). */
function iidPartition(n: number, trainers: number, random: SeededRandom): Uint32Array[] {
  const order = permutation(n, random)
  return Array.from({ length: trainers }, (_, t) => order.slice(Math.floor((t * n) / trainers), Math.floor(((t + 1) * n) / trainers)))
}

/**
 * Label skew (Hsu et al. 2019): for each class, trainer shares ~ Dirichlet(α); small α gives
 * each trainer few classes. Redrawn (up to 100 times) until every trainer has ≥ 10 rows, as in
 * the usual benchmark code, so no trainer is left without data.
 */
function dirichletPartition(labels: Uint8Array, classes: number, trainers: number, alpha: number, random: SeededRandom): Uint32Array[] {
  const byClass: number[][] = Array.from({ length: classes }, () => [])
  labels.forEach((label, i) => byClass[label]!.push(i))
  const minSize = Math.min(10, Math.floor(labels.length / trainers))
  for (let attempt = 0; ; attempt++) {
    const parts: number[][] = Array.from({ length: trainers }, () => [])
    for (const rows of byClass) {
      random.shuffle(rows)
      const shares = Array.from({ length: trainers }, () => random.gamma(alpha))
      const total = shares.reduce((a, b) => a + b, 0)
      let start = 0
      let cumulative = 0
      shares.forEach((share, t) => {
        cumulative += share
        const end = t === trainers - 1 ? rows.length : Math.round((cumulative / total) * rows.length)
        for (let r = start; r < end; r++) parts[t]!.push(rows[r]!)
        start = Math.max(start, end)
      })
    }
    if (parts.every((p) => p.length >= minSize) || attempt >= 100) return parts.map((p) => Uint32Array.from(random.shuffle(p)))
  }
}

/** Rows sorted by label, cut into trainers·k shards, k random shards per trainer (McMahan et al.). */
function shardPartition(labels: Uint8Array, trainers: number, perTrainer: number, random: SeededRandom): Uint32Array[] {
  const shards = trainers * perTrainer
  if (shards > labels.length) throw new FlError('FL_INVALID_PARTITION', 'more shards than rows', { reason: `${shards} shards` })
  const sorted = Array.from(permutation(labels.length, random)).sort((a, b) => labels[a]! - labels[b]! || a - b)
  const shardOrder = permutation(shards, random)
  return Array.from({ length: trainers }, (_, t) => {
    const rows: number[] = []
    for (let s = 0; s < perTrainer; s++) {
      const shard = shardOrder[t * perTrainer + s]!
      rows.push(...sorted.slice(Math.floor((shard * labels.length) / shards), Math.floor(((shard + 1) * labels.length) / shards)))
    }
    return Uint32Array.from(random.shuffle(rows))
  })
}

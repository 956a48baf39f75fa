import { readFileSync } from 'node:fs'
import { parseCsvDataset } from '../fl/data/csv.js'
import { type Dataset, subset } from '../fl/data/dataset.js'
import { loadMnist } from '../fl/data/mnist.js'
import { type PartitionSpec, partition } from '../fl/data/partition.js'
import { RoleError } from './errors.js'

/**
 * A trainer's private data, named on its command line (`--data`):
 *
 *   mnist:iid:3/10             part 3 of 10 of the MNIST training split, drawn IID
 *   iid:3/10                   the same ("mnist:" is the default source)
 *   dirichlet:0.5:3/10         part 3 of 10, label proportions ~ Dirichlet(0.5) (non-IID)
 *   shards:2:3/10              part 3 of 10, two label shards each
 *   ./my.csv  or  csv:FILE     a CSV file of its own (label column last; src/fl/data/csv.ts)
 *
 * Parts are 0-based. Every trainer of a devnet draws its part from the same seeded partition
 * (`seed`), so the parts are disjoint and together are the split; `rows` keeps only the first rows
 * of the split before partitioning (short test runs).
 */
export type DataSpec = { source: 'mnist'; partition: PartitionSpec; part: number; of: number } | { source: 'csv'; path: string }

const PART = /^(0|[1-9][0-9]{0,5})\/([1-9][0-9]{0,5})$/

export function parseDataSpec(text: string): DataSpec {
  const bad = (why: string): never => {
    throw new RoleError('BAD_DATA_SPEC', `--data "${text.slice(0, 80)}": ${why} (examples: mnist:iid:3/10, dirichlet:0.5:3/10, ./my.csv)`, {
      option: 'data',
      value: text.slice(0, 80),
    })
  }
  if (text.startsWith('csv:')) return text.length > 4 ? { source: 'csv', path: text.slice(4) } : bad('csv: needs a file')
  if (/\.csv$/i.test(text) || text.startsWith('./') || text.startsWith('/')) return { source: 'csv', path: text }
  const parts = text.split(':')
  if (parts[0] === 'mnist') parts.shift()
  const last = parts.pop()
  const match = last === undefined ? null : PART.exec(last)
  if (match === null) return bad('the last field must be PART/OF, e.g. 3/10')
  const part = Number(match[1])
  const of = Number(match[2])
  if (part >= of) bad(`part ${part} of ${of}: parts are 0-based`)
  const [kind, arg, ...rest] = parts
  if (rest.length > 0) bad('too many fields')
  let spec: PartitionSpec
  if (kind === 'iid' && arg === undefined) spec = { kind: 'iid' }
  else if (kind === 'dirichlet' && arg !== undefined && Number(arg) > 0 && Number.isFinite(Number(arg)))
    spec = { kind: 'dirichlet', alpha: Number(arg) }
  else if (kind === 'shards' && arg !== undefined && /^[1-9][0-9]{0,3}$/.test(arg)) spec = { kind: 'shards', perTrainer: Number(arg) }
  else return bad('the partition is iid, dirichlet:ALPHA (> 0) or shards:K')
  return { source: 'mnist', partition: spec, part, of }
}

/** The rows `spec` names (MNIST from the `mnist` package, nothing downloaded). */
export function loadTrainerData(spec: DataSpec, options: { seed: number; rows?: number }): Dataset {
  if (spec.source === 'csv') {
    let text: string
    try {
      text = readFileSync(spec.path, 'utf8')
    } catch (error) {
      throw new RoleError(
        'BAD_DATA_SPEC',
        `cannot read ${spec.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { option: 'data', value: spec.path },
      )
    }
    return parseCsvDataset(text)
  }
  const { train } = loadMnist()
  const split =
    options.rows === undefined || options.rows >= train.count
      ? train
      : subset(
          train,
          Array.from({ length: options.rows }, (_, i) => i),
        )
  const parts = partition(split.labels, split.classes, spec.of, spec.partition, options.seed)
  return subset(split, parts[spec.part]!)
}

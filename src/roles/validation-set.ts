import { readFileSync } from 'node:fs'
import { parseCsvDataset } from '../fl/data/csv.js'
import { type Dataset, subset } from '../fl/data/dataset.js'
import { MNIST_TRAIN_SIZE, loadMnist } from '../fl/data/mnist.js'
import { FlError } from '../fl/errors.js'
import type { TrainableNetwork } from '../fl/model/network.js'
import { evaluate } from '../fl/train/evaluate.js'
import { RoleError } from './errors.js'
import type { Utility } from './scoring.js'

/**
 * A scorer's validation set, named on its command line (`--validation`):
 *
 *   mnist:last:1000     the last 1000 digits of the MNIST training split (the default)
 *   ./val.csv, csv:FILE a CSV file (label column last; src/fl/data/csv.ts)
 *
 * Never the test split: the devnet reports accuracy on the 2000 test digits, and a validation
 * set drawn from them would let scores leak into the number that judges the run. The last N
 * training digits are disjoint from what trainers use as long as they keep `--rows` at or below
 * 8000 − N (a trainer's `--rows R` takes the first R training digits before partitioning): the
 * devnet runs trainers with `--rows 7000` and scorers with `mnist:last:1000`.
 */
export type ValidationSpec = { source: 'mnist-last'; rows: number } | { source: 'csv'; path: string }

export const DEFAULT_VALIDATION = 'mnist:last:1000'

export function parseValidationSpec(text: string): ValidationSpec {
  const bad = (why: string): never => {
    throw new RoleError('BAD_OPTION', `--validation "${text.slice(0, 80)}": ${why} (examples: mnist:last:1000, ./val.csv)`, {
      option: 'validation',
      value: text.slice(0, 80),
    })
  }
  if (text.startsWith('csv:')) return text.length > 4 ? { source: 'csv', path: text.slice(4) } : bad('csv: needs a file')
  if (/\.csv$/i.test(text) || text.startsWith('./') || text.startsWith('/')) return { source: 'csv', path: text }
  const match = /^mnist:last:([1-9][0-9]{0,4})$/.exec(text)
  if (match === null) return bad('expected mnist:last:N or a CSV file')
  const rows = Number(match[1])
  if (rows >= MNIST_TRAIN_SIZE) bad(`N must be below the ${MNIST_TRAIN_SIZE} training digits, leaving trainers some`)
  return { source: 'mnist-last', rows }
}

/** The rows `spec` names. */
export function loadValidationSet(spec: ValidationSpec): Dataset {
  if (spec.source === 'mnist-last') {
    const { train } = loadMnist()
    return subset(
      train,
      Array.from({ length: spec.rows }, (_, i) => train.count - spec.rows + i),
    )
  }
  let text: string
  try {
    text = readFileSync(spec.path, 'utf8')
  } catch (error) {
    throw new RoleError('BAD_OPTION', `cannot read ${spec.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      option: 'validation',
      value: spec.path,
    })
  }
  try {
    return parseCsvDataset(text)
  } catch (error) {
    if (error instanceof FlError)
      throw new RoleError('BAD_OPTION', `${spec.path}: ${error.plainMessage}`, { option: 'validation', value: spec.path })
    throw error
  }
}

/** The scorers' utility: minus the mean cross-entropy loss of the model on `data` (scoring.ts says why loss, not accuracy). */
export function validationUtility(network: TrainableNetwork, data: Dataset): Utility {
  return (parameters) => -evaluate(network, parameters, data).loss
}

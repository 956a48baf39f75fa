import { FlError } from '../errors.js'
import type { Dataset } from './dataset.js'

export interface CsvOptions {
  /** Column holding the label: a header name or a 0-based index. Default: the last column. */
  readonly labelColumn?: string | number
  /** Whether the first line names the columns. Default true. */
  readonly header?: boolean
}

/**
 * Tabular user data for a trainer: comma-separated numeric features and one label column.
 * Labels that are all integers 0..C−1 are used as they are; otherwise the distinct label strings,
 * sorted, become classes 0..C−1 (returned as `classNames`). Blank lines are skipped; anything
 * else malformed is an FL_CSV_PARSE error naming the line.
 */
export function parseCsvDataset(text: string, options: CsvOptions = {}): Dataset & { classNames: string[] } {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter((l) => l.line !== '')
  const header = options.header ?? true
  if (lines.length < (header ? 2 : 1)) throw new FlError('FL_CSV_PARSE', 'no data rows', { line: 0, reason: 'empty' })
  const split = (l: { line: string }): string[] => l.line.split(',').map((c) => c.trim())
  const names = header ? split(lines[0]!) : undefined
  const rows = (header ? lines.slice(1) : lines).map((l) => ({ cells: split(l), number: l.number }))
  const width = names?.length ?? rows[0]!.cells.length
  if (width < 2)
    throw new FlError('FL_CSV_PARSE', 'need at least one feature and a label', { line: lines[0]!.number, reason: `${width} columns` })
  let labelIndex = width - 1
  if (typeof options.labelColumn === 'number') labelIndex = options.labelColumn
  else if (typeof options.labelColumn === 'string') labelIndex = names?.indexOf(options.labelColumn) ?? -1
  if (!Number.isInteger(labelIndex) || labelIndex < 0 || labelIndex >= width)
    throw new FlError('FL_CSV_PARSE', `label column ${String(options.labelColumn)} not found`, {
      line: lines[0]!.number,
      reason: 'label column',
    })
  const featureSize = width - 1
  const features = new Float32Array(rows.length * featureSize)
  const rawLabels: string[] = []
  rows.forEach(({ cells, number }, r) => {
    if (cells.length !== width)
      throw new FlError('FL_CSV_PARSE', `expected ${width} columns, found ${cells.length}`, { line: number, reason: 'column count' })
    let f = 0
    cells.forEach((cell, c) => {
      if (c === labelIndex) {
        rawLabels.push(cell)
        return
      }
      const value = cell === '' ? Number.NaN : Number(cell)
      if (!Number.isFinite(value))
        throw new FlError('FL_CSV_PARSE', `column ${c + 1} is not a number: "${cell}"`, { line: number, reason: 'not a number' })
      features[r * featureSize + f++] = value
    })
  })
  const integral = rawLabels.every((l) => /^\d+$/.test(l))
  const classNames = integral
    ? Array.from({ length: Math.max(...rawLabels.map(Number)) + 1 }, (_, i) => String(i))
    : [...new Set(rawLabels)].sort()
  if (classNames.length > 256)
    throw new FlError('FL_CSV_PARSE', 'more than 256 classes', { line: 0, reason: `${classNames.length} classes` })
  const index = new Map(classNames.map((name, i) => [name, i]))
  const labels = Uint8Array.from(rawLabels, (l) => (integral ? Number(l) : index.get(l)!))
  return { features, labels, count: rows.length, featureSize, classes: classNames.length, classNames }
}

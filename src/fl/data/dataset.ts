import { FlError } from '../errors.js'

/** Labelled examples in one flat buffer: row i is features[i·featureSize … (i+1)·featureSize). */
export interface Dataset {
  readonly features: Float32Array
  readonly labels: Uint8Array
  readonly count: number
  readonly featureSize: number
  readonly classes: number
}

export function checkDataset(data: Dataset): void {
  if (data.features.length !== data.count * data.featureSize || data.labels.length !== data.count)
    throw new FlError('FL_INVALID_DATASET', 'buffers do not match count × featureSize', {
      reason: `count ${data.count}, features ${data.features.length}, labels ${data.labels.length}`,
    })
  for (let i = 0; i < data.count; i++) {
    if (data.labels[i]! >= data.classes)
      throw new FlError('FL_INVALID_DATASET', 'label outside the class range', { reason: `row ${i} label ${data.labels[i]}` })
  }
}

/** The rows at `indices`, copied, in that order. */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const { featureSize } = data
  const features = new Float32Array(indices.length * featureSize)
  const labels = new Uint8Array(indices.length)
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!
    if (!(i >= 0 && i < data.count))
      throw new FlError('FL_INVALID_DATASET', 'row index out of range', { reason: `index ${i} of ${data.count}` })
    features.set(data.features.subarray(i * featureSize, (i + 1) * featureSize), r * featureSize)
    labels[r] = data.labels[i]!
  }
  return { features, labels, count: indices.length, featureSize, classes: data.classes }
}

/** Per-class counts (for partition reports). */
export function labelHistogram(data: Dataset): number[] {
  const counts = new Array<number>(data.classes).fill(0)
  for (let i = 0; i < data.count; i++) counts[data.labels[i]!]! += 1
  return counts
}

import { SeededRandom } from '../random.js'
import { parameterLayout, type ModelSpec } from './spec.js'

/**
 * Seeded He-uniform initialisation (kernels ~ U(±sqrt(6/fanIn)), suited to ReLU), biases zero,
 * drawn in the canonical parameter order: the same (spec, seed) gives the same model anywhere.
 */
export function initialParameters(spec: ModelSpec, seed: number): Float32Array {
  const layout = parameterLayout(spec)
  const params = new Float32Array(layout.size)
  const random = new SeededRandom(seed)
  for (const slot of layout.slots) {
    if (slot.kind !== 'kernel') continue
    const limit = Math.sqrt(6 / slot.fanIn)
    for (let i = 0; i < slot.size; i++) params[slot.offset + i] = (2 * random.next() - 1) * limit
  }
  return params
}

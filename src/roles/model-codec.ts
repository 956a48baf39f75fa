import { FlError } from '../fl/errors.js'
import { initialParameters } from '../fl/model/init.js'
import type { ModelSpec } from '../fl/model/spec.js'
import { decodeUpdateBlob, encodeUpdateBlob } from '../fl/update/blob.js'
import { MODEL_DTYPE } from '../modules/training/index.js'
import { RoleError } from './errors.js'

/**
 * The global model on chain is an int32 update blob of shape [N]: each parameter θ as
 * round(θ·scale) (src/modules/training/model.ts). Trainers and evaluators read it as floats
 * θ = value / scale; a subnet's initial model is made here from the spec's seeded initialisation.
 */
export const MODEL_SCALE = 16384

/** The model blob's parameters as floats; BAD_MODEL when it is not a [parameterCount] model blob. */
export function modelParameters(bytes: Uint8Array, parameterCount: number, cid = ''): Float32Array {
  let model
  try {
    model = decodeUpdateBlob(bytes)
  } catch (error) {
    if (error instanceof FlError)
      throw new RoleError('BAD_MODEL', `${cid || 'the model'} is not a model blob: ${error.plainMessage}`, { cid })
    throw error
  }
  if (model.shape.length !== 1 || model.shape[0] !== parameterCount) {
    throw new RoleError(
      'BAD_MODEL',
      `${cid || 'the model'} has shape [${model.shape.join(', ')}]; the subnet's model has ${parameterCount} parameters`,
      { cid },
    )
  }
  const out = new Float32Array(parameterCount)
  for (let i = 0; i < parameterCount; i++) out[i] = model.values[i]! / model.scale
  return out
}

/** Floats as a model blob at `scale` (rounded to nearest, saturated to ±(2^31 − 1)). */
export function encodeModel(parameters: Float32Array, scale = MODEL_SCALE): Uint8Array {
  const values = new Int32Array(parameters.length)
  const limit = 2147483647
  for (let i = 0; i < parameters.length; i++) {
    const v = Math.round(parameters[i]! * scale)
    values[i] = v > limit ? limit : v < -limit ? -limit : v
  }
  return encodeUpdateBlob({ dtype: MODEL_DTYPE, shape: [parameters.length], scale, values })
}

/** A subnet's initial model: the spec's seeded He initialisation, in fixed point. */
export const initialModelBlob = (spec: ModelSpec, seed: number): Uint8Array => encodeModel(initialParameters(spec, seed))

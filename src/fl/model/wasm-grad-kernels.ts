import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * Gradient kernels for tfjs-backend-wasm 4.22, so that a CNN trains on it.
 *
 * A CNN's backward pass needs `Conv2DBackpropFilter`, `Conv2DBackpropInput`, `MaxPoolGrad` and
 * `Relu`'s `Step`. The backend lacks the first; its `MaxPoolGrad` routes the gradient wrongly
 * when a window's maximum is ≤ 0 (window [-3, -2, -5, -6] sends it to the -3, [-1, -4, -7, -8]
 * drops it); its `Conv2DBackpropInput` is right but a plain loop, 5–12× slower than the XNNPACK
 * conv2d on smallCnnSpec's second layer. All three are registered here, the convolutions as
 * wasm conv2d calls; `Step` is the backend's own. Every one is checked against the tfjs `cpu`
 * backend in test/unit/fl/wasm-grad.test.ts. Kernels are looked up per backend name in tfjs'
 * global registry, so the engine finds these whenever the wasm backend runs `tf.grad`.
 */

const BACKEND = 'wasm'

type Shape4 = [number, number, number, number]

/** Runs another wasm kernel on `backend` (the way backends compose kernels, without the engine). */
function runWasmKernel(name: string, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
  const config = tf.getKernel(name, BACKEND)
  if (config === undefined) throw new Error(`tfjs-backend-wasm has no ${name} kernel`)
  return config.kernelFunc({ inputs, attrs, backend }) as tf.TensorInfo
}

/**
 * The filter gradient of `y = conv2d(x, w, strides, pad)` (NHWC, dilation 1, as tfjs' conv2d
 * gradient requires):
 *
 *   dW[r, c, i, o] = Σ_{b, p, q} x_pad[b, p·sh + r, q·sw + c, i] · dy[b, p, q, o]
 *
 * That sum is itself a correlation: read the batch axis as channels and the input channels as
 * the batch, i.e. x as [in, H, W, batch] and dy as a [outH, outW, batch, out] filter, and the
 * forward stride becomes the filter's dilation. One wasm (XNNPACK) conv2d with explicit padding
 * then yields [in, kh, kw, out], transposed to the filter layout [kh, kw, in, out].
 */
function conv2DBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap
  backend: tf.KernelBackend
  attrs: tf.NamedAttrMap
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm
  const { x, dy } = args.inputs as unknown as tf.Conv2DBackpropFilterInputs
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs x and dy')
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only, as the wasm Conv2D does')
  const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast')
  const { strideHeight, strideWidth, filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth } = info
  const { top, left } = info.padInfo

  // The correlation spans (out − 1)·stride + filter rows of the padded input, starting at −top.
  // 'same' and explicit padding may end past the input (pad the rest with zeros); 'valid' with
  // a stride may leave trailing rows the forward pass never read (slice them off).
  const spanHeight = (outHeight - 1) * strideHeight + filterHeight
  const spanWidth = (outWidth - 1) * strideWidth + filterWidth
  const usedHeight = Math.min(inHeight, spanHeight - top)
  const usedWidth = Math.min(inWidth, spanWidth - left)
  const intermediates: tf.TensorInfo[] = []
  try {
    let input: tf.TensorInfo = x
    if (usedHeight < inHeight || usedWidth < inWidth) {
      input = runWasmKernel(
        tf.Slice,
        backend,
        { x: input },
        { begin: [0, 0, 0, 0], size: [x.shape[0]!, usedHeight, usedWidth, x.shape[3]!] },
      )
      intermediates.push(input)
    }
    const xT = runWasmKernel(tf.Transpose, backend, { x: input }, { perm: [3, 1, 2, 0] })
    intermediates.push(xT)
    const dyT = runWasmKernel(tf.Transpose, backend, { x: dy }, { perm: [1, 2, 0, 3] })
    intermediates.push(dyT)
    const padding: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [top, spanHeight - top - usedHeight],
      [left, spanWidth - left - usedWidth],
      [0, 0],
    ]
    const correlation = runWasmKernel(tf.Conv2D, backend, { x: xT, filter: dyT }, {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: padding,
      dataFormat: 'NHWC',
      dimRoundingMode: null,
    } as unknown as tf.NamedAttrMap)
    intermediates.push(correlation)
    return runWasmKernel(tf.Transpose, backend, { x: correlation }, { perm: [1, 2, 0, 3] })
  } finally {
    for (const t of intermediates) backend.disposeData(t.dataId)
  }
}

/** The backend's own kernels that registerWasmGradientKernels replaced, by name: the fallbacks of the `slow` ones. */
const replacedKernels = new Map<string, tf.KernelConfig>()
/** Backends on which a fallback's setup ran: the engine sets up only registered kernels, and a replaced one no longer is. */
const fallbacksSetUp = new WeakMap<tf.KernelBackend, Set<string>>()

/** Runs the backend's own (replaced) kernel `name`, setting it up on first use. */
function runReplacedKernel(
  name: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  const config = replacedKernels.get(name)
  if (config === undefined) throw new Error(`tfjs-backend-wasm has no ${name} kernel for this case`)
  const done = fallbacksSetUp.get(args.backend) ?? new Set<string>()
  if (!done.has(name)) {
    config.setupFunc?.(args.backend)
    done.add(name)
    fallbacksSetUp.set(args.backend, done)
  }
  return config.kernelFunc(args) as tf.TensorInfo
}

/**
 * The input gradient of `y = conv2d(x, w, 1, pad)` (stride 1, NHWC): a full correlation of dy with
 * the filter rotated by 180° and its channel axes swapped,
 *
 *   dx[b, u, v, i] = Σ_{r, c, o} dy_pad[b, u + r, v + c, o] · w[kh−1−r, kw−1−c, i, o],
 *
 * where dy is padded by kh−1−top above and kh−1−bottom below (likewise for columns): the forward
 * padding, mirrored. A stride above 1 (dy would first need zeros between its entries) or an
 * explicit padding as wide as the filter goes to the backend’s own kernel.
 */
function conv2DBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap
  backend: tf.KernelBackend
  attrs: tf.NamedAttrMap
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm
  const { dy, filter } = args.inputs as unknown as tf.Conv2DBackpropInputInputs
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs
  if (dy === undefined || filter === undefined) throw new Error('Conv2DBackpropInput needs dy and filter')
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  )
  const { filterHeight, filterWidth } = info
  const { top, bottom, left, right } = info.padInfo
  const fits =
    dataFormat !== 'NCHW' &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    Math.max(top, bottom) < filterHeight &&
    Math.max(left, right) < filterWidth
  if (!fits) return runReplacedKernel(tf.Conv2DBackpropInput, args)
  const intermediates: tf.TensorInfo[] = []
  try {
    const flipped = runWasmKernel(tf.Reverse, backend, { x: filter }, { dims: [0, 1] })
    intermediates.push(flipped)
    const rotated = runWasmKernel(tf.Transpose, backend, { x: flipped }, { perm: [0, 1, 3, 2] })
    intermediates.push(rotated)
    const padding: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [filterHeight - 1 - top, filterHeight - 1 - bottom],
      [filterWidth - 1 - left, filterWidth - 1 - right],
      [0, 0],
    ]
    return runWasmKernel(tf.Conv2D, backend, { x: dy, filter: rotated }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: padding,
      dataFormat: 'NHWC',
      dimRoundingMode: null,
    } as unknown as tf.NamedAttrMap)
  } finally {
    for (const t of intermediates) backend.disposeData(t.dataId)
  }
}

/**
 * The input gradient of `y = maxPool(x)`: each window's dy goes to the first position (in row-major
 * window order) holding the window's maximum, as in tfjs-backend-cpu, so ties (the zeros after a
 * ReLU) resolve the same way on both backends. A plain loop over the wasm heap: it reads each
 * input once per window covering it, far less work than the convolutions around it.
 */
function maxPoolGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as BackendWasm
  const { dy, input } = args.inputs as unknown as tf.MaxPoolGradInputs
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs
  if (dy === undefined || input === undefined) throw new Error('MaxPoolGrad needs dy and input')
  const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, filterSize, strides, 1, pad, dimRoundingMode)
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
  } = info
  const { top, left } = info.padInfo
  const dx = backend.makeOutput([...input.shape], 'float32')
  // Views taken after the allocation: growing the wasm heap would detach earlier ones.
  const xs = backend.typedArrayFromHeap(input)
  const dys = backend.typedArrayFromHeap(dy)
  const dxs = backend.typedArrayFromHeap(dx)
  dxs.fill(0)
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * channels
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = Math.max(0, oh * strideHeight - top)
      const r1 = Math.min(inHeight, oh * strideHeight - top + effectiveFilterHeight)
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = Math.max(0, ow * strideWidth - left)
        const c1 = Math.min(inWidth, ow * strideWidth - left + effectiveFilterWidth)
        const yOffset = ((b * outHeight + oh) * outWidth + ow) * channels
        for (let d = 0; d < channels; d++) {
          let max = Number.NEGATIVE_INFINITY
          let at = -1
          for (let r = r0; r < r1; r++) {
            for (let c = c0; c < c1; c++) {
              const i = xBatch + (r * inWidth + c) * channels + d
              if (xs[i]! > max) {
                max = xs[i]!
                at = i
              }
            }
          }
          if (at >= 0) dxs[at]! += dys[yOffset + d]!
        }
      }
    }
  }
  return dx
}

interface WasmKernelPatch {
  readonly config: tf.KernelConfig
  /**
   * `missing`: register only where the backend has none; `incorrect`: replace the backend's;
   * `slow`: replace the backend's, which stays the fallback for cases the replacement leaves out.
   */
  readonly because: 'missing' | 'incorrect' | 'slow'
}

/** The kernels this module provides for the wasm backend. */
export const WASM_GRADIENT_KERNELS: readonly WasmKernelPatch[] = [
  {
    config: { kernelName: tf.Conv2DBackpropFilter, backendName: BACKEND, kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc },
    because: 'missing',
  },
  {
    config: { kernelName: tf.Conv2DBackpropInput, backendName: BACKEND, kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc },
    because: 'slow',
  },
  {
    config: { kernelName: tf.MaxPoolGrad, backendName: BACKEND, kernelFunc: maxPoolGradWasm as unknown as tf.KernelFunc },
    because: 'incorrect',
  },
]

/**
 * Registers the kernels above for the wasm backend and returns the names it registered;
 * idempotent. A missing kernel that a later tfjs-backend-wasm ships itself is left alone; an
 * incorrect one is replaced whatever the version (package.json pins 4.22.0; the numeric tests
 * say whether an upgrade still needs it).
 */
export function registerWasmGradientKernels(): string[] {
  const added: string[] = []
  for (const { config, because } of WASM_GRADIENT_KERNELS) {
    const current = tf.getKernel(config.kernelName, config.backendName)
    if (current?.kernelFunc === config.kernelFunc || (current !== undefined && because === 'missing')) continue
    if (current !== undefined) {
      replacedKernels.set(config.kernelName, current)
      tf.unregisterKernel(config.kernelName, config.backendName)
    }
    tf.registerKernel(config)
    added.push(config.kernelName)
  }
  return added
}

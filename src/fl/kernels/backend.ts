import { createRequire } from 'node:module'
import { logger } from '../../log/index.js'
import { FlError } from '../errors.js'

/** The gpu.js backends Fedra uses; all of them must give the reference's bits. */
export type KernelMode = 'webgpu' | 'webasm' | 'cpu'
export const KERNEL_MODES: readonly KernelMode[] = ['webgpu', 'webasm', 'cpu']

/** gpu.js has no usable typings for its kernel objects; this is the part Fedra touches. */
export interface GpuKernel {
  (...args: unknown[]): unknown
  kernel?: { constructor: { mode?: string } }
  destroy?: (removeCanvasReferences?: boolean) => void
}
interface GpuInstance {
  createKernel(source: (...args: never[]) => number, settings: Record<string, unknown>): GpuKernel
  destroy(): Promise<void> | void
}
interface GpuModule {
  GPU: (new (settings: {
    mode: string
  }) => GpuInstance) & {
    isWebGPUAvailable(): Promise<boolean>
    isWebAssemblySupported: boolean
  }
}

const log = logger('fl.kernels')

let gpuModule: GpuModule | undefined
/**
 * gpu.js is CommonJS: load it through createRequire from this ESM module. Its optional `gl`
 * (headlessgl) dependency is absent here; gpu.js then just reports headlessgl unsupported,
 * which is fine because Fedra never asks for the GL backends.
 */
function loadGpuJs(): GpuModule {
  gpuModule ??= createRequire(import.meta.url)('gpu.js') as GpuModule
  return gpuModule
}

/**
 * A gpu.js instance pinned to one mode, with its compiled kernels cached by a key (kernel
 * name + tile geometry): gpu.js bakes output sizes and constants into each compiled kernel.
 */
export class KernelBackend {
  private readonly kernels = new Map<string, GpuKernel>()
  private readonly gpu: GpuInstance
  private loggedMode = false

  constructor(readonly mode: KernelMode) {
    const { GPU } = loadGpuJs()
    this.gpu = new GPU({ mode })
  }

  /** The compiled kernel for `key`, built by `build` on first use. */
  kernel(key: string, build: (gpu: GpuInstance) => GpuKernel): GpuKernel {
    let kernel = this.kernels.get(key)
    if (kernel === undefined) {
      kernel = build(this.gpu)
      this.kernels.set(key, kernel)
    }
    return kernel
  }

  /**
   * Runs a kernel and returns its output rows as Float32Arrays. Awaits (webgpu kernels return
   * Promises) and checks which backend actually ran: gpu.js falls back silently otherwise.
   */
  async run(kernel: GpuKernel, args: unknown[]): Promise<Float32Array[]> {
    let out = kernel(...args)
    if (out instanceof Promise) out = await out
    const ran = kernel.kernel?.constructor.mode
    if (ran !== this.mode)
      throw new FlError('FL_KERNEL_BACKEND', `kernel ran on ${String(ran)} instead of ${this.mode}`, {
        mode: this.mode,
        reason: `ran on ${String(ran)}`,
      })
    if (!this.loggedMode) {
      this.loggedMode = true
      log.info({ mode: ran }, 'aggregation kernels running')
    }
    return flattenRows(out)
  }

  async destroy(): Promise<void> {
    for (const kernel of this.kernels.values()) kernel.destroy?.()
    this.kernels.clear()
    await this.gpu.destroy()
  }
}

/** gpu.js returns a Float32Array for 1-D output, arrays of rows for 2-D and 3-D. */
function flattenRows(out: unknown): Float32Array[] {
  if (out instanceof Float32Array) return [out]
  if (Array.isArray(out)) return out.flatMap((row) => flattenRows(row))
  const maybe = out as { toArray?: () => unknown }
  if (typeof maybe?.toArray === 'function') return flattenRows(maybe.toArray())
  throw new FlError('FL_KERNEL_BACKEND', 'unexpected kernel output', { mode: 'unknown', reason: typeof out })
}

let webgpuProbe: Promise<boolean> | undefined
/**
 * Whether a WebGPU adapter answers. gpu.js pins webgpu@0.2.9, whose binary needs a newer glibc
 * than these machines have, so Fedra loads webgpu@0.6.2 itself and injects `navigator.gpu`
 * (shared/gpu/README.md). Any failure — package missing, no Vulkan, no adapter, or no answer
 * within `timeoutMs` — means "no": detection must never break or stall a CPU-only node.
 */
export function isWebGpuAvailable(timeoutMs = 5000): Promise<boolean> {
  webgpuProbe ??= (async () => {
    try {
      const g = globalThis as { navigator?: { gpu?: unknown } }
      if (g.navigator?.gpu === undefined) {
        const webgpu = (await import('webgpu')) as { create(flags: string[]): unknown; globals: object }
        Object.assign(globalThis, webgpu.globals)
        const gpu = webgpu.create([])
        if (g.navigator === undefined)
          Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true })
        else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true })
      }
      const { GPU } = loadGpuJs()
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
        timer.unref()
      })
      const available = await Promise.race([GPU.isWebGPUAvailable().catch(() => false), timeout])
      clearTimeout(timer)
      return available
    } catch (error) {
      log.debug({ err: error }, 'webgpu unavailable')
      return false
    }
  })()
  return webgpuProbe
}

/** Every mode that works on this machine, best first. */
export async function availableKernelModes(): Promise<KernelMode[]> {
  const modes: KernelMode[] = []
  if (await isWebGpuAvailable()) modes.push('webgpu')
  if (loadGpuJs().GPU.isWebAssemblySupported) modes.push('webasm')
  modes.push('cpu')
  return modes
}

/**
 * The backend aggregation runs on: `mode` when given (it must be available), else the best
 * available — webgpu when an adapter answers, else webasm, else cpu. Logs the choice.
 */
export async function selectKernelBackend(mode?: KernelMode): Promise<KernelBackend> {
  const modes = await availableKernelModes()
  const chosen = mode ?? modes[0]!
  if (!modes.includes(chosen))
    throw new FlError('FL_KERNEL_BACKEND', `gpu.js mode ${chosen} is not available here`, {
      mode: chosen,
      reason: `available: ${modes.join(', ')}`,
    })
  log.info({ mode: chosen, available: modes }, 'kernel backend selected')
  return new KernelBackend(chosen)
}

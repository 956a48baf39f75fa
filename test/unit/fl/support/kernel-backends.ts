import { availableKernelModes, KernelBackend, type KernelMode } from '../../../../src/fl/kernels/backend.js'

/**
 * Call inside a `describe`: before its tests, opens one KernelBackend per mode available on this
 * machine (filling `modes` in place); after them, destroys them.
 */
export function useKernelBackends(): { readonly modes: KernelMode[]; readonly backends: Map<KernelMode, KernelBackend> } {
  const modes: KernelMode[] = []
  const backends = new Map<KernelMode, KernelBackend>()
  before(async () => {
    modes.push(...(await availableKernelModes()))
    for (const mode of modes) backends.set(mode, new KernelBackend(mode))
  })
  after(async () => {
    for (const backend of backends.values()) await backend.destroy()
  })
  return { modes, backends }
}

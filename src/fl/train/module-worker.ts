import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * A worker thread running the ES module at `entry`. Fedra runs its TypeScript through tsx, and
 * a worker does not inherit tsx's loader (neither `--import tsx` nor bin/fedra.js's `register()`
 * reaches a `.ts` entry), so a `.ts` entry is loaded by a one-line bootstrap that registers tsx
 * in the thread first. A failure to load it surfaces as the worker's 'error' event.
 */
export function startModuleWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options)
  const tsx = import.meta.resolve('tsx/esm/api')
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}

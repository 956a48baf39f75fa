import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StatusReport } from '../node/node.js'
import type { DevnetNode } from './layout.js'

const FEDRA_BIN = fileURLToPath(new URL('../../bin/fedra.js', import.meta.url))

/** One `fedra start` child process with its log file in the node's home. */
export class NodeProcess {
  readonly node: DevnetNode
  #child: ChildProcess | null = null
  #exited: Promise<number | null> = Promise.resolve(null)
  #stopping = false
  #onUnexpectedExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null

  readonly #entry: string[]
  readonly #logFile: string

  /**
   * `entry`: what runs instead of `bin/fedra.js start --home HOME` (a benchmark's own node script,
   * a devnet's trainer; `--home HOME` is appended). `logFile`: where its output goes (default
   * HOME/node.log).
   */
  constructor(node: DevnetNode, options: { entry?: string[]; logFile?: string } = {}) {
    this.node = node
    this.#entry = options.entry ?? [FEDRA_BIN, 'start']
    this.#logFile = options.logFile ?? join(node.home, 'node.log')
  }

  /** `bin/fedra.js` with `args`: an entry for a devnet's other processes (trainers, aggregators). */
  static fedra(...args: string[]): string[] {
    return [FEDRA_BIN, ...args]
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  start(env: Record<string, string> = {}): void {
    if (this.running) return
    const log = openSync(this.#logFile, 'a')
    // FEDRA_DEVNET_NODE_ARGS: extra Node flags for every node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
    // (Node refuses --cpu-prof in NODE_OPTIONS).
    const nodeArgs = (process.env.FEDRA_DEVNET_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '')
    const child = spawn(process.execPath, [...nodeArgs, ...this.#entry, '--home', this.node.home], {
      stdio: ['ignore', log, log],
      // Its own process group: a Ctrl-C meant for the devnet script must not reach the nodes twice.
      detached: true,
      env: { ...process.env, FEDRA_LOG_LEVEL: process.env.FEDRA_DEVNET_LOG_LEVEL ?? 'info', FEDRA_LOG_FORMAT: 'json', ...env },
    })
    closeSync(log)
    this.#child = child
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
    this.#stopping = false
    void this.#exited.then((code) => {
      if (!this.#stopping) this.#onUnexpectedExit?.(code, child.signalCode)
    })
  }

  /** Called when the node exits without stop() or kill() asking it to (a crash, a port in use). */
  onUnexpectedExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.#onUnexpectedExit = listener
  }

  /** The last lines of the node's log, for saying why it exited. */
  logTail(lines = 5): string[] {
    return logFileTail(this.#logFile, lines) ?? []
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<number | null> {
    const child = this.#child
    if (child === null || !this.running) return this.#exited
    this.#stopping = true
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    const code = await this.#exited
    clearTimeout(timer)
    return code
  }

  /** kill -9: no clean shutdown, as in a crash. */
  async kill(): Promise<void> {
    if (!this.running) return
    this.#stopping = true
    this.#child!.kill('SIGKILL')
    await this.#exited
  }

  async status(timeoutMs = 1000): Promise<StatusReport | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.node.metricsPort}/status`, { signal: AbortSignal.timeout(timeoutMs) })
      return response.ok ? ((await response.json()) as StatusReport) : null
    } catch {
      return null
    }
  }
}

/** The last `lines` lines of a log file, or null if it cannot be read (not written yet). */
export function logFileTail(file: string, lines: number): string[] | null {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines)
  } catch {
    return null
  }
}

/** Polls until `check` returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** The pids of `pid`'s descendants (ps), children first. */
function descendants(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? ''
  const children = out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
  return children.flatMap((c) => [c, ...descendants(c)])
}

/**
 * `scripts/devnet.ts ARGS` as a child process of a long e2e test, its stdout and stderr gathered
 * in `output`. `stop` sends SIGTERM (the devnet stops its nodes and roles) and waits up to 30 s;
 * if it hangs, it kills by pid what it started (the script and its descendants), nothing else.
 */
export class DevnetScript {
  output = ''
  readonly #child: ChildProcess

  constructor(args: string[], cwd: string) {
    this.#child = spawn(process.execPath, ['--import', TSX, join(REPO, 'scripts/devnet.ts'), ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
  }

  get #exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const started = this.#child.pid === undefined ? [] : descendants(this.#child.pid)
    const exit = new Promise((r) => this.#child.once('exit', r))
    this.#child.kill('SIGTERM')
    await Promise.race([exit, new Promise((r) => setTimeout(r, 30_000).unref())])
    if (this.#exited) return
    for (const pid of [...started.reverse(), this.#child.pid!])
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
  }
}

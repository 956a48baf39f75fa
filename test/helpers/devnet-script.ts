import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadDevnet } from '../../src/devnet/layout.js'

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const SCRIPT = join(resolve('.'), 'scripts/devnet.ts')

/**
 * `npm run devnet -- ARGS` as its own process for a long test, its stdout and stderr collected.
 * `stop()` sends SIGTERM (the devnet stops its nodes and roles), waits at most 30 s, then kills by
 * pid every process the devnet recorded (DIR/roles/*.pid, each node's HOME/node.pid) that is still
 * alive: only what this devnet started, never by name.
 */
export function startDevnetScript(cwd: string, dir: string, args: string[], env: Record<string, string> = {}) {
  let output = ''
  const script: ChildProcess = spawn(process.execPath, ['--import', TSX, SCRIPT, '--dir', dir, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const running = () => script.exitCode === null && script.signalCode === null
  return {
    output: () => output,
    /** The pid a role process of this devnet recorded (DIR/roles/NAME.pid). */
    rolePid: (name: string) => Number(readFileSync(join(dir, 'roles', `${name}.pid`), 'utf8')),
    async stop(): Promise<void> {
      if (running()) {
        script.kill('SIGTERM')
        await Promise.race([new Promise((r) => script.once('exit', r)), new Promise((r) => setTimeout(r, 30_000).unref())])
      }
      if (running()) script.kill('SIGKILL')
      const roles = join(dir, 'roles')
      const files = [
        ...(existsSync(roles)
          ? readdirSync(roles)
              .filter((f) => f.endsWith('.pid'))
              .map((f) => join(roles, f))
          : []),
        ...(loadDevnet(dir)?.nodes.map((n) => join(n.home, 'node.pid')) ?? []),
      ]
      for (const file of files.filter((f) => existsSync(f))) killIfAlive(Number(readFileSync(file, 'utf8')))
    },
  }
}

function killIfAlive(pid: number): void {
  if (!(pid > 0)) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

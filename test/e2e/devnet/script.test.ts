import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type DevnetLayout, loadDevnet } from '../../../src/devnet/layout.js'
import { logFileTail, waitFor } from '../../../src/devnet/process.js'
import type { StatusReport } from '../../../src/node/node.js'
import { tempDir } from '../../helpers/chain.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** The README's transfer block: the lines after its `readme-test: transfer` marker, as written. */
function readmeTransferBlock(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const match = /<!-- readme-test: transfer[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)
  assert.ok(match, 'README.md has no readme-test: transfer block')
  return match[1]!
}

/**
 * `npm run devnet` as a user runs it, in a folder of their own: the script is a real process that
 * starts real node processes. It is started as `scripts/devnet.ts` with tsx (what `npm run devnet`
 * runs), from a temporary folder that links `bin/` so the README's `node bin/fedra.js` lines work.
 */
describe('the devnet script: README transfer, resume, refusals (real processes)', function () {
  this.timeout(240_000)
  const work = tempDir('fedra-e2e-devnet-script-')
  const data = join(work.path, 'devnet-data')
  const args = ['--dir', './devnet-data', '--validators', '2', '--accounts', '4', '--block-time', '100', '--rpc-port', '0', '--no-training']
  let script: ChildProcess | null = null
  let output = ''

  const devnet = (extra: string[] = args) => {
    output = ''
    const child = spawn(process.execPath, ['--import', TSX, join(REPO, 'scripts/devnet.ts'), ...extra], {
      cwd: work.path,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    return child
  }
  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
    )
  const status = async (layout: DevnetLayout, i: number): Promise<StatusReport | null> => {
    try {
      const response = await fetch(`http://127.0.0.1:${layout.nodes[i]!.metricsPort}/status`, { signal: AbortSignal.timeout(1000) })
      return response.ok ? ((await response.json()) as StatusReport) : null
    } catch {
      return null
    }
  }
  const allAt = (height: number) =>
    waitFor(
      `every devnet node at height ${height}`,
      async () => {
        const layout = existsSync(join(data, 'devnet.json')) ? loadDevnet(data) : null
        if (layout === null) return undefined
        const statuses = await Promise.all(layout.nodes.map((_, i) => status(layout, i)))
        return statuses.every((s) => s !== null && s.height >= height) ? { layout, heights: statuses.map((s) => s!.height) } : undefined
      },
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${diagnosis()}`, { cause: error })
    })
  /** What a timed-out wait says about why: the script's last output and each node's last log lines. */
  const diagnosis = (): string => {
    const layout = existsSync(join(data, 'devnet.json')) ? loadDevnet(data) : null
    const logs = (layout?.nodes ?? []).map((node) => {
      const tail = logFileTail(join(data, node.name, 'node.log'), 8)?.join('\n') ?? '(no log)'
      return `--- ${node.name}'s node.log, last lines:\n${tail}`
    })
    return [`--- the script's output, last lines:\n${output.trimEnd().split('\n').slice(-20).join('\n')}`, ...logs].join('\n')
  }
  const stop = async () => {
    if (script === null) return
    script.kill('SIGTERM')
    assert.equal(await exited(script), 0, output)
    script = null
  }

  before(() => symlinkSync(join(REPO, 'bin'), join(work.path, 'bin')))
  after(async () => {
    script?.kill('SIGTERM')
    if (script !== null) await Promise.race([exited(script), new Promise((r) => setTimeout(r, 15_000))])
    // Whatever is left (a script killed mid-way leaves its detached nodes): everything run from here.
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  })

  it("lays out a devnet in --dir, and the README's transfer commands work against it as written", async () => {
    script = devnet()
    await allAt(2)
    assert.match(output, /validator0 +rpc http:\/\/127\.0\.0\.1:\d+\//)
    assert.match(output, /2 validators, 0 full nodes/)
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', readmeTransferBlock()], {
      cwd: work.path,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, FEDRA_NODE: '' },
    })
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`)
    assert.match(run.stdout, /^catching up\s+no$/m)
    assert.match(run.stdout, /^account3\s+fedra1\w+$/m)
    assert.match(run.stdout, /^result\s+ok$/m)
    // account1 started with 10^15 ufdr; the README sends it 1000.
    assert.match(run.stdout, /^ufdr\s+1000000000001000$/m)
  })

  it('stopped and started again with the same command, it resumes its chain and keeps committing', async () => {
    const { layout: before, heights } = await allAt(3)
    await stop()
    const stopped = await Promise.all(before.nodes.map((_, i) => status(before, i)))
    assert.deepEqual(stopped, [null, null], 'the script stops its nodes')
    script = devnet()
    // Back at (at least) the stored height at once, then further: the same chain, not a new one.
    const back = await allAt(1)
    assert.ok(Math.min(...back.heights) >= Math.min(...heights), `restarted at ${back.heights}, stopped at ${heights}`)
    const resumed = await allAt(Math.max(...heights) + 3)
    assert.match(output, /resumed from its stored data/)
    assert.deepEqual(
      resumed.layout.nodes.map((n) => n.peerId),
      before.nodes.map((n) => n.peerId),
      'same keys',
    )
    await stop()
  })

  it('refuses options that conflict with the stored layout, with exit code 2 and what differs', async () => {
    const conflict = devnet(['--dir', './devnet-data', '--validators', '3', '--chain-id', 'other-1', '--no-training'])
    assert.equal(await exited(conflict), 2, output)
    assert.match(
      output,
      /LAYOUT_CONFLICT: .*devnet-data holds a devnet laid out otherwise: --validators 3 \(stored: 2\), --chain-id other-1 \(stored: fedra-devnet-1\)/,
    )
    assert.match(output, /add --reset to start a new one/)
  })

  it('prints the usage, not a stack trace, for a mistyped flag (exit code 2)', async () => {
    const typo = devnet(['--dir', './devnet-data', '--validatrs', '3'])
    assert.equal(await exited(typo), 2)
    assert.match(output, /^error: Unknown option '--validatrs'/m)
    assert.match(output, /^usage: npm run devnet -- \[options\]/m)
    assert.doesNotMatch(output, /at .*\.ts:\d+/)
  })

  it('--reset deletes the stored devnet and lays out a new one', async () => {
    const old = loadDevnet(data)!
    script = devnet(['--dir', './devnet-data', '--reset', '--validators', '1', '--accounts', '1', '--rpc-port', '0', '--no-training'])
    const fresh = await allAt(1)
    assert.equal(fresh.layout.nodes.length, 1)
    assert.notEqual(fresh.layout.nodes[0]!.peerId, old.nodes[0]!.peerId)
    assert.match(output, /1 validator, 0 full nodes/)
    await stop()
  })
})

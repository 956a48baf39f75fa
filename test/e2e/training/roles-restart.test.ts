import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { waitFor } from '../../../src/devnet/process.js'
import { tempDir } from '../../helpers/chain.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/**
 * Issue 20's "both survive a restart of their node" (in `npm test`, about 40 s): a devnet of
 * two validators with trainer1 on validator1 (both trainers training in worker threads); validator1 is SIGKILLed after
 * the second round and started again a few seconds later (the chain halts meanwhile: two
 * validators need both). The trainer reconnects on its own and its updates are in the rounds
 * after the restart; the devnet finishes its rounds.
 */
describe('roles survive a restart of their node (real processes)', function () {
  this.timeout(600_000)
  const work = tempDir('fedra-e2e-restart-')
  const dir = join(work.path, 'devnet')
  let script: ChildProcess | null = null
  let restarted: ChildProcess | null = null
  let output = ''

  after(async () => {
    script?.kill('SIGTERM')
    restarted?.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 5_000))
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  })

  it("trainer1's node is killed and restarted mid-run: trainer1 reconnects and its updates are in the later rounds", async () => {
    // The trainers train in worker threads (--worker): the follower that reconnects is the main thread's.
    const args = [
      '--dir',
      dir,
      '--validators',
      '2',
      '--trainers',
      '2',
      '--rows',
      '2000',
      '--rpc-port',
      '0',
      '--rounds',
      '6',
      '--scoring',
      'none',
      '--worker',
    ]
    script = spawn(process.execPath, ['--import', TSX, join(REPO, 'scripts/devnet.ts'), ...args], {
      cwd: work.path,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((r) => script!.once('exit', (code) => r(code)))
    await waitFor('round 2 reported', async () => /^\[ROUND 2\/6\]/m.test(output), 300_000, 200)
    const home = join(dir, 'validator1')
    const killed = spawnSync('pkill', ['-9', '-f', `start --home ${home}$`])
    assert.equal(killed.status, 0, 'validator1 was running')
    // Down for 4 s: the perturbation itself (the chain halts meanwhile), not a wait for a condition.
    await new Promise((r) => setTimeout(r, 4_000))
    const log = openSync(join(home, 'node.log'), 'a')
    restarted = spawn(process.execPath, [join(REPO, 'bin/fedra.js'), 'start', '--home', home], {
      stdio: ['ignore', log, log],
      detached: true,
      env: { ...process.env, FEDRA_LOG_FORMAT: 'json' },
    })
    closeSync(log)
    assert.equal(await exited, 0, output)
    const rounds = [
      ...output.matchAll(/^\[ROUND (\d)\/6\] chain round (\d+) · updates (\d+) · (.*?)(?: · test accuracy (0\.\d+))? · height/gm),
    ]
    assert.equal(rounds.length, 6, output)
    // After the restart both trainers are in again (the last two rounds at least).
    assert.deepEqual(
      rounds.slice(-2).map((r) => r[3]),
      ['2', '2'],
      output,
    )
    const trainerLog = readFileSync(join(dir, 'roles', 'trainer1.log'), 'utf8')
    assert.match(trainerLog, /step failed; retrying on the next block/, 'trainer1 saw its node go')
    assert.match(trainerLog, /node reachable again/, 'and come back')
    assert.match(trainerLog, /"worker":true.*"msg":"trainer started"|trainer started.*"worker":true/, 'it trained in a worker thread')
  })
})

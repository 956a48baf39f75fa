import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tempDir } from '../helpers/chain.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/**
 * Issue 21's end-to-end run (`npm run e2e:contribution`, not in `npm test`: two 10-round devnets,
 * several minutes): 10 trainers of which 30 % attack — one sign-flips, one copies another
 * trainer's update, one submits zero updates — against a clean run of the same devnet. The
 * figures are the ones the devnet prints from chain state (receipts, payouts, reputations,
 * rejected updates) and from the models it fetched and evaluated.
 */
describe('proof of contribution on a devnet: attackers lose reputation, rewards and bond (real processes)', function () {
  this.timeout(1_200_000)
  const work = tempDir('fedra-e2e-contribution-')
  let script: ChildProcess | null = null
  const outputs: Record<string, string> = {}

  const run = (name: string, extra: string[]) =>
    new Promise<string>((resolveRun, reject) => {
      let output = ''
      const args = [
        '--dir',
        join(work.path, name),
        '--validators',
        '2',
        '--trainers',
        '10',
        '--rows',
        '7000',
        '--rpc-port',
        '0',
        '--rounds',
        '10',
        '--rule',
        'median',
        ...extra,
      ]
      script = spawn(process.execPath, ['--import', TSX, join(REPO, 'scripts/devnet.ts'), ...args], {
        cwd: work.path,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      script.once('exit', (code) => {
        script = null
        outputs[name] = output
        if (code === 0) resolveRun(output)
        else reject(new Error(`devnet ${name} exited ${code}:\n${output}`))
      })
    })

  after(async () => {
    const left = script as ChildProcess | null
    if (left !== null) {
      left.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 10_000))
    }
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  })

  const finalAccuracy = (output: string) => Number(/^final test accuracy (0\.\d{4})/m.exec(output)?.[1] ?? 'NaN')
  const standings = (output: string) =>
    [...output.matchAll(/^(trainer\d+) +(\S+) +(0\.\d{4}|1\.0000) +([\d.]+) FDR +([\d.]+) FDR +(\d+)$/gm)].map((m) => ({
      name: m[1]!,
      attack: m[2] === '—' ? null : m[2]!,
      reputation: Number(m[3]),
      rewards: Number(m[4]),
      slashed: Number(m[5]),
      freeRides: Number(m[6]),
    }))

  it('a clean run and a run with 30 % attackers: attackers below every honest trainer within 3 rounds, ≤ 5 % of rewards, free-riders slashed, accuracy within 2 points', async () => {
    const clean = await run('clean', [])
    const attacked = await run('attacked', ['--attackers', '0.1:signflip,0.1:copy,0.1:freeride'])
    const rows = standings(attacked)
    assert.equal(rows.length, 10, attacked)
    assert.deepEqual(
      rows
        .filter((r) => r.attack !== null)
        .map((r) => r.attack)
        .sort(),
      ['copy', 'freeride', 'signflip'],
    )
    const share = Number(/^attackers' share of trainer rewards: ([\d.]+) %$/m.exec(attacked)?.[1] ?? 'NaN')
    assert.ok(share <= 5, `attackers got ${share} % of trainer rewards\n${attacked}`)
    const from = /^reputation: every attacker below every honest trainer from round (\d+)$/m.exec(attacked)
    assert.ok(from !== null && Number(from[1]) <= 3, `reputations did not separate within 3 rounds\n${attacked}`)
    for (const r of rows.filter((x) => x.attack === 'copy' || x.attack === 'freeride')) {
      assert.ok(r.freeRides >= 1 && r.slashed > 0, `${r.name} (${r.attack}) was not caught and slashed\n${attacked}`)
    }
    const [a, c] = [finalAccuracy(attacked), finalAccuracy(clean)]
    assert.ok(a >= c - 0.02, `final accuracy ${a} with attackers vs ${c} clean\n${attacked}`)
    // The figures of record (docs/reputation.md quotes them).
    process.stdout.write(
      `      attackers' share ${share} %, apart from round ${from![1]}, accuracy ${a} attacked vs ${c} clean; ${rows.map((r) => `${r.name}${r.attack === null ? '' : `(${r.attack})`} ${r.reputation} ${r.rewards} FDR −${r.slashed}`).join(', ')}\n`,
    )
  })
})

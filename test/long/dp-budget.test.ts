import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ClientError, FedraClient, buildTx, messages } from '../../src/client/index.js'
import { sha256 } from '../../src/crypto/hash.js'
import { devnetAccount, loadDevnet } from '../../src/devnet/layout.js'
import { waitFor } from '../../src/devnet/process.js'
import { type UpdateDtype, encodeUpdateBlob } from '../../src/fl/update/blob.js'
import { TRAINING_ERRORS, submitUpdateGas } from '../../src/modules/training/index.js'
import { NodeBlobs } from '../../src/roles/node-blobs.js'
import { tempDir } from '../helpers/chain.js'
import { fedraCli } from '../helpers/fedra-cli.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const TRAINERS = 2
/** Noise multiplier 1 (ρ = 0.5 a round), budget ε 10 at δ 1e-5: ε after 3 rounds 9.81, after 4 11.60, so 3 rounds. */
const DP = '1:10'
const BUDGET_ROUNDS = 3
/** Refusals that only mean the probe missed its round's submit window (it tries the next round). */
const MISSED: readonly number[] = [TRAINING_ERRORS.WRONG_ROUND, TRAINING_ERRORS.ROUND_CLOSED, TRAINING_ERRORS.OUTSIDE_WINDOW]

/**
 * Issue 28's DP part end to end, on real processes (`npm run e2e:dp`; not in `npm test`): a devnet
 * whose subnet 0 is created with a DP policy (`npm run devnet -- --dp 1:10`) trains with two
 * trainer daemons that read the policy and add its noise; the three rounds the budget holds end with
 * verified aggregates; then each trainer sees from the ledger that the next round is not covered,
 * says so and exits without uploading; an update sent to that round anyway (a random vector, from a
 * trainer's key) is refused with training/103 DP_BUDGET_EXHAUSTED; the round closes without a
 * version, and `fedra query dp-ledger 0` shows the budget spent.
 */
describe('a DP subnet stops accepting rounds when its ε budget is spent (real processes)', function () {
  this.timeout(420_000)
  const work = tempDir('fedra-e2e-dp-')
  const dir = join(work.path, 'devnet')
  let script: ChildProcess | null = null
  let output = ''
  let client: FedraClient | undefined

  after(async () => {
    client?.close()
    script?.kill('SIGTERM')
    const exited = script === null || script.exitCode !== null || script.signalCode !== null
    // The devnet stops its nodes and roles on SIGTERM; bounded, then whatever is left is killed.
    if (!exited) await Promise.race([new Promise((r) => script!.once('exit', r)), new Promise((r) => setTimeout(r, 30_000).unref())])
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  })

  const cli = (args: string[], url: string) => fedraCli(args, dir, url)

  it('trains the rounds the budget holds, then the trainers stop, the next round is refused (103) and closes without a version', async () => {
    const started = Date.now()
    const args = ['--dir', dir, '--validators', '2', '--trainers', String(TRAINERS), '--rows', '2000', '--rpc-port', '0']
    args.push('--scoring', 'none', '--dp', DP)
    script = spawn(process.execPath, ['--import', TSX, join(REPO, 'scripts/devnet.ts'), ...args], {
      cwd: work.path,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor(
      `${BUDGET_ROUNDS} rounds of subnet 0`,
      async () => new RegExp(`^\\[ROUND ${BUDGET_ROUNDS}\\]`, 'm').test(output),
      240_000,
      250,
    )
    assert.match(output, /DP policy: clip norm 1, noise multiplier 1, budget ε 10 at δ 0\.00001/, output)
    const url = `http://127.0.0.1:${loadDevnet(dir)!.nodes[0]!.rpcPort}/`
    client = new FedraClient({ url, timeoutMs: 60_000 })
    const c = client

    // 1. The rounds the budget holds: every trainer's noisy update in, the aggregate verified.
    for (let r = 0; r < BUDGET_ROUNDS; r++) {
      const round = await c.call('round_get', { subnet: '0', round: String(r) })
      assert.notEqual(round.version, null, `round ${r} made a version`)
      assert.equal(round.rejections.length, 0, `round ${r}: no aggregate rejected`)
      assert.equal((await c.call('round_updates', { subnet: '0', round: String(r) })).updates.length, TRAINERS, `round ${r}`)
    }

    // 2. The trainers find the next round uncovered, say why, and exit 0 (the devnet reports the exits).
    await waitFor(
      'both trainer daemons to exit',
      async () => Array.from({ length: TRAINERS }, (_, i) => new RegExp(`trainer${i} exited \\(code 0\\)`).test(output)).every(Boolean),
      60_000,
      250,
    )
    for (let i = 0; i < TRAINERS; i++) {
      const log = readFileSync(join(dir, 'roles', `trainer${i}.log`), 'utf8')
      assert.match(
        log,
        new RegExp(`DP budget of subnet 0 exhausted .*round ${BUDGET_ROUNDS} would be refused; this trainer stops training for subnet 0`),
        log,
      )
    }

    // 3. An update sent to an uncovered round anyway is refused by the chain: training/103.
    const blobs = new NodeBlobs(url)
    const { parameter_count } = await c.call('subnet_get', { id: '0' })
    const gasPerCoordinate = BigInt((await c.call('training_params', {})).gas_per_coordinate)
    const n = Number(parameter_count)
    const values = Int32Array.from({ length: n }, (_, i) => ((Math.imul(i + 1, 2654435761) >>> 0) % 201) - 100) // not zero, not a copy
    const refused = await waitFor(
      'an update refused with DP_BUDGET_EXHAUSTED',
      async () => {
        const round = await c.call('round_get', { subnet: '0' })
        if (round.phase !== 'submit') return false
        const dtype = round.quantization.dtype as UpdateDtype
        const blob = encodeUpdateBlob({ dtype, shape: [n], scale: round.quantization.scale, values })
        const msg = messages.trainingSubmitUpdate({
          subnet: 0n,
          round: BigInt(round.round),
          updateCid: await blobs.put(blob),
          sampleCount: 100,
          byteSize: blob.length,
          deviceIdHash: sha256(new TextEncoder().encode('dp-e2e-probe')),
          epochId: BigInt(round.round),
          claimedMetrics: [],
        })
        const gasLimit = submitUpdateGas(n, dtype, round.max_updates - 1, gasPerCoordinate) + 400_000n
        try {
          const tx = await buildTx(c, devnetAccount(1), [msg], { fee: 200n, gasLimit })
          const answer = await c.broadcastTx(tx, 'commit', 30_000)
          const result = answer.result
          if (result?.codespace === 'training' && MISSED.includes(result.code)) return false // the window closed meanwhile
          assert.equal(`${result?.codespace}/${result?.code}`, `training/${TRAINING_ERRORS.DP_BUDGET_EXHAUSTED}`, JSON.stringify(result))
          return { round: BigInt(round.round), log: result!.log }
        } catch (error) {
          const data = error instanceof ClientError ? (error.context.data as { codespace?: string; code?: number } | undefined) : undefined
          if (error instanceof ClientError && error.is('TX_REJECTED') && data?.codespace === 'training' && MISSED.includes(data.code ?? -1))
            return false // refused at admission: the window closed meanwhile
          throw error
        }
      },
      90_000,
      300,
    )
    assert.ok(refused.round >= BigInt(BUDGET_ROUNDS), `refused in round ${refused.round}`)
    assert.match(refused.log, /past its budget ε = 10/)

    // 4. That round closes without updates or a version; no model version past the budget.
    const closed = await waitFor(
      `round ${refused.round} to close`,
      async () => {
        const round = await c.call('round_get', { subnet: '0', round: String(refused.round) })
        return round.closed ? round : false
      },
      60_000,
      300,
    )
    assert.equal(closed.version, null)
    assert.equal((await c.call('round_updates', { subnet: '0', round: String(refused.round) })).updates.length, 0)
    const { versions } = await c.call('model_versions', { subnet: '0' })
    assert.equal(versions.length, 1 + BUDGET_ROUNDS, 'the initial model and one version per covered round')

    // 5. The ledger, through the CLI as a user reads it: three rounds charged, nothing left.
    const ledger = JSON.parse(await cli(['query', 'dp-ledger', '0', '--json'], url)) as {
      rounds: string
      epsilon: string
      rounds_left: string
      policy: { target_epsilon: string; noise_multiplier: string; from_round: string }
    }
    assert.deepEqual(
      [ledger.rounds, ledger.rounds_left, ledger.policy.noise_multiplier, ledger.policy.target_epsilon, ledger.policy.from_round],
      [String(BUDGET_ROUNDS), '0', '1', '10', '0'],
    )
    assert.ok(Number(ledger.epsilon) > 9.8 && Number(ledger.epsilon) <= 10, `ε spent ${ledger.epsilon}`)
    assert.match(await cli(['query', 'dp-ledger', '0'], url), /rounds left\s+0/)
    for (const line of output.match(/^\[ROUND \d+\].*$/gm) ?? []) process.stdout.write(`      ${line}\n`)
    process.stdout.write(
      `      dp e2e: ${BUDGET_ROUNDS} rounds, ε spent ${ledger.epsilon}, round ${refused.round} refused; ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    )
  })
})

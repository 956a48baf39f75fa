import assert from 'node:assert/strict'
import { join } from 'node:path'
import { HarnessRun, type RunResult, formatResult, loadManifest } from '../../../src/harness/index.js'
import { tempDir } from '../../helpers/chain.js'

const MANIFEST = join(import.meta.dirname, '..', 'manifests', 'short.toml')

/**
 * The fault harness in `npm test` (issue 26): four validators as real processes, every link
 * through the harness's proxies, under load: a kill and restart, an isolated validator healed,
 * a byzantine peer, two crash-consistency kills and a twin; then every check over RPC. The
 * longer manifests run by npm scripts (docs/reliability.md).
 */
describe('fault harness: the short manifest on real processes', function () {
  this.timeout(420_000)
  const dir = tempDir('fedra-e2e-harness-')
  let result: RunResult
  let run: HarnessRun

  before(async () => {
    run = new HarnessRun(loadManifest(MANIFEST), { dir: dir.path })
    result = await run.run()
  })
  after(async () => {
    // A run cut short by mocha's timeout still has its processes: kill them before removing their homes.
    await run?.abort()
    dir.remove()
  })

  it('applies every step of the schedule', () => {
    assert.deepEqual(
      result.steps.map((s) => [s.kind, s.ok]),
      [
        ['wait', true],
        ['kill', true],
        ['partition', true],
        ['byzantine', true],
        ['crash', true],
        ['twin', true],
      ],
      formatResult(result),
    )
  })

  it('passes every check: one chain, no double sign but the twin, transfers once, restarts whole, invariants', () => {
    const failed = result.checks.filter((c) => !c.ok)
    assert.deepEqual(failed, [], formatResult(result))
    for (const name of ['agreement', 'no-double-sign', 'txs-exactly-once', 'restarts', 'invariants', 'no-unexpected-exit', 'all-answer']) {
      assert.ok(
        result.checks.some((c) => c.name === name),
        `check ${name} ran`,
      )
    }
    assert.ok(result.figures.acceptedTxs > 0, 'the load got transfers in')
  })

  it("finds the twin's double sign and has it slashed and tombstoned", () => {
    assert.match(result.steps.find((s) => s.kind === 'twin')!.detail, /validator2 double-signed, slashed \d+ ufdr, jailed and tombstoned/)
    assert.match(result.checks.find((c) => c.name === 'no-double-sign')!.detail, /\(validator2\)/)
  })
})

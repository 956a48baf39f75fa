import assert from 'node:assert/strict'
import { HarnessRun, parseManifest } from '../../../src/harness/index.js'
import { tempDir } from '../../helpers/chain.js'

// Two of four validators held back: the two started can never commit, so the first wait times out.
const STUCK = `
name = "stuck"
seed = 3
block_time_ms = 100

[network]
validators = [10, 10, 10, 10]
late = ["validator2", "validator3"]

[checks]
progress_timeout_ms = 1000

[[step]]
kind = "wait"
blocks = 1
`

/**
 * A run that stops on a wait that timed out says why in its failed check: each node's state and
 * last log lines, beside what it waited for (a chain stuck at height 0 under load once left only
 * "timed out after 90000 ms waiting for every started node at height 2").
 */
describe('fault harness: a run stuck at start (real processes)', function () {
  this.timeout(120_000)
  const dir = tempDir('fedra-e2e-harness-stuck-')
  let run: HarnessRun
  after(async () => {
    await run?.abort()
    dir.remove()
  })

  it("fails with each node's state and last log lines", async () => {
    run = new HarnessRun(parseManifest(STUCK, 'toml'), { dir: dir.path, out: () => {} })
    const result = await run.run()
    assert.equal(result.ok, false)
    const failed = result.checks.find((c) => c.name === 'run')
    assert.ok(failed !== undefined && !failed.ok, JSON.stringify(result.checks))
    assert.match(failed.detail, /timed out after 1000 ms waiting for every started node at height 2/)
    // What a started node has logged by then depends on the machine: its state and the heading are certain.
    for (const name of ['validator0', 'validator1'])
      assert.match(failed.detail, new RegExp(`${name} \\(running\\), last lines of node.log:\\n {4}`))
    for (const name of ['validator2', 'validator3'])
      assert.match(failed.detail, new RegExp(`${name} \\(not started\\), last lines of node.log:\\n {4}\\(none\\)`))
  })
})

import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type LastSigned, decodeSignerState } from '../../../src/consensus/index.js'
import { createDevnet, type DevnetLayout } from '../../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../../src/devnet/process.js'
import { tempDir } from '../../helpers/chain.js'

const KILLS = 4

/** (height, round, step) as one comparable number: the order the signer guard keeps. */
const rank = (s: LastSigned): number => s.height * 1e6 + s.round * 10 + { proposal: 1, prevote: 2, precommit: 3 }[s.step]

/**
 * kill -9 at the worst moment, again and again: validator3 is SIGKILLed right after its signer
 * state file moved (it has just signed), restarted, and killed again after its next signature.
 * Its last-signed record never goes back, no honest node ever sees it vote twice (no duplicate-vote
 * evidence in any log), and it ends on the others' tip.
 */
describe('kill -9 loop: a validator killed right after signing never signs twice', function () {
  this.timeout(240_000)
  const dir = tempDir('fedra-e2e-kill-')
  let layout: DevnetLayout
  let nodes: NodeProcess[] = []

  before(async () => {
    // No downtime jailing: the victim misses most blocks by design, and a jailed validator leaves the set and stops signing.
    layout = await createDevnet({
      dir: dir.path,
      validators: 4,
      fullNodes: 0,
      chainId: 'fedra-e2e-kill',
      commitDelayMs: 100,
      accounts: 1,
      appState: { slashing: { params: { min_signed_per_window: '0' } } },
    })
    nodes = layout.nodes.map((node) => new NodeProcess(node))
  })

  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()))
    dir.remove()
  })

  it(`survives ${KILLS} SIGKILLs right after a signature with no double sign`, async () => {
    const victim = nodes[3]!
    const statePath = join(victim.node.home, 'config', 'priv_validator_state.json')
    const readState = (): LastSigned | null =>
      existsSync(statePath) ? decodeSignerState(readFileSync(statePath, 'utf8'), statePath) : null
    for (const node of nodes) node.start()
    await waitFor('validator3 signed', async () => readState() !== null, 60_000, 20)
    let last = readState()!
    for (let k = 0; k < KILLS; k++) {
      // The moment it has signed something new: kill it before it can do anything else.
      const signed = await waitFor(
        `validator3 signs after restart ${k}`,
        async () => {
          const now = readState()
          return now !== null && rank(now) > rank(last) ? now : undefined
        },
        60_000,
        5,
      )
      await victim.kill()
      const after = readState()!
      assert.ok(rank(after) >= rank(signed), `state file went back from ${JSON.stringify(signed)} to ${JSON.stringify(after)}`)
      last = after
      victim.start()
    }
    const tip = await waitFor(
      "validator3 on the others' tip",
      async () => {
        const [a, b] = [await nodes[0]!.status(), await victim.status()]
        return a !== null && b !== null && b.height >= a.height && a.height > last.height ? a : undefined
      },
      90_000,
    )
    assert.ok(tip.height > last.height)
    for (const node of nodes) {
      const log = readFileSync(join(node.node.home, 'node.log'), 'utf8')
      assert.ok(!log.includes('duplicate vote'), `${node.node.name} saw a duplicate vote`)
    }
    assert.ok(rank(readState()!) >= rank(last))
  })
})

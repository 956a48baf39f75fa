import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ConsensusMessage, FileWal, blockId } from '../../../src/consensus/index.js'
import { blockBy, countingVerifier, driverFor, indexOf, keys, ownVotes, peers, proposalOf, self, voteFrom } from './driver-harness.js'
import { SIM_PARAMS } from '../../simulation/sim/scenario.js'
import { proposer } from '../../../src/consensus/index.js'

const KB = 1024

// One Byzantine validator floods an honest node (issue 16): what the core would not keep must
// cost the node neither WAL bytes nor memory, and a repeat must not even be verified again.
describe('consensus driver under a flood from one validator', function () {
  this.timeout(60_000)
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-dos-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('200 × 100 kB proposals from a non-proposer beyond the round limit leave the WAL and the block map as they were', () => {
    const wal = new FileWal(join(dir, 'wal'))
    const driver = driverFor({ wal })
    driver.start()
    const before = statSync(wal.path).size
    // A validator that is neither self nor proposer of those rounds signs proposals for rounds past maxRoundsAhead.
    const byzantine = peers.find((i) => i !== self)!
    for (let n = 0; n < 200; n++) {
      const round = SIM_PARAMS.maxRoundsAhead + 1 + n
      const { proposal, block } = proposalOf(byzantine, blockBy(byzantine, { txBytes: [100 * KB], marker: `flood${n}` }), round)
      driver.receive(keys[byzantine]!.address, { type: 'proposal', proposal, block })
    }
    const grown = statSync(wal.path).size - before
    assert.ok(grown < 4 * KB, `WAL grew by ${grown} bytes`)
    assert.equal(driver.retainedBlocks, 0)
    wal.close()
  })

  it('its own rounds beyond the proposal window, and twins of a kept proposal, are not kept either', () => {
    const wal = new FileWal(join(dir, 'wal'))
    const driver = driverFor({ wal })
    driver.start()
    const state = driver.coreState
    let sent = 0
    // Every round up to 200 whose proposer is not self, each proposal signed by that round's real proposer, 3 twins each.
    for (let round = 0; round < 200; round++) {
      const builder = indexOf(proposer(state as Parameters<typeof proposer>[0], round))
      if (builder === self) continue
      for (let twin = 0; twin < 3; twin++) {
        const { proposal, block } = proposalOf(builder, blockBy(builder, { txBytes: [100 * KB], marker: `r${round}t${twin}` }), round)
        driver.receive(keys[builder]!.address, { type: 'proposal', proposal, block })
        sent++
      }
    }
    assert.ok(sent > 300)
    assert.ok(driver.retainedBlocks <= 3, `${driver.retainedBlocks} blocks kept`)
    const size = statSync(wal.path).size
    assert.ok(size < 4 * 110 * KB, `WAL is ${size} bytes`)
    wal.close()
  })

  it('a vote repeated past the per-slot cap is verified and logged once, not once per copy', () => {
    const wal = new FileWal(join(dir, 'wal'))
    const verifier = countingVerifier()
    const driver = driverFor({ wal, verifier })
    driver.start()
    const byzantine = peers[0]!
    // Five conflicting prevotes in one slot (the cap keeps three), each sent 100 times.
    const votes = [null, ...[1, 2, 3, 4].map((i) => String(i).repeat(64))].map((v) => voteFrom(byzantine, 'prevote', v, 1))
    for (let copy = 0; copy < 100; copy++) for (const vote of votes) driver.receive(keys[byzantine]!.address, { type: 'vote', vote })
    assert.equal(verifier.checks, 3, 'only the votes the slot keeps are verified')
    const logged = wal.entries().filter((e) => e.kind === 'input' && e.input.kind === 'vote').length
    assert.equal(logged, 3)
    wal.close()
  })

  it('the next-height buffer holds one proposal per (height, round, proposer) and a flood stays under its byte bound', () => {
    const limits = { maxBytes: 4 * 1024 * KB, maxBytesPerSigner: 512 * KB }
    const driver = driverFor({ futureLimits: limits })
    driver.start()
    const byzantine = peers[0]!
    // 1,000 × 200 kB proposals for height 2: rounds 0..999, and twins for round 0.
    for (let n = 0; n < 1000; n++) {
      const round = n < 500 ? n % 3 : n
      const { proposal, block } = proposalOf(byzantine, blockBy(byzantine, { height: 2, txBytes: [200 * KB], marker: `f${n}` }), round)
      driver.receive(keys[byzantine]!.address, { type: 'proposal', proposal, block })
      assert.ok(driver.futureBytes <= limits.maxBytesPerSigner, `after ${n + 1}: ${driver.futureBytes} bytes held`)
    }
    assert.ok(driver.futureBytes <= 2 * 201 * KB, 'one per round 0, 1 (2 fit the signer bound)')
    // The honest validators' messages for height 2 still find room.
    const honest = peers.find((i) => i !== byzantine)!
    const before = driver.futureBytes
    driver.receive(keys[honest]!.address, { type: 'vote', vote: voteFrom(honest, 'prevote', null, 0, 2) })
    const { proposal, block } = proposalOf(honest, blockBy(honest, { height: 2, txBytes: [200 * KB] }), 0)
    driver.receive(keys[honest]!.address, { type: 'proposal', proposal, block })
    assert.ok(driver.futureBytes > before + 200 * KB)
  })

  it('tells gossip which messages it would drop, so they are not relayed: a non-proposer, a round past the window, a repeat', () => {
    const driver = driverFor()
    driver.start()
    const real = indexOf(proposer(driver.coreState as Parameters<typeof proposer>[0], 0))
    const impostor = peers.find((i) => i !== real)!
    const fresh = proposalOf(real, blockBy(real), 0)
    assert.equal(driver.admits({ type: 'proposal', ...fresh }), true)
    assert.equal(driver.admits({ type: 'proposal', ...proposalOf(impostor, blockBy(impostor), 0) }), false)
    assert.equal(driver.admits({ type: 'proposal', ...proposalOf(real, blockBy(real), SIM_PARAMS.maxRoundsAhead + 5) }), false)
    const vote = voteFrom(impostor, 'prevote', null)
    assert.equal(driver.admits({ type: 'vote', vote }), true)
    driver.receive(keys[impostor]!.address, { type: 'vote', vote })
    assert.equal(driver.admits({ type: 'vote', vote }), false, 'already counted')
  })

  it("the next-height buffer refuses forged messages, so nobody can spend an honest signer's share", () => {
    const driver = driverFor()
    driver.start()
    const honest = peers[1]!
    const forged = { ...voteFrom(honest, 'prevote', null, 0, 2), signature: new Uint8Array(16) }
    driver.receive(keys[peers[0]!]!.address, { type: 'vote', vote: forged })
    assert.equal(driver.futureBytes, 0)
  })

  it('a fresh proposal whose header names another proposer is not kept, not logged and not prevoted', () => {
    const sent: ConsensusMessage[] = []
    const wal = new FileWal(join(dir, 'wal'))
    const driver = driverFor({ wal, sent })
    driver.start()
    const builder = indexOf(proposer(driver.coreState as Parameters<typeof proposer>[0], 0))
    const other = peers.find((i) => i !== builder)!
    const block = blockBy(builder, { headerProposer: other })
    const { proposal } = proposalOf(builder, block, 0)
    driver.receive(keys[builder]!.address, { type: 'proposal', proposal, block })
    assert.equal(driver.retainedBlocks, 0)
    assert.equal(wal.entries().length, 1, 'only the height marker')
    assert.ok(!ownVotes(sent).some((v) => v.valueId === blockId(block.header)))
    wal.close()
  })
})

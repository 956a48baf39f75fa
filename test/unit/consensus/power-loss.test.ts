import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type ConsensusMessage,
  ConsensusError,
  FileSignerState,
  FileWal,
  blockId,
  decodeSignerState,
  encodeSignerState,
} from '../../../src/consensus/index.js'
import { SimApplication } from '../../simulation/sim/app.js'
import { GENESIS, blockBy, driverFor, keys, manualClock, peers, proposalOf, proposerIndex, self, sets, voteFrom } from './driver-harness.js'

/** Everything `self` signed over all of its lives: one value per (height, round, step), or the test fails. */
class SignedLedger {
  readonly #values = new Map<string, string>()
  readonly conflicts: string[] = []
  count = 0

  record(sent: readonly ConsensusMessage[]): void {
    for (const m of sent) {
      let key: string
      let value: string
      if (m.type === 'vote' && m.vote.validator === keys[self]!.address) {
        key = `${m.vote.height}/${m.vote.round}/${m.vote.type}`
        value = m.vote.valueId ?? 'nil'
      } else if (m.type === 'proposal' && m.proposal.proposer === keys[self]!.address) {
        key = `${m.proposal.height}/${m.proposal.round}/proposal`
        value = `${m.proposal.valueId}/${m.proposal.polRound}`
      } else {
        continue
      }
      this.count++
      const before = this.#values.get(key)
      if (before === undefined) this.#values.set(key, value)
      else if (before !== value) this.conflicts.push(`${key}: ${before.slice(0, 8)} and ${value.slice(0, 8)}`)
    }
  }

  has(key: string): boolean {
    return this.#values.has(key)
  }
}

const app0 = (): SimApplication => new SimApplication('sim', keys[self]!.address, sets, GENESIS)
const proposerOf1 = keys[proposerIndex]!.address
/** The honest proposal of height 1, round 0, and a twin the (Byzantine) proposer signs for the same slot. */
const v = proposalOf(proposerIndex, blockBy(proposerIndex, { marker: 'v' }))
const w = proposalOf(proposerIndex, blockBy(proposerIndex, { marker: 'w' }))

// Power-loss states written as a crash leaves them (issue 16): the signer state file beside the
// key is fsync'd on every signature, the WAL and the block store may be older, newer or gone.
describe('no double sign after a power loss or a lost WAL', () => {
  let dir: string
  let walPath: string
  let statePath: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-power-'))
    walPath = join(dir, 'data', 'cs.wal', 'wal')
    statePath = join(dir, 'config', 'priv_validator_state.json')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  /** One life of the node: a fresh driver over the files in `dir`. */
  function life(app: SimApplication, sent: ConsensusMessage[], clock = manualClock()) {
    const wal = new FileWal(walPath)
    const driver = driverFor({ app, wal, signerState: new FileSignerState(statePath), sent, clock })
    driver.start()
    return { driver, wal, clock }
  }

  it('state at H−1 with the WAL at H+1 (the block commit was lost): signs nothing at H', () => {
    const ledger = new SignedLedger()
    const sent: ConsensusMessage[] = []
    const first = life(app0(), sent)
    first.driver.receive(proposerOf1, { type: 'proposal', ...v })
    for (const i of peers) first.driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', v.proposal.valueId) })
    for (const i of peers) first.driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'precommit', v.proposal.valueId) })
    assert.equal(first.driver.height, 2, 'decided height 1')
    first.clock.fireAll() // height 2 round 0 times out: it signs there too
    first.driver.stop()
    first.wal.close()
    ledger.record(sent)
    assert.ok(ledger.has('1/0/prevote') && ledger.has('1/0/precommit'))

    // Power cut: the state store lost block 1 (not synced), the WAL and the state file are at height 2.
    const again: ConsensusMessage[] = []
    const second = life(app0(), again)
    assert.equal(second.driver.height, 1)
    second.driver.receive(proposerOf1, { type: 'proposal', ...w })
    for (const i of peers) second.driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', null) })
    second.clock.fireAll()
    second.driver.stop()
    second.wal.close()
    ledger.record(again)
    assert.deepEqual(ledger.conflicts, [])
    assert.ok(
      !again.some((m) => m.type === 'vote' && m.vote.validator === keys[self]!.address && m.vote.height === 1),
      'nothing signed at height 1',
    )
  })

  it('WAL deleted: the state file alone keeps it from prevoting a twin proposal in the slot it signed', () => {
    const ledger = new SignedLedger()
    const sent: ConsensusMessage[] = []
    const first = life(app0(), sent)
    first.driver.receive(proposerOf1, { type: 'proposal', ...v })
    first.driver.stop()
    first.wal.close()
    ledger.record(sent)
    assert.ok(ledger.has('1/0/prevote'))

    rmSync(walPath)
    const again: ConsensusMessage[] = []
    const second = life(app0(), again)
    second.driver.receive(proposerOf1, { type: 'proposal', ...w })
    second.clock.fireAll()
    second.driver.stop()
    second.wal.close()
    ledger.record(again)
    assert.deepEqual(ledger.conflicts, [])
  })

  it('an older WAL restored: what it forgot signing is not signed again with other content', () => {
    const ledger = new SignedLedger()
    const sent: ConsensusMessage[] = []
    const first = life(app0(), sent)
    first.driver.receive(proposerOf1, { type: 'proposal', ...v })
    copyFileSync(walPath, join(dir, 'wal.old')) // a backup taken right after the prevote
    for (const i of peers.slice(0, 2))
      first.driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', v.proposal.valueId) })
    first.driver.stop()
    first.wal.close()
    ledger.record(sent)
    assert.ok(ledger.has('1/0/precommit'), 'locked and precommitted v')

    copyFileSync(join(dir, 'wal.old'), walPath)
    const again: ConsensusMessage[] = []
    const second = life(app0(), again)
    // Without the precommit in its WAL it would follow a nil polka to a nil precommit in round 0.
    for (const i of peers) second.driver.receive(keys[i]!.address, { type: 'vote', vote: voteFrom(i, 'prevote', null) })
    second.driver.stop()
    second.wal.close()
    ledger.record(again)
    assert.deepEqual(ledger.conflicts, [])
  })

  it('re-sends the very message of the last signed slot after losing the WAL, with the same signature', () => {
    const sent: ConsensusMessage[] = []
    const first = life(app0(), sent)
    first.driver.receive(proposerOf1, { type: 'proposal', ...v })
    first.driver.stop()
    first.wal.close()
    const prevote = sent.find((m) => m.type === 'vote' && m.vote.validator === keys[self]!.address)
    assert.ok(prevote?.type === 'vote')
    rmSync(walPath)
    const again: ConsensusMessage[] = []
    const second = life(app0(), again)
    second.driver.receive(proposerOf1, { type: 'proposal', ...v })
    const resent = again.find((m) => m.type === 'vote' && m.vote.validator === keys[self]!.address)
    assert.ok(resent?.type === 'vote')
    assert.deepEqual(resent.vote.signature, prevote.vote.signature)
    second.driver.stop()
    second.wal.close()
  })

  it('the state file round-trips, and a torn or edited one stops the node (SIGNER_STATE_CORRUPT)', () => {
    const state = {
      height: 7,
      round: 2,
      step: 'precommit' as const,
      valueId: blockId(v.block.header),
      polRound: -1,
      signature: new Uint8Array([1, 2, 3]),
    }
    assert.deepEqual(decodeSignerState(encodeSignerState(state), 'x'), state)
    const store = new FileSignerState(statePath)
    assert.equal(store.load(), null, 'a key that never signed')
    store.save(state)
    assert.deepEqual(store.load(), state)
    const bad = [
      '{"height": "7", "round": 2, "step": 3, "value": null, "pol_round": -1, "sig', // torn
      '{"height": 7, "round": 2, "step": 3, "value": null, "pol_round": -1, "signature": "01"}',
      '{"height": "7", "round": 2, "step": 4, "value": null, "pol_round": -1, "signature": "01"}',
      '{"height": "7", "round": -1, "step": 3, "value": null, "pol_round": -1, "signature": "01"}',
      '{"height": "7", "round": 2, "step": 3, "value": "zz", "pol_round": -1, "signature": "01"}',
      '{"height": "7", "round": 2, "step": 3, "value": null, "pol_round": -2, "signature": "01"}',
      '{"height": "7", "round": 2, "step": 3, "value": null, "pol_round": -1, "signature": "0"}',
      'null',
    ]
    for (const text of bad) {
      writeFileSync(statePath, text)
      assert.throws(
        () => store.load(),
        (e: unknown) => e instanceof ConsensusError && e.code === 'SIGNER_STATE_CORRUPT',
        text,
      )
    }
  })

  it('names its chain: a record for another chain is no constraint, one for this chain is', () => {
    const state = { height: 9, round: 0, step: 'prevote' as const, valueId: null, polRound: -1, signature: new Uint8Array([4]) }
    new FileSignerState(statePath, 'chain-a').save(state)
    assert.deepEqual(new FileSignerState(statePath, 'chain-a').load(), state)
    assert.equal(new FileSignerState(statePath, 'chain-b').load(), null)
    assert.match(readFileSync(statePath, 'utf8'), /"chain_id": "chain-a"/)
  })

  it('a validator driver refuses to run without a durable signer state', () => {
    assert.throws(
      () => driverFor({ signerState: undefined as never }),
      (e: unknown) => e instanceof ConsensusError && e.code === 'INVALID_PARAMS',
    )
  })
})

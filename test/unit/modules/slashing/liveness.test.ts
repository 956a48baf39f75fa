import assert from 'node:assert/strict'
import { Dec } from '../../../../src/state/index.js'
import { slashingModule, slashingParams } from '../../../../src/modules/slashing/index.js'
import { writeParams } from '../../../../src/state/params.js'
import { POWER, SlashingChain, consensusOf, eventsOf, hexOf, operatorOf, timeAt } from './harness.js'

// Window 10, min_signed 0.5: 5 blocks must be signed, so more than 5 missed (the 6th) jails,
// and only once height > start_height + 10.
const WINDOW = { signedBlocksWindow: 10n, minSignedPerWindow: Dec.parse('0.5') }

/** A chain with validators 0 and 1 bonded at height 1, past the first full window (height 11). */
function pastGrace(): SlashingChain {
  const chain = new SlashingChain(WINDOW)
  chain.bond(0)
  chain.bond(1)
  chain.blocks(10)
  assert.equal(chain.height, 11)
  return chain
}

describe('slashing liveness: missed blocks jail a validator (x/slashing HandleValidatorSignature)', () => {
  it('creates signing info when staking bonds a validator, starting at that height', () => {
    const chain = new SlashingChain(WINDOW)
    chain.height = 7
    chain.bond(0)
    assert.deepEqual(chain.info(0), {
      address: chain.info(0).address,
      address_hex: hexOf(consensusOf(0)),
      start_height: '7',
      index_offset: '0',
      missed_blocks_counter: '0',
      jailed_until: '0',
      tombstoned: false,
    })
    assert.match(chain.info(0).address, /^fedravalcons1/)
  })

  it('keeps the signing info of a validator bonded again (its start height stays)', () => {
    const chain = new SlashingChain(WINDOW)
    chain.bond(0)
    chain.blocks(3, { missing: [0] })
    chain.height = 9
    chain.staking.bond(chain.context(), operatorOf(0), consensusOf(0), 1n)
    assert.equal(chain.info(0).start_height, '1')
    assert.equal(chain.info(0).missed_blocks_counter, '3')
  })

  it('counts signed blocks without storing anything per block but the offset', () => {
    const chain = pastGrace()
    assert.equal(chain.info(0).index_offset, '10')
    assert.equal(chain.info(0).missed_blocks_counter, '0')
  })

  it('does not jail at the 5th missed block of the window, jails at the 6th', () => {
    const chain = pastGrace()
    const five = chain.blocks(5, { missing: [0] })
    assert.equal(chain.staking.jails.length, 0)
    assert.equal(eventsOf(five, 'liveness').length, 5)
    assert.equal(chain.info(0).missed_blocks_counter, '5')
    const sixth = chain.block({ missing: [0] })
    assert.deepEqual(chain.staking.jails, [hexOf(consensusOf(0))])
    assert.equal(chain.staking.get(chain.staking.byConsensus(consensusOf(0))!.operator).jailed, true)
    assert.deepEqual(
      eventsOf(sixth, 'liveness').map((e) => e.missed_blocks),
      ['6'],
    )
    assert.deepEqual(
      eventsOf(sixth, 'slash').map((e) => [e.reason, e.power]),
      [['missing_signature', String(POWER)]],
    )
    assert.deepEqual(
      eventsOf(sixth, 'jail').map((e) => e.jailed_until),
      [String(timeAt(17) + 600_000n)],
    )
  })

  it('slashes the downtime fraction with the vote power at height − 2 (the stake that signed the previous block)', () => {
    const chain = pastGrace()
    chain.blocks(6, { missing: [0] })
    assert.equal(chain.height, 17)
    assert.deepEqual(chain.staking.slashes, [
      { consensusAddress: hexOf(consensusOf(0)), infractionHeight: 15, power: POWER, fraction: '0.01' },
    ])
  })

  it('jails until block time + downtime_jail_duration and resets counter, offset and bitmap', () => {
    const chain = pastGrace()
    chain.blocks(6, { missing: [0] })
    const info = chain.info(0)
    assert.equal(info.jailed_until, String(timeAt(17) + 600_000n))
    assert.equal(info.missed_blocks_counter, '0')
    assert.equal(info.index_offset, '0')
    assert.equal(info.tombstoned, false)
  })

  it('leaves the validator that kept signing alone', () => {
    const chain = pastGrace()
    chain.blocks(8, { missing: [0] })
    assert.equal(chain.info(1).missed_blocks_counter, '0')
    assert.equal(
      chain.staking.slashes.every((s) => s.consensusAddress === hexOf(consensusOf(0))),
      true,
    )
  })

  it('skips a jailed validator: its misses neither count nor slash again', () => {
    const chain = pastGrace()
    chain.blocks(6, { missing: [0] })
    chain.blocks(20, { missing: [0] })
    assert.equal(chain.staking.slashes.length, 1)
    assert.equal(chain.info(0).index_offset, '0')
    assert.equal(chain.info(0).missed_blocks_counter, '0')
  })

  it('gives a new validator a full window of grace after its start height', () => {
    const chain = new SlashingChain(WINDOW)
    chain.bond(0)
    chain.blocks(10, { missing: [0] }) // heights 2..11: all missed, but height ≤ 1 + 10
    assert.equal(chain.info(0).missed_blocks_counter, '10')
    assert.equal(chain.staking.jails.length, 0)
    chain.block({ missing: [0] }) // height 12 > 11
    assert.equal(chain.staking.jails.length, 1)
  })

  it('starts the grace at the bonding height, not at genesis', () => {
    const chain = new SlashingChain(WINDOW)
    chain.bond(1)
    chain.blocks(20)
    chain.bond(0) // height 21
    chain.blocks(10, { missing: [0] }) // 22..31
    assert.equal(chain.staking.jails.length, 0)
    chain.block({ missing: [0] }) // 32 > 31
    assert.equal(chain.staking.jails.length, 1)
  })

  it('wraps the sparse bitmap around the window: a signed block at a missed index clears its bit', () => {
    const chain = pastGrace() // offset 10: the next vote is at index 0
    chain.blocks(3, { missing: [0] }) // indexes 0, 1, 2 missed
    chain.blocks(7) // 3..9 signed
    assert.equal(chain.info(0).missed_blocks_counter, '3')
    chain.block({ missing: [0] }) // index 0 again, missed again: no change
    assert.equal(chain.info(0).missed_blocks_counter, '3')
    chain.blocks(2) // indexes 1, 2 signed now: their bits go
    assert.equal(chain.info(0).missed_blocks_counter, '1')
    assert.equal(chain.info(0).index_offset, '23')
    chain.blocks(8) // index 0 signed on the next lap
    assert.equal(chain.info(0).missed_blocks_counter, '0')
    assert.equal(chain.staking.jails.length, 0)
  })

  it('misses spread over laps jail only when more than 5 of the last 10 are missed', () => {
    const chain = pastGrace()
    // miss every other block for 30 blocks: 5 of each 10, never 6
    for (let i = 0; i < 30; i++) chain.block(i % 2 === 0 ? { missing: [0] } : {})
    assert.equal(chain.staking.jails.length, 0)
    chain.block({ missing: [0] }) // index 0, missed a lap ago too: still 5
    assert.equal(chain.staking.jails.length, 0)
    chain.block({ missing: [0] }) // index 1, signed a lap ago: now 6 of the last 10
    assert.equal(chain.staking.jails.length, 1)
  })

  it('ignores a vote from a consensus address staking does not know', () => {
    const chain = pastGrace()
    const stranger = new Uint8Array(20).fill(0xee)
    chain.block({ extraVotes: [{ validator: stranger, power: 5n, signed: false }] })
    assert.equal(chain.staking.slashes.length, 0)
    assert.throws(() => chain.query('signingInfo', { address: hexOf(stranger) }), /NO_SIGNING_INFO/)
  })

  it('does nothing in a block without a last commit (the first block)', () => {
    const chain = new SlashingChain(WINDOW)
    chain.bond(0)
    const before = chain.info(0)
    chain.height += 1
    slashingModule.beginBlock!(chain.slashingContext({ lastCommit: null }))
    chain.assertInvariants()
    assert.deepEqual(chain.info(0), before)
  })

  it('resets every window when signed_blocks_window changes, so no bit is left outside the new window', () => {
    const chain = pastGrace()
    chain.blocks(8) // offset 18: the next vote lands at index 8
    chain.blocks(2, { missing: [0] }) // indexes 8 and 9 missed
    assert.equal(chain.info(0).missed_blocks_counter, '2')
    // Governance shrinks the window to 5 inside a block: the invariants after it still judge by the old layout.
    writeParams(chain.context().moduleStore('slashing'), slashingParams, { ...slashingParams.defaults, ...WINDOW, signedBlocksWindow: 5n })
    chain.assertInvariants()
    chain.block({ missing: [0] })
    assert.equal(chain.info(0).missed_blocks_counter, '1')
    assert.equal(chain.info(0).index_offset, '1')
    assert.equal(chain.info(1).index_offset, '1')
  })
})

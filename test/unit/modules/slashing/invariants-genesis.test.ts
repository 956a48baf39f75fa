import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import {
  JAILED_FOREVER,
  MsgUnjail,
  ValidatorSigningInfo,
  missedBlockKey,
  signingInfoKey,
  slashingModule,
} from '../../../../src/modules/slashing/index.js'
import { Dec, StateError } from '../../../../src/state/index.js'
import { SlashingChain, consensusOf } from './harness.js'

const WINDOW = { signedBlocksWindow: 10n, minSignedPerWindow: Dec.parse('0.5') }

function running(): SlashingChain {
  const chain = new SlashingChain(WINDOW)
  chain.bond(0)
  chain.bond(1)
  chain.blocks(4, { missing: [0] })
  return chain
}
const store = (chain: SlashingChain) => chain.context().moduleStore('slashing')
const rawInfo = (chain: SlashingChain, i: number) => {
  const info = chain.info(i)
  return {
    startHeight: BigInt(info.start_height),
    indexOffset: BigInt(info.index_offset),
    missedBlocksCounter: BigInt(info.missed_blocks_counter),
    jailedUntil: BigInt(info.jailed_until),
    tombstoned: info.tombstoned,
  }
}

describe('slashing invariants catch corrupted books', () => {
  it('hold on a running chain', () => assert.equal(running().brokenInvariant(), null))

  it('catch a missed bit planted without its counter', () => {
    const chain = running()
    store(chain).set(missedBlockKey(consensusOf(1), 3n), Uint8Array.of(1))
    assert.match(chain.brokenInvariant() ?? '', /counts 0 missed blocks, its bitmap holds 1/)
  })

  it('catch a counter raised without its bit', () => {
    const chain = running()
    store(chain).set(signingInfoKey(consensusOf(0)), encode(ValidatorSigningInfo, { ...rawInfo(chain, 0), missedBlocksCounter: 5n }))
    assert.match(chain.brokenInvariant() ?? '', /counts 5 missed blocks, its bitmap holds 4/)
  })

  it('catch a bit outside the window, and a bit of a validator with no signing info', () => {
    const outside = running()
    store(outside).set(missedBlockKey(consensusOf(0), 10n), Uint8Array.of(1))
    assert.match(outside.brokenInvariant() ?? '', /index 10, outside the window of 10/)
    const orphan = running()
    store(orphan).set(missedBlockKey(consensusOf(5), 1n), Uint8Array.of(1))
    assert.match(orphan.brokenInvariant() ?? '', /has no signing info/)
  })

  it('catch a counter above the window', () => {
    const chain = running()
    for (let i = 0n; i < 10n; i++) store(chain).set(missedBlockKey(consensusOf(1), i), Uint8Array.of(1))
    store(chain).set(signingInfoKey(consensusOf(1)), encode(ValidatorSigningInfo, { ...rawInfo(chain, 1), missedBlocksCounter: 10n }))
    assert.equal(chain.brokenInvariant(), null)
    // A full window of bits is the most there can be (indexes are unique and below the window), so 11 is caught.
    store(chain).set(signingInfoKey(consensusOf(1)), encode(ValidatorSigningInfo, { ...rawInfo(chain, 1), missedBlocksCounter: 11n }))
    assert.match(chain.brokenInvariant() ?? '', /counts 11/)
  })

  it('catch a tombstoned validator that is not jailed for ever', () => {
    const chain = running()
    store(chain).set(
      signingInfoKey(consensusOf(1)),
      encode(ValidatorSigningInfo, { ...rawInfo(chain, 1), tombstoned: true, jailedUntil: 5n }),
    )
    assert.match(chain.brokenInvariant() ?? '', /tombstoned but jailed only until 5/)
    store(chain).set(
      signingInfoKey(consensusOf(1)),
      encode(ValidatorSigningInfo, { ...rawInfo(chain, 1), tombstoned: true, jailedUntil: JAILED_FOREVER }),
    )
    assert.equal(chain.brokenInvariant(), null)
  })
})

describe('slashing genesis', () => {
  it('exports signing infos with their missed indexes and imports them back to the same books', () => {
    const chain = running()
    chain.block({ evidence: [chain.evidence(1, 5)] })
    const exported = slashingModule.genesis.export(chain.slashingContext())
    const copy = new SlashingChain(WINDOW)
    slashingModule.genesis.init(
      copy.slashingContext(),
      slashingModule.genesis.validate(JSON.parse(JSON.stringify(exported)), 'app_state.slashing'),
    )
    copy.assertInvariants()
    assert.deepEqual(copy.query('signingInfos'), chain.query('signingInfos'))
    assert.deepEqual((exported as { signing_infos: { missed: string[] }[] }).signing_infos.map((i) => i.missed.length).sort(), [0, 4])
  })

  it('refuses at init a missed index outside the window, naming the field', () => {
    const address = (slashingModule.genesis.export(running().slashingContext()) as { signing_infos: { address: string }[] })
      .signing_infos[0]!.address
    const copy = new SlashingChain(WINDOW)
    const genesis = slashingModule.genesis.validate({ signing_infos: [{ address, missed: ['10'] }] }, 'app_state.slashing')
    assert.throws(
      () => slashingModule.genesis.init(copy.slashingContext(), genesis),
      (e: unknown) => e instanceof StateError && /signing_infos\[0\].missed.*outside signed_blocks_window 10/.test(e.message),
    )
  })

  it('accepts an empty section', () => assert.deepEqual(slashingModule.genesis.validate({}, 'app_state.slashing'), { signingInfos: [] }))

  it('refuses unknown fields, bad addresses, duplicates and repeated indexes, naming the field', () => {
    const refused = (section: unknown, field: RegExp) =>
      assert.throws(
        () => slashingModule.genesis.validate(section, 'app_state.slashing'),
        (e: unknown) => e instanceof StateError && field.test(e.message),
      )
    refused({ missed_blocks: [] }, /app_state.slashing.missed_blocks/)
    refused({ signing_infos: [{ address: 'fedra1xyz' }] }, /signing_infos\[0\].address/)
    const address = (slashingModule.genesis.export(running().slashingContext()) as { signing_infos: { address: string }[] })
      .signing_infos[0]!.address
    refused({ signing_infos: [{ address }, { address }] }, /signing_infos\[1\].address/)
    refused({ signing_infos: [{ address, missed: ['1', '1'] }] }, /signing_infos\[0\].missed/)
  })
})

describe('MsgUnjail encoding', () => {
  it('is an empty struct with slashing tag 2100', () => {
    assert.equal(MsgUnjail.tag, 2100)
    assert.ok(encode(MsgUnjail, {}).length > 0)
  })
})

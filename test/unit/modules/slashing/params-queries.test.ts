import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { SLASHING_ERRORS, type SlashingErrorCode, minSignedBlocks, slashingParams } from '../../../../src/modules/slashing/index.js'
import { Dec, ModuleError, StateError } from '../../../../src/state/index.js'
import { SlashingChain, consensusOf, hexOf, operatorOf } from './harness.js'

const slashingCode = (code: SlashingErrorCode, message?: RegExp) => (e: unknown) =>
  e instanceof ModuleError &&
  e.code === code &&
  e.context.numericCode === SLASHING_ERRORS[code] &&
  (message === undefined || message.test(e.message))
const invalid = (change: Record<string, unknown>, message: RegExp) =>
  assert.throws(() => slashingParams.validate({ ...slashingParams.defaults, ...change }), slashingCode('INVALID_PARAMS', message))

describe('slashing params', () => {
  it('defaults to x/slashing-like values and reads them back from JSON', () => {
    const json = slashingParams.toJson(slashingParams.defaults)
    assert.deepEqual(json, {
      signed_blocks_window: '100',
      min_signed_per_window: '0.5',
      downtime_jail_duration: '600000',
      slash_fraction_double_sign: '0.05',
      slash_fraction_downtime: '0.01',
    })
    assert.deepEqual(slashingParams.toJson(slashingParams.fromJson(json, 'p')), json)
    assert.deepEqual(slashingParams.fromJson({}, 'p'), slashingParams.defaults)
  })
  it('truncates window × min_signed_per_window to the blocks a validator must sign', () => {
    assert.equal(minSignedBlocks({ ...slashingParams.defaults, signedBlocksWindow: 10n, minSignedPerWindow: Dec.parse('0.55') }), 5n)
    assert.equal(minSignedBlocks(slashingParams.defaults), 50n)
  })
  it('refuses a window of 0 or above a million blocks', () => {
    invalid({ signedBlocksWindow: 0n }, /signed_blocks_window must lie in/)
    invalid({ signedBlocksWindow: 1_000_001n }, /signed_blocks_window must lie in/)
  })
  it('refuses fractions outside [0, 1]', () => {
    invalid({ minSignedPerWindow: Dec.parse('1.01') }, /min_signed_per_window/)
    invalid({ slashFractionDoubleSign: Dec.parse('2') }, /slash_fraction_double_sign/)
    invalid({ slashFractionDowntime: Dec.fromRaw(-1n) }, /slash_fraction_downtime/)
  })
  it('refuses a zero jail duration', () => invalid({ downtimeJailDuration: 0n }, /downtime_jail_duration must be positive/))
  it('refuses unknown fields and malformed values in genesis JSON', () => {
    assert.throws(
      () => slashingParams.fromJson({ window: '3' }, 'app_state.slashing.params'),
      (e: unknown) => e instanceof StateError && /app_state.slashing.params.window/.test(e.message),
    )
    assert.throws(
      () => slashingParams.fromJson({ slash_fraction_downtime: '1e-2' }, 'p'),
      (e: unknown) => e instanceof StateError && /p.slash_fraction_downtime/.test(e.message),
    )
    assert.throws(
      () => slashingParams.fromJson({ signed_blocks_window: '0' }, 'p'),
      (e: unknown) => e instanceof StateError && /p.signed_blocks_window/.test(e.message),
    )
  })
})

describe('slashing queries', () => {
  const chain = new SlashingChain({ signedBlocksWindow: 10n })
  chain.bond(0)
  chain.bond(1)
  chain.blocks(3, { missing: [1] })
  const consensus = encodeAddress(consensusOf(1), 'fedravalcons')

  it('signingInfo answers for a fedravalcons1… address, its hex, the operator fedravaloper1… and its fedra1… account', () => {
    const expected = chain.query('signingInfo', { address: consensus })
    assert.equal(expected.address, consensus)
    assert.equal(expected.address_hex, hexOf(consensusOf(1)))
    assert.equal(expected.missed_blocks_counter, '3')
    for (const address of [hexOf(consensusOf(1)), encodeAddress(operatorOf(1), 'fedravaloper'), encodeAddress(operatorOf(1))]) {
      assert.deepEqual(chain.query('signingInfo', { address }), expected)
    }
  })
  it('signingInfo refuses an address of no known form, a bad checksum, or an operator with no validator (INVALID_ADDRESS)', () => {
    for (const address of [
      'nonsense',
      42,
      'cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a',
      `${consensus.slice(0, -1)}x`,
      encodeAddress(operatorOf(6), 'fedravaloper'),
    ]) {
      assert.throws(() => chain.query('signingInfo', { address }), slashingCode('INVALID_ADDRESS'), String(address))
    }
  })
  it('signingInfo refuses a consensus address that never bonded (NO_SIGNING_INFO)', () => {
    assert.throws(
      () => chain.query('signingInfo', { address: hexOf(consensusOf(7)) }),
      slashingCode('NO_SIGNING_INFO', /no signing info for fedravalcons1/),
    )
  })
  it('signingInfos lists every validator, by consensus address', () => {
    const { signing_infos } = chain.query('signingInfos')
    assert.deepEqual(
      signing_infos.map((i: { address_hex: string }) => i.address_hex),
      [hexOf(consensusOf(0)), hexOf(consensusOf(1))].sort(),
    )
  })
  it('params answers the JSON form', () => assert.equal(chain.query('params').signed_blocks_window, '10'))
})

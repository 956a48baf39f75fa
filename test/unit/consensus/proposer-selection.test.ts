import assert from 'node:assert/strict'
import {
  ConsensusError,
  type ValidatorSet,
  advanceValidatorSets,
  createValidatorSet,
  genesisValidatorSets,
  incrementProposerPriority,
  proposerForRound,
  proposerSequence,
} from '../../../src/consensus/index.js'

const validator = (address: string, power: bigint) => ({ address, publicKey: new Uint8Array(32), votingPower: power })

function proposers(set: ValidatorSet, count: number): string[] {
  const out: string[] = []
  let current = set
  for (let i = 0; i < count; i++) {
    out.push(current.proposer)
    current = incrementProposerPriority(current, 1)
  }
  return out
}

describe('proposer selection (CometBFT weighted round robin)', () => {
  it('matches CometBFT TestProposerSelection1 (foo 1000, bar 300, baz 330)', () => {
    const set = createValidatorSet([validator('foo', 1000n), validator('bar', 300n), validator('baz', 330n)])
    const expected =
      'foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar' +
      ' foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar' +
      ' foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz' +
      ' foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo' +
      ' foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo'
    assert.equal(proposers(set, 99).join(' '), expected)
  })

  it('gives each validator turns in proportion to its power', () => {
    const set = createValidatorSet([validator('a', 1n), validator('b', 2n), validator('c', 7n)])
    const counts = new Map<string, number>()
    for (const p of proposers(set, 1000)) counts.set(p, (counts.get(p) ?? 0) + 1)
    assert.deepEqual([counts.get('a'), counts.get('b'), counts.get('c')], [100, 200, 700])
  })

  it('rotates equal-power validators in address order and is the same on every node', () => {
    const set = createValidatorSet([validator('v3', 5n), validator('v1', 5n), validator('v2', 5n)])
    assert.deepEqual(proposerSequence(set, 6), ['v1', 'v2', 'v3', 'v1', 'v2', 'v3'])
    const again = createValidatorSet([validator('v2', 5n), validator('v3', 5n), validator('v1', 5n)])
    assert.deepEqual(proposerSequence(again, 6), proposerSequence(set, 6))
    assert.equal(proposerForRound(set, 4), 'v2')
  })

  it('applies validator changes from block H at height H+2', () => {
    const genesis = genesisValidatorSets([validator('a', 10n), validator('b', 10n)])
    const afterH1 = advanceValidatorSets(genesis, [validator('c', 10n)]) // committed at height 1
    assert.deepEqual(
      afterH1.validators.validators.map((v) => v.address),
      ['a', 'b'],
      'height 2 keeps the old set',
    )
    assert.deepEqual(
      afterH1.nextValidators.validators.map((v) => v.address),
      ['a', 'b', 'c'],
      'height 3 has the new validator',
    )
    const afterH2 = advanceValidatorSets(afterH1, [])
    assert.equal(afterH2.validators.totalPower, 30n)
  })

  it('does not let a new validator propose right away (priority −1.125 × total)', () => {
    const genesis = genesisValidatorSets([validator('a', 10n), validator('b', 10n)])
    const sets = advanceValidatorSets(genesis, [validator('c', 10n)])
    const joined = sets.nextValidators.validators.find((v) => v.address === 'c')!
    assert.ok(joined.proposerPriority < 0n)
    assert.notEqual(sets.nextValidators.proposer, 'c')
  })

  it('removes a validator with power 0 and refuses an empty or duplicate set', () => {
    const genesis = genesisValidatorSets([validator('a', 10n), validator('b', 10n)])
    const sets = advanceValidatorSets(advanceValidatorSets(genesis, [validator('b', 0n)]), [])
    assert.deepEqual(
      sets.validators.validators.map((v) => v.address),
      ['a'],
    )
    assert.throws(
      () => createValidatorSet([]),
      (e: unknown) => e instanceof ConsensusError && e.code === 'INVALID_VALIDATOR_SET',
    )
    assert.throws(
      () => createValidatorSet([validator('a', 1n), validator('a', 2n)]),
      (e: unknown) => e instanceof ConsensusError && e.code === 'INVALID_VALIDATOR_SET',
    )
  })
})

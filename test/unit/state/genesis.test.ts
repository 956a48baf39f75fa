import assert from 'node:assert/strict'
import { defaultRegistry } from '../../../src/modules/index.js'
import { StateError, parseGenesis } from '../../../src/state/index.js'
import { testGenesisJson } from '../../helpers/chain.js'

const registry = defaultRegistry()

function pathOfError(mutate: (g: any) => void): string | undefined {
  const genesis = structuredClone(testGenesisJson(2)) as any
  mutate(genesis)
  try {
    parseGenesis(genesis, registry)
  } catch (error) {
    assert.ok(error instanceof StateError && error.code === 'GENESIS_INVALID', String(error))
    return error.context.path
  }
  return undefined
}

describe('genesis validation', () => {
  it('accepts the test genesis and fills defaults', () => {
    const genesis = parseGenesis(testGenesisJson(2), registry)
    assert.equal(genesis.initialHeight, 1)
    assert.equal(genesis.consensusParams.tx.maxBytes, 64 * 1024)
    assert.equal(genesis.consensusParams.evidence.maxAgeBlocks, 100)
  })

  it('takes the evidence age from consensus_params.evidence.max_age_num_blocks', () => {
    const json = { ...testGenesisJson(2), consensus_params: { evidence: { max_age_num_blocks: 7 } } }
    assert.equal(parseGenesis(json, registry).consensusParams.evidence.maxAgeBlocks, 7)
    assert.equal(
      pathOfError((g) => (g.consensus_params = { evidence: { max_age_num_blocks: 0 } })),
      'consensus_params.evidence.max_age_num_blocks',
    )
    assert.equal(
      pathOfError((g) => (g.consensus_params = { evidence: { max_age_num_blocks: '7' } })),
      'consensus_params.evidence.max_age_num_blocks',
    )
  })

  it('names the bad field', () => {
    assert.equal(
      pathOfError((g) => (g.chain_id = 'Bad Chain')),
      'chain_id',
    )
    assert.equal(
      pathOfError((g) => (g.genesis_time = 'yesterday')),
      'genesis_time',
    )
    assert.equal(
      pathOfError((g) => (g.validators[0].pub_key = 'abc')),
      'validators[0].pub_key',
    )
    assert.equal(
      pathOfError((g) => (g.validators[0].power = '0')),
      'validators[0].power',
    )
    assert.equal(
      pathOfError((g) => g.validators.push(structuredClone(g.validators[0]))),
      'validators[1].pub_key',
    )
    assert.equal(
      pathOfError((g) => (g.app_state.bank.balances[1].coins[0].amount = '-5')),
      'app_state.bank.balances[1].coins[0].amount',
    )
    assert.equal(
      pathOfError((g) => (g.app_state.bank.balances[0].address = 'cosmos1xyz')),
      'app_state.bank.balances[0].address',
    )
    assert.equal(
      pathOfError((g) => (g.app_state.bank.balances[1].address = g.app_state.bank.balances[0].address)),
      'app_state.bank.balances[1].address',
    )
    assert.equal(
      pathOfError((g) => (g.app_state.nosuch = {})),
      'app_state.nosuch',
    )
    assert.equal(
      pathOfError((g) => (g.consensus_params = { tx: { max_bytes: 1 } })),
      'consensus_params.tx.max_bytes',
    )
  })

  it('rejects text that is not JSON', () => {
    assert.throws(
      () => parseGenesis('{', registry),
      (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID',
    )
  })
})

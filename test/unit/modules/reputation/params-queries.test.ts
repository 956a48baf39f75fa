import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { reputationParams } from '../../../../src/modules/reputation/index.js'
import { StateError } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { TrainingChain, addr, codeOf, query, reputationGenesisJson } from './harness.js'

describe('reputation params and query errors', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('reads params from genesis (decimal strings) and answers the params query', async () => {
    const chain = await TrainingChain.open(dirs.next(), {
      genesis: reputationGenesisJson({ reputation: { params: { kappa: '0.6', reputation_alpha: '0.25' } } }),
    })
    assert.deepEqual(query(chain, 'params'), {
      kappa: '0.6',
      bond_moving_average: '0.9',
      reputation_alpha: '0.25',
      initial_reputation: '0.5',
      standing_decay: '0.5',
    })
    await chain.close()
  })

  it('refuses params outside their ranges, naming the field', () => {
    for (const [field, value] of [
      ['kappa', '0'],
      ['kappa', '1.5'],
      ['bond_moving_average', '1'],
      ['reputation_alpha', '0'],
      ['standing_decay', '1'],
      ['initial_reputation', 'x'],
    ] as const) {
      assert.throws(
        () => reputationParams.fromJson({ [field]: value }, 'app_state.reputation.params'),
        (e: unknown) =>
          e instanceof StateError &&
          e.code === 'GENESIS_INVALID' &&
          (e.context as { path?: string }).path === `app_state.reputation.params.${field}`,
        `${field} = ${value}`,
      )
    }
    assert.throws(() => reputationParams.fromJson({ tau: '1' }, 'p'), StateError)
  })

  it('answers bad query params with INVALID_QUERY and a missing receipt with UNKNOWN_RECEIPT', async () => {
    const chain = await TrainingChain.open(dirs.next(), { genesis: reputationGenesisJson() })
    const trainer = encodeAddress(addr(2))
    assert.equal(
      codeOf(() => query(chain, 'reputation', { subnet: 'x', trainer })),
      'INVALID_QUERY',
    )
    assert.equal(
      codeOf(() => query(chain, 'reputation', { subnet: '0', trainer: 'nobody' })),
      'INVALID_QUERY',
    )
    assert.equal(
      query<{ reputation: string }>(chain, 'reputation', { subnet: 0, trainer }).reputation,
      '0.5',
      'a trainer never scored has the initial reputation',
    )
    assert.equal(
      codeOf(() => query(chain, 'receipt', { subnet: '0', round: '0', trainer })),
      'UNKNOWN_RECEIPT',
    )
    assert.equal(
      codeOf(() => query(chain, 'commitments', { subnet: '0', round: '0' })),
      'UNKNOWN_ROUND',
    )
    await chain.close()
  })
})

import assert from 'node:assert/strict'
import * as K from '../../../../src/modules/staking/keys.js'

const a = new Uint8Array(20).fill(1)
const b = new Uint8Array(20).fill(2)
const c = new Uint8Array(20).fill(3)

describe('staking keys', () => {
  it('every parser inverts its builder', () => {
    assert.deepEqual(K.parsePowerIndexKey(K.powerIndexKey(42n, a)), { power: 42n, operator: a })
    assert.deepEqual(K.parseLastPowerKey(K.lastPowerKey(a)), { operator: a })
    assert.deepEqual(K.parseDelegationKey(K.delegationKey(a, b)), { delegator: a, operator: b })
    assert.deepEqual(K.parseByValidatorKey(K.unbondingByValidatorKey(b, a)), { operator: b, delegator: a })
    assert.deepEqual(K.parseRedelegationKey(K.redelegationKey(a, b, c)), { delegator: a, src: b, dst: c })
    assert.deepEqual(K.parseRedelegationBySourceKey(K.redelegationBySourceKey(b, a, c)), { src: b, delegator: a, dst: c })
    assert.deepEqual(K.parseUnbondingQueueKey(K.unbondingQueueKey(7n, a, b)), { time: 7n, delegator: a, operator: b })
    assert.deepEqual(K.parseRedelegationQueueKey(K.redelegationQueueKey(7n, a, b, c)), { time: 7n, delegator: a, src: b, dst: c })
    assert.deepEqual(K.parseValidatorQueueKey(K.validatorQueueKey(9n, a)), { time: 9n, operator: a })
    assert.deepEqual(K.parseBondQueueKey(K.bondQueueKey(9n, a, 'subnets:x/1')), { time: 9n, owner: a, purpose: 'subnets:x/1' })
    assert.deepEqual(K.parseBondKey(K.bondKey(a, 'subnets:x/1')), { owner: a, purpose: 'subnets:x/1' })
  })
  it('the power index sorts by power descending, then operator ascending; queues by time', () => {
    const keys = [K.powerIndexKey(5n, b), K.powerIndexKey(9n, c), K.powerIndexKey(5n, a)].sort(Buffer.compare)
    assert.deepEqual(
      keys.map((k) => K.parsePowerIndexKey(k)),
      [
        { power: 9n, operator: c },
        { power: 5n, operator: a },
        { power: 5n, operator: b },
      ],
    )
    assert.ok(Buffer.compare(K.unbondingQueueKey(255n, c, c), K.unbondingQueueKey(256n, a, a)) < 0)
  })
})

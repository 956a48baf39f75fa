import assert from 'node:assert/strict'
import { SUBNETS_ERRORS, canonicalJson, subnetsParams } from '../../../../src/modules/subnets/index.js'
import * as K from '../../../../src/modules/subnets/keys.js'
import { addr, codeOf } from './harness.js'

describe('subnets: keys, module params, error codes', () => {
  it('parses every key layout back to what built it', () => {
    assert.equal(K.parseSubnetKey(K.subnetKey(7n)), 7n)
    assert.equal(K.parseSubnetKey(K.paramsKey(2n ** 64n - 1n)), 2n ** 64n - 1n)
    assert.deepEqual(K.parseMemberKey(K.memberKey(3n, 'aggregator', addr(1))), { subnet: 3n, role: 'aggregator', address: addr(1) })
    assert.deepEqual(K.parseAllowedKey(K.allowedKey(4n, addr(2))), { subnet: 4n, address: addr(2) })
    assert.deepEqual(K.parseBarredKey(K.barredKey(5n, 9n, addr(3))), { subnet: 5n, round: 9n, address: addr(3) })
    assert.throws(() => K.parseMemberKey(K.subnetKey(1n)), /not a subnets member key/)
    assert.equal(K.bondPurpose(12n, 'trainer'), 'subnet/12/trainer')
  })

  it("orders one role's members by address under one prefix, apart from the other role", () => {
    const a = K.memberKey(1n, 'trainer', addr(1))
    assert.deepEqual(a.slice(0, K.membersOf(1n, 'trainer').length), K.membersOf(1n, 'trainer'))
    assert.notDeepEqual(K.membersOf(1n, 'trainer'), K.membersOf(1n, 'aggregator'))
  })

  it('reads params from genesis JSON with defaults, writes them back, and refuses bad ones', () => {
    const p = subnetsParams.fromJson({ creation_deposit: '5', max_name_length: 10 }, 'app_state.subnets.params')
    assert.deepEqual(p, { creationDeposit: 5n, maxSubnets: 10_000n, maxNameLength: 10, maxDescriptionLength: 1024 })
    assert.deepEqual(subnetsParams.fromJson(subnetsParams.toJson(p), 'p'), p)
    assert.throws(() => subnetsParams.fromJson({ deposit: '5' }, 'p'), /no such subnets param/)
    assert.throws(() => subnetsParams.fromJson({ max_name_length: 0 }, 'p'), /max_name_length/)
    assert.equal(
      codeOf(() => subnetsParams.validate({ ...p, maxSubnets: 0n })),
      'INVALID_PARAMS',
    )
    assert.equal(
      codeOf(() => subnetsParams.validate({ ...p, maxNameLength: 300 })),
      'INVALID_PARAMS',
    )
    assert.equal(
      codeOf(() => subnetsParams.validate({ ...p, maxDescriptionLength: 9000 })),
      'INVALID_PARAMS',
    )
  })

  it('gives every error a distinct stable number', () => {
    const numbers = Object.values(SUBNETS_ERRORS)
    assert.equal(new Set(numbers).size, numbers.length)
  })

  it('writes canonical JSON: keys sorted at every depth, no spaces', () => {
    assert.equal(canonicalJson({ b: [{ d: 1, c: 'x' }], a: true }), '{"a":true,"b":[{"c":"x","d":1}]}')
  })
})

import assert from 'node:assert/strict'
import { ClientError, SUBNET_PARAMS_DEFAULTS, messages } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { encodeAddress } from '../../../src/crypto/index.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import {
  MsgCreateSubnet,
  MsgJoinSubnet,
  MsgLeaveSubnet,
  MsgTopUpSubnetBond,
  MsgUpdateAllowList,
  MsgUpdateSubnetParams,
  canonicalModelSpec,
  subnetParamsToJson,
} from '../../../src/modules/subnets/index.js'
import { checkModelSpec, checkSubnetParams } from '../../../src/modules/subnets/subnet-params.js'
import { blobCid } from '../../../src/modules/training/blob-cid.js'
import { MsgSubmitAggregate, MsgSubmitUpdate } from '../../../src/modules/training/messages.js'

const bytes = (n: number) => new Uint8Array(20).fill(n)
const account = (n: number) => encodeAddress(bytes(n))
const cid = (n: number) => blobCid(encodeUpdateBlob({ dtype: 'int32', shape: [1], scale: 1, values: Int32Array.of(n) }))
const SPEC = canonicalModelSpec(mlpSpec([2, 2]))
const create = { name: 'digits', domain: 'vision/digits', modelSpec: SPEC, initialModelCid: cid(0), params: { validation_set: cid(1) } }

function refuses(build: () => unknown, field: string, message: RegExp): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`)
    assert.equal(error.code, 'INVALID_INPUT')
    assert.equal(error.context.reason, field)
    assert.match(error.message, message)
    return true
  })
}

describe('client message builders for subnets and training', () => {
  describe('what they build', () => {
    it('subnetsCreate fills every param left out with its default, in the JSON form subnet_get answers', () => {
      const m = decode(MsgCreateSubnet, messages.subnetsCreate(create))
      assert.equal(m.modelSpec, SPEC)
      assert.equal(m.description, '')
      assert.deepEqual(m.allowList, [])
      const d = SUBNET_PARAMS_DEFAULTS
      assert.deepEqual(subnetParamsToJson(m.params), {
        validation_set: cid(1),
        aggregation_rule: d.aggregation_rule,
        timing: d.timing,
        quantization: d.quantization,
        sample_cap: d.sample_cap,
        max_trainers: d.max_trainers,
        min_trainer_bond: d.min_trainer_bond,
        min_aggregator_bond: d.min_aggregator_bond,
        membership: 'open',
        sharing: d.sharing,
        reward_split: d.reward_split,
        aggregator_slash_fraction: d.aggregator_slash_fraction,
      })
    })

    it("the defaults pass the chain's own checks of a subnet", () => {
      const m = decode(MsgCreateSubnet, messages.subnetsCreate(create))
      assert.deepEqual(checkSubnetParams(m.params, checkModelSpec(m.modelSpec)), m.params)
    })

    it('subnetsCreate takes subnet_get params back unchanged, and an allow-list makes membership allow-list by default', () => {
      const first = decode(
        MsgCreateSubnet,
        messages.subnetsCreate({
          ...create,
          params: {
            validation_set: 'datanet:3@2',
            aggregation_rule: 'median',
            timing: { gap: 4 },
            sharing: { mode: 'subnets', subnets: ['1', 2] },
          },
        }),
      )
      assert.equal(first.params.aggregationRule, 'median')
      assert.deepEqual(first.params.timing, { submitWindow: 10, aggregateWindow: 5, gap: 4 })
      assert.deepEqual(first.params.sharing.subnets, [1n, 2n])
      const json = subnetParamsToJson(first.params)
      assert.deepEqual(subnetParamsToJson(decode(MsgCreateSubnet, messages.subnetsCreate({ ...create, params: json })).params), json)
      const listed = decode(MsgCreateSubnet, messages.subnetsCreate({ ...create, allowList: [account(1), account(2)] }))
      assert.deepEqual(listed.allowList, [bytes(1), bytes(2)])
      assert.equal(listed.params.membership, 'allow-list')
    })

    it('join, leave, top-up, allow-list and params updates encode their fields', () => {
      assert.deepEqual(decode(MsgJoinSubnet, messages.subnetsJoin('3', 'trainer', '1000ufdr')), {
        subnet: 3n,
        role: 'trainer',
        bond: { denom: 'ufdr', amount: 1000n },
      })
      assert.deepEqual(decode(MsgLeaveSubnet, messages.subnetsLeave(3n, 'aggregator')), { subnet: 3n, role: 'aggregator' })
      assert.deepEqual(decode(MsgTopUpSubnetBond, messages.subnetsTopUp(4, 'trainer', '5ufdr')), {
        subnet: 4n,
        role: 'trainer',
        amount: { denom: 'ufdr', amount: 5n },
      })
      assert.deepEqual(decode(MsgUpdateAllowList, messages.subnetsUpdateAllowList(1, { add: [account(1)] })), {
        subnet: 1n,
        add: [bytes(1)],
        remove: [],
      })
      const p = decode(MsgUpdateSubnetParams, messages.subnetsUpdateParams('2', { validation_set: cid(1), sample_cap: 50 }))
      assert.equal(p.subnet, 2n)
      assert.equal(p.params.sampleCap, 50)
    })

    it('trainingSubmitUpdate and trainingSubmitAggregate encode their fields', () => {
      const u = decode(
        MsgSubmitUpdate,
        messages.trainingSubmitUpdate({
          subnet: 1,
          round: '2',
          updateCid: cid(5),
          sampleCount: 60,
          byteSize: 20,
          deviceIdHash: 'ab'.repeat(32),
          claimedMetrics: [{ name: 'accuracy', value: 912_000n }],
        }),
      )
      assert.deepEqual([u.subnet, u.round, u.updateCid, u.sampleCount, u.epochId, u.byteSize], [1n, 2n, cid(5), 60, 0n, 20n])
      assert.deepEqual(u.deviceIdHash, new Uint8Array(32).fill(0xab))
      assert.deepEqual(u.claimedMetrics, [{ name: 'accuracy', value: 912_000n }])
      const a = decode(
        MsgSubmitAggregate,
        messages.trainingSubmitAggregate({
          subnet: 1,
          round: 2,
          baseGlobalCid: cid(0),
          included: [
            { trainer: account(1), updateCid: cid(5) },
            { trainer: account(2), updateCid: cid(6) },
          ],
          resultCid: cid(7),
          newGlobalCid: cid(8),
        }),
      )
      assert.deepEqual(a.included, [
        { trainer: bytes(1), updateCid: cid(5) },
        { trainer: bytes(2), updateCid: cid(6) },
      ])
      assert.deepEqual([a.baseGlobalCid, a.resultCid, a.newGlobalCid], [cid(0), cid(7), cid(8)])
    })
  })

  describe('what they refuse (ClientError INVALID_INPUT naming the field)', () => {
    it('subnetsCreate: metadata, model spec, initial model, allow-list', () => {
      refuses(() => messages.subnetsCreate({ ...create, name: ' ' }), 'name', /must not be empty/)
      refuses(() => messages.subnetsCreate({ ...create, name: 'x'.repeat(257) }), 'name', /at most 256/)
      refuses(() => messages.subnetsCreate({ ...create, domain: 'Vision' }), 'domain', /like vision\/digits/)
      refuses(() => messages.subnetsCreate({ ...create, description: 'x'.repeat(8193) }), 'description', /at most 8192/)
      refuses(() => messages.subnetsCreate({ ...create, modelSpec: '{' }), 'modelSpec', /not JSON/)
      refuses(() => messages.subnetsCreate({ ...create, modelSpec: '{"inputShape":[2],"layers":[]}' }), 'modelSpec', /non-empty/)
      refuses(() => messages.subnetsCreate({ ...create, modelSpec: 'x'.repeat(20_000) }), 'modelSpec', /at most 16384/)
      refuses(() => messages.subnetsCreate({ ...create, initialModelCid: 'Qm' }), 'initialModelCid', /is not a CID/)
      refuses(
        () => messages.subnetsCreate({ ...create, initialModelCid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG' }),
        'initialModelCid',
        /must be a CIDv1/,
      )
      refuses(() => messages.subnetsCreate({ ...create, allowList: ['fedra1nope'] }), 'allowList', /is not a fedra1… address/)
      refuses(() => messages.subnetsCreate({ ...create, allowList: [account(1), account(1)] }), 'allowList', /listed twice/)
    })

    it('subnetsCreate: every params field of the wrong shape, unknown fields, a missing validation set', () => {
      const withParams = (params: Record<string, unknown>) => () =>
        messages.subnetsCreate({ ...create, params: { validation_set: cid(1), ...params } as never })
      refuses(() => messages.subnetsCreate({ ...create, params: {} }), 'params.validation_set', /required/)
      refuses(() => messages.subnetsCreate({ ...create, params: [] as never }), 'params', /expected an object/)
      refuses(withParams({ submit_window: 3 }), 'params.submit_window', /unknown field/)
      refuses(withParams({ timing: { submitWindow: 3 } }), 'params.timing.submitWindow', /unknown field/)
      refuses(withParams({ timing: { gap: -1 } }), 'params.timing.gap', /whole number/)
      refuses(withParams({ timing: { gap: 1.5 } }), 'params.timing.gap', /whole number/)
      refuses(withParams({ quantization: { dtype: 'float32' } }), 'params.quantization.dtype', /one of int8, int16, int32/)
      refuses(withParams({ quantization: { clip_norm: 5 } }), 'params.quantization.clip_norm', /decimal as text/)
      refuses(withParams({ quantization: { clip_norm: 'five' } }), 'params.quantization.clip_norm', /not a decimal/)
      refuses(withParams({ sample_cap: '10' }), 'params.sample_cap', /whole number/)
      refuses(withParams({ min_trainer_bond: '0' }), 'params.min_trainer_bond', /must be positive/)
      refuses(withParams({ min_aggregator_bond: '1.5' }), 'params.min_aggregator_bond', /whole amount/)
      refuses(withParams({ membership: 'closed' }), 'params.membership', /open, allow-list/)
      refuses(withParams({ sharing: { mode: 'friends' } }), 'params.sharing.mode', /private, subnets, public/)
      refuses(withParams({ sharing: { mode: 'subnets', subnets: 'all' } }), 'params.sharing.subnets', /list of at most 64/)
      refuses(withParams({ sharing: { mode: 'subnets', subnets: ['x'] } }), 'params.sharing.subnets[0]', /subnet id/)
      refuses(withParams({ reward_split: { trainers: '0.8' } }), 'params.reward_split', /sum to exactly 1, not 1\.1/)
      refuses(withParams({ aggregator_slash_fraction: 0.1 }), 'params.aggregator_slash_fraction', /decimal as text/)
      refuses(withParams({ aggregation_rule: 7 }), 'params.aggregation_rule', /expected a string/)
      refuses(withParams({ validation_set: 'x'.repeat(129) }), 'params.validation_set', /at most 128/)
    })

    it('join, leave, top-up: subnet id, role, amounts', () => {
      refuses(() => messages.subnetsJoin('one', 'trainer', '5ufdr'), 'subnet', /not a whole number/)
      refuses(() => messages.subnetsJoin(-1, 'trainer', '5ufdr'), 'subnet', /0\.\.2\^64-1/)
      refuses(() => messages.subnetsJoin(2n ** 64n, 'trainer', '5ufdr'), 'subnet', /0\.\.2\^64-1/)
      refuses(() => messages.subnetsJoin(1, 'scorer', '5ufdr'), 'role', /trainer or aggregator/)
      refuses(() => messages.subnetsJoin(1, 'trainer', '0ufdr'), 'bond', /must be positive/)
      refuses(() => messages.subnetsJoin(1, 'trainer', '1ufdr,1uabc'), 'bond', /expected one amount/)
      refuses(() => messages.subnetsLeave(1, ''), 'role', /trainer or aggregator/)
      refuses(() => messages.subnetsTopUp(1, 'trainer', 'lots'), 'amount', /not an amount/)
    })

    it('allow-list and params updates', () => {
      refuses(() => messages.subnetsUpdateAllowList(1, {}), 'add', /nothing to change/)
      refuses(() => messages.subnetsUpdateAllowList(1, { add: [account(1)], remove: [account(1)] }), 'remove', /both added and removed/)
      refuses(() => messages.subnetsUpdateAllowList(1, { remove: ['x'] }), 'remove', /not a fedra1… address/)
      refuses(() => messages.subnetsUpdateAllowList('x', { add: [account(1)] }), 'subnet', /not a whole number/)
      refuses(() => messages.subnetsUpdateParams(1, { validation_set: cid(1), gap: 3 } as never), 'params.gap', /unknown field/)
    })

    it('trainingSubmitUpdate', () => {
      const update = { subnet: 1, round: 2, updateCid: cid(5), sampleCount: 60, byteSize: 20, deviceIdHash: 'ab'.repeat(32) }
      refuses(() => messages.trainingSubmitUpdate({ ...update, round: 'last' }), 'round', /not a whole number/)
      refuses(() => messages.trainingSubmitUpdate({ ...update, updateCid: 'x' }), 'updateCid', /not a CID/)
      refuses(() => messages.trainingSubmitUpdate({ ...update, sampleCount: -1 }), 'sampleCount', /whole number/)
      refuses(() => messages.trainingSubmitUpdate({ ...update, byteSize: 1.5 }), 'byteSize', /not a whole number/)
      refuses(() => messages.trainingSubmitUpdate({ ...update, deviceIdHash: 'ab' }), 'deviceIdHash', /64 hex digits/)
      refuses(() => messages.trainingSubmitUpdate({ ...update, deviceIdHash: new Uint8Array(31) }), 'deviceIdHash', /32 bytes, got 31/)
      refuses(() => messages.trainingSubmitUpdate({ ...update, epochId: 'e1' }), 'epochId', /not a whole number/)
      refuses(
        () => messages.trainingSubmitUpdate({ ...update, claimedMetrics: Array.from({ length: 9 }, () => ({ name: 'a', value: 1 })) }),
        'claimedMetrics',
        /at most 8/,
      )
      refuses(
        () => messages.trainingSubmitUpdate({ ...update, claimedMetrics: [{ name: '', value: 1 }] }),
        'claimedMetrics',
        /name of 1\.\.32/,
      )
      refuses(
        () => messages.trainingSubmitUpdate({ ...update, claimedMetrics: [{ name: 'loss', value: -3 }] }),
        'claimedMetrics.loss',
        /0\.\.2\^64-1/,
      )
    })

    it('trainingSubmitAggregate', () => {
      const aggregate = {
        subnet: 1,
        round: 2,
        baseGlobalCid: cid(0),
        included: [{ trainer: account(1), updateCid: cid(5) }],
        resultCid: cid(7),
        newGlobalCid: cid(8),
      }
      refuses(() => messages.trainingSubmitAggregate({ ...aggregate, included: [] }), 'included', /1\.\.1024 updates/)
      refuses(
        () =>
          messages.trainingSubmitAggregate({
            ...aggregate,
            included: [
              { trainer: account(2), updateCid: cid(5) },
              { trainer: account(1), updateCid: cid(6) },
            ],
          }),
        'included',
        /ascending address order/,
      )
      refuses(
        () =>
          messages.trainingSubmitAggregate({
            ...aggregate,
            included: [
              { trainer: account(1), updateCid: cid(5) },
              { trainer: account(1), updateCid: cid(6) },
            ],
          }),
        'included',
        /each once/,
      )
      refuses(
        () => messages.trainingSubmitAggregate({ ...aggregate, included: [{ trainer: 'x', updateCid: cid(5) }] }),
        'included',
        /not a fedra1… address/,
      )
      refuses(
        () => messages.trainingSubmitAggregate({ ...aggregate, included: [{ trainer: account(1), updateCid: 'y' }] }),
        'included',
        /not a CID/,
      )
      refuses(() => messages.trainingSubmitAggregate({ ...aggregate, baseGlobalCid: '' }), 'baseGlobalCid', /not a CID/)
      refuses(() => messages.trainingSubmitAggregate({ ...aggregate, resultCid: 'z' }), 'resultCid', /not a CID/)
      refuses(() => messages.trainingSubmitAggregate({ ...aggregate, newGlobalCid: 'z' }), 'newGlobalCid', /not a CID/)
    })
  })
})

import assert from 'node:assert/strict'
import { encodeAddress } from '../../../src/crypto/index.js'
import { toRpcError } from '../../../src/rpc/dispatcher.js'
import { RpcError } from '../../../src/rpc/errors.js'
import { FEDRA_API } from '../../../src/rpc/index.js'
import type { RpcBackend } from '../../../src/rpc/backend.js'
import { coreMethodTable } from '../../../src/rpc/server.js'
import { resolveLimits } from '../../../src/rpc/limits.js'
import { SubscriptionHub } from '../../../src/rpc/subscriptions.js'
import { tempDirs } from '../../support/chain.js'
import { silentLog } from '../../unit/rpc/support/wire.js'
import { ADMIN, INITIAL_CID, TrainingChain, addr, honestAggregate, updateBlob } from '../../unit/modules/training/harness.js'
import { testKey } from '../../helpers/chain.js'

/** Accounts in address-byte order (the modules' order), as bech32. */
const byAddress = (accounts: number[]) =>
  accounts
    .map(addr)
    .sort(Buffer.compare)
    .map((a) => encodeAddress(a))
const ctx = { transport: 'http' as const, session: null, signal: new AbortController().signal }

const U = [
  { trainer: 2, values: [100, -200, 300, 0, 5, -5] },
  { trainer: 3, values: [120, -180, 280, 10, 5, -7] },
  { trainer: 4, values: [90, -210, 330, -10, 6, -4] },
]

/**
 * The subnet_/round_/model_/training_ methods over a real chain state (the training module
 * tests' chain: level in a temp dir) with subnet 0, one honest round aggregated and one lying
 * aggregate rejected: each answer passes its method's result schema (what the client checks)
 * and carries the latest height; malformed params are INVALID_PARAMS naming the field; the
 * modules' refusals are QUERY_FAILED with codespace and code.
 */
describe('RPC subnet, round and model methods over a real chain state', function () {
  this.timeout(30_000)
  const dirs = tempDirs()
  let chain: TrainingChain
  let table: ReturnType<typeof coreMethodTable>
  const blobs = U.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
  const expected = honestAggregate(U.map((u) => ({ values: u.values, weight: 100 })))

  before(async () => {
    chain = await TrainingChain.withSubnet(dirs.next())
    await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
    await chain.until(4)
    await chain.block(chain.aggregate(6, blobs, expected.modelCid, expected.modelCid)) // a lie: rejected, 6 slashed
    await chain.block(chain.aggregate(5, blobs, expected.aggregateCid, expected.modelCid))
    await chain.block() // the round closes; the version stays recorded at the block before
    const backend = {
      status: () => ({ latestHeight: chain.height }),
      queryApp: (module: string, name: string, params: Record<string, unknown>) => chain.app.query(module, name, params),
    } as unknown as RpcBackend
    const limits = resolveLimits()
    table = coreMethodTable({
      backend,
      hub: new SubscriptionHub(backend, limits, silentLog),
      limits,
      now: Date.now,
      log: silentLog,
      info: { title: 't', version: '0' },
    })
  })
  after(async () => {
    await chain.close()
    dirs.removeAll()
  })

  async function call(name: string, raw: unknown): Promise<any> {
    const entry = table.get(name)!
    try {
      const result = await entry.handler(entry.parseParams(raw), ctx)
      return FEDRA_API[name as keyof typeof FEDRA_API].result.parse(result, 'result')
    } catch (error) {
      throw error instanceof RpcError ? error : toRpcError(error, silentLog, name)
    }
  }

  async function refused(
    name: string,
    raw: unknown,
    code: 'INVALID_PARAMS' | 'QUERY_FAILED',
    data: Record<string, unknown>,
  ): Promise<void> {
    await assert.rejects(call(name, raw), (error: unknown) => {
      assert.ok(error instanceof RpcError, String(error))
      assert.equal(error.code, code, `${name} ${JSON.stringify(raw)}: ${error.message}`)
      for (const [key, value] of Object.entries(data))
        assert.equal(error.context[key], value, `${name} ${JSON.stringify(raw)}: data.${key} (${JSON.stringify(error.context)})`)
      return true
    })
  }

  it('every method answers within its result schema, with the latest height', async () => {
    const h = chain.height
    const subnet = await call('subnet_get', { id: '0' })
    assert.deepEqual(
      [subnet.height, subnet.id, subnet.initial_model_cid, subnet.trainers, subnet.aggregators, subnet.params.aggregation_rule],
      [h, '0', INITIAL_CID, 3, 2, 'fedavg'],
    )
    assert.deepEqual(
      (await call('subnet_list', {})).subnets.map((x: { id: string }) => x.id),
      ['0'],
    )
    const members = await call('subnet_members', { subnet: '0', role: 'aggregator' })
    assert.deepEqual(
      members.members.map((m: { address: string }) => m.address),
      byAddress([5, 6]),
    )
    assert.equal((await call('subnet_members', { subnet: '0' })).members.length, 5)
    assert.deepEqual((await call('subnet_allowList', { subnet: '0' })).allow_list, [])
    assert.equal((await call('subnet_params', {})).height, h)

    const round = await call('round_get', { subnet: '0' })
    assert.deepEqual([round.height, round.round, round.updates, round.version, round.rejections.length], [h, '0', 3, '1', 1])
    assert.equal(round.closed, true)
    assert.equal(round.rejections[0].aggregator, encodeAddress(addr(6)))
    assert.equal(round.rejections[0].expected_result_cid, expected.aggregateCid)
    assert.deepEqual(await call('round_get', { subnet: '0', round: '0' }), round)
    const updates = await call('round_updates', { subnet: '0', round: '0' })
    assert.deepEqual(
      updates.updates.map((u: { trainer: string }) => u.trainer),
      byAddress([2, 3, 4]),
    )

    const latest = await call('model_latest', { subnet: '0' })
    assert.deepEqual(
      [latest.height, latest.version, latest.parent, latest.global_cid, latest.aggregate_cid, latest.aggregator],
      [h, '1', '0', expected.modelCid, expected.aggregateCid, encodeAddress(addr(5))],
    )
    assert.notEqual(latest.recorded_height, String(h), 'the version names the block that recorded it, beside the height read at')
    assert.deepEqual(await call('model_version', { subnet: '0', version: '1' }), latest)
    assert.deepEqual(
      (await call('model_versions', { subnet: '0' })).versions.map((v: { version: string }) => v.version),
      ['0', '1'],
    )
    assert.deepEqual(await call('training_params', {}), {
      height: h,
      score_window: 0,
      gas_per_coordinate: '1',
      free_rider_memory_rounds: 0,
      min_update_norm: '1',
      near_copy_cosine: '1',
      free_rider_slash_fraction: '0.1',
      close_submit_when_full: false,
      envelope_admins: [testKey(ADMIN).publicKey.address],
    })
    // Positional params work as for every method.
    assert.equal((await call('model_version', ['0', '0'])).global_cid, INITIAL_CID)
  })

  it('a malformed param is INVALID_PARAMS naming the field, before any query runs', async () => {
    await refused('subnet_get', {}, 'INVALID_PARAMS', { field: 'params.id', reason: 'required' })
    await refused('subnet_get', { id: 'zero' }, 'INVALID_PARAMS', { field: 'params.id' })
    await refused('subnet_members', { subnet: '0', role: 'scorer' }, 'INVALID_PARAMS', { field: 'params.role' })
    await refused('subnet_list', { all: true }, 'INVALID_PARAMS', { field: 'params.all' })
    await refused('round_get', { subnet: '0', round: -1 }, 'INVALID_PARAMS', { field: 'params.round' })
    await refused('round_updates', { subnet: '0' }, 'INVALID_PARAMS', { field: 'params.round' })
    await refused('model_version', { subnet: '0', version: '1.5' }, 'INVALID_PARAMS', { field: 'params.version' })
    await refused('model_latest', [], 'INVALID_PARAMS', { field: 'params[0]' })
    await refused('training_params', { x: 1 }, 'INVALID_PARAMS', { field: 'params.x' })
  })

  it("a module's refusal is QUERY_FAILED with its codespace and code", async () => {
    await refused('subnet_get', { id: '9' }, 'QUERY_FAILED', { codespace: 'subnets', code: 'UNKNOWN_SUBNET' })
    await refused('subnet_members', { subnet: '9' }, 'QUERY_FAILED', { codespace: 'subnets', code: 'UNKNOWN_SUBNET' })
    await refused('round_get', { subnet: '9' }, 'QUERY_FAILED', { codespace: 'training', code: 'UNKNOWN_SUBNET' })
    await refused('round_get', { subnet: '0', round: '7' }, 'QUERY_FAILED', { codespace: 'training', code: 'UNKNOWN_ROUND' })
    await refused('round_updates', { subnet: '0', round: '7' }, 'QUERY_FAILED', { codespace: 'training', code: 'UNKNOWN_ROUND' })
    await refused('model_version', { subnet: '0', version: '5' }, 'QUERY_FAILED', { codespace: 'training', code: 'UNKNOWN_VERSION' })
    await refused('model_versions', { subnet: '3' }, 'QUERY_FAILED', { codespace: 'training', code: 'UNKNOWN_SUBNET' })
  })
})

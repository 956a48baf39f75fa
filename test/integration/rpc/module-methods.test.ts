import assert from 'node:assert/strict'
import { messages } from '../../../src/client/index.js'
import { PrivateKey, encodeAddress } from '../../../src/crypto/index.js'
import { toRpcError } from '../../../src/rpc/dispatcher.js'
import { RpcError } from '../../../src/rpc/errors.js'
import { FEDRA_API } from '../../../src/rpc/index.js'
import { MODULE_QUERIES } from '../../../src/rpc/handlers/modules.js'
import type { RpcBackend } from '../../../src/rpc/backend.js'
import { documentationTable, coreMethodTable } from '../../../src/rpc/server.js'
import { resolveLimits } from '../../../src/rpc/limits.js'
import { SubscriptionHub } from '../../../src/rpc/subscriptions.js'
import type { Application } from '../../../src/state/index.js'
import { signTx } from '../../../src/state/index.js'
import { CHAIN_ID, FEE, GENESIS_TIME, openApp, runBlocks, tempDir, testGenesisJson, testKey } from '../../helpers/chain.js'
import { silentLog } from '../../unit/rpc/support/wire.js'

const valoper = (key: PrivateKey) => encodeAddress(key.publicKey.addressBytes, 'fedravaloper')
const consensusKey = testKey(100)
const OPERATOR = testKey(0)
const DELEGATOR = testKey(1)
const SECOND = testKey(2)
const ctx = { transport: 'http' as const, session: null, signal: new AbortController().signal }

/**
 * The staking_/slashing_/distribution_ methods over a real Application (level in a temp dir)
 * whose genesis bonds one validator through staking's gen_validators, after blocks that create
 * a second validator, delegate, unbond and redelegate: every answer passes its method's result
 * schema (the client's check), carries the latest height, and every malformed param is
 * INVALID_PARAMS naming the field; module refusals become QUERY_FAILED with codespace and code.
 */
describe('RPC staking, slashing and distribution methods over a real chain state', function () {
  this.timeout(30_000)
  const dir = tempDir()
  let app: Application
  let table: ReturnType<typeof coreMethodTable>

  const tx = (key: PrivateKey, nonce: bigint, msgs: Uint8Array[]) =>
    signTx(key, { chainId: CHAIN_ID, nonce, fee: FEE, gasLimit: 400_000n, messages: msgs, memo: '' })
  const block = (height: number, txs: Uint8Array[]) => ({
    height,
    time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
    proposer: consensusKey.publicKey.addressBytes,
    txs,
  })

  before(async () => {
    const genesis = testGenesisJson() as { validators: unknown[]; app_state: Record<string, unknown> }
    genesis.validators = []
    genesis.app_state.staking = {
      gen_validators: [
        {
          operator: OPERATOR.publicKey.address,
          pub_key: consensusKey.publicKey.hex,
          moniker: 'v0',
          self_bond: '10000000',
          commission: { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01' },
        },
      ],
    }
    genesis.app_state.distribution = { params: { emission_per_block: '1000000' } }
    app = await openApp(`${dir.path}/state`, genesis)
    await runBlocks(app, [
      block(1, [
        tx(SECOND, 0n, [
          messages.stakingCreateValidator({
            pubKey: PrivateKey.fromSeed(new Uint8Array(32).fill(77)).publicKey.hex,
            moniker: 'v1',
            amount: '500000ufdr',
          }),
        ]),
        tx(DELEGATOR, 0n, [
          messages.stakingDelegate(valoper(OPERATOR), '3000000ufdr'),
          messages.stakingUndelegate(valoper(OPERATOR), '1000000ufdr'),
        ]),
      ]),
      block(2, [
        tx(DELEGATOR, 1n, [
          messages.stakingRedelegate(valoper(OPERATOR), valoper(SECOND), '100000ufdr'),
          messages.distributionFundCommunityPool('777ufdr'),
        ]),
      ]),
      block(3, []),
    ])
    const backend = {
      status: () => ({ latestHeight: app.height }),
      queryApp: (module: string, name: string, params: Record<string, unknown>) => app.query(module, name, params),
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
    await app.db.close()
    dir.remove()
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

  it('registers one method per module query, documented with the others', () => {
    const documented = documentationTable()
    for (const name of Object.keys(MODULE_QUERIES)) {
      assert.ok(table.get(name) !== undefined, name)
      assert.ok(documented.get(name) !== undefined, name)
      assert.deepEqual(FEDRA_API[name as keyof typeof FEDRA_API].errors, ['QUERY_FAILED'])
    }
  })

  it('every method answers within its result schema, with the latest height', async () => {
    const operator = valoper(OPERATOR)
    const delegator = DELEGATOR.publicKey.address
    const calls: [string, Record<string, unknown>][] = [
      ['staking_validators', {}],
      ['staking_validators', { status: 'unbonded' }],
      ['staking_validator', { validator: operator }],
      ['staking_delegation', { delegator, validator: operator }],
      ['staking_delegations', { delegator }],
      ['staking_validatorDelegations', { validator: OPERATOR.publicKey.address }],
      ['staking_unbondings', { delegator }],
      ['staking_redelegations', { delegator }],
      ['staking_params', {}],
      ['staking_pool', {}],
      ['slashing_signingInfo', { address: operator }],
      ['slashing_signingInfos', {}],
      ['slashing_params', {}],
      ['distribution_rewards', { delegator }],
      ['distribution_rewards', { delegator, validator: operator }],
      ['distribution_commission', { validator: operator }],
      ['distribution_outstanding', { validator: operator }],
      ['distribution_communityPool', {}],
      ['distribution_params', {}],
      ['distribution_withdrawAddress', { delegator }],
    ]
    const answers = new Map<string, any>()
    for (const [name, params] of calls) {
      const answer = await call(name, params)
      assert.equal(answer.height, 3, name)
      answers.set(`${name} ${JSON.stringify(params)}`, answer)
    }
    assert.deepEqual(
      answers
        .get('staking_validators {}')
        .validators.map((v: { moniker: string; status: string }) => `${v.moniker} ${v.status}`)
        .sort(),
      ['v0 bonded', 'v1 unbonded'],
    )
    assert.deepEqual(
      answers.get('staking_validators {"status":"unbonded"}').validators.map((v: { moniker: string }) => v.moniker),
      ['v1'],
    )
    assert.equal(answers.get(`staking_delegation ${JSON.stringify({ delegator, validator: operator })}`).balance, '1900000')
    assert.equal(answers.get(`staking_unbondings ${JSON.stringify({ delegator })}`).unbondings[0].entries[0].balance, '1000000')
    assert.equal(answers.get(`staking_redelegations ${JSON.stringify({ delegator })}`).redelegations[0].entries[0].shares_dst, '100000')
    assert.equal(
      answers.get(`slashing_signingInfo ${JSON.stringify({ address: operator })}`).address,
      encodeAddress(consensusKey.publicKey.addressBytes, 'fedravalcons'),
    )
    assert.equal(answers.get(`distribution_rewards ${JSON.stringify({ delegator })}`).rewards[0].validator, operator)
    // Positional params work as for every method.
    assert.equal((await call('staking_delegation', [delegator, operator])).balance, '1900000')
  })

  it('a malformed param is INVALID_PARAMS naming the field, before any query runs', async () => {
    const operator = valoper(OPERATOR)
    const cons = encodeAddress(consensusKey.publicKey.addressBytes, 'fedravalcons')
    await refused('staking_validators', { status: 'jailed' }, 'INVALID_PARAMS', { field: 'params.status' })
    await refused('staking_validators', { state: 'bonded' }, 'INVALID_PARAMS', { field: 'params.state' })
    await refused('staking_validator', {}, 'INVALID_PARAMS', { field: 'params.validator', reason: 'required' })
    await refused('staking_validator', { validator: cons }, 'INVALID_PARAMS', { field: 'params.validator' })
    await refused('staking_validator', { validator: operator.slice(0, -1) + (operator.endsWith('q') ? 'p' : 'q') }, 'INVALID_PARAMS', {
      field: 'params.validator',
    })
    await refused('staking_delegation', { delegator: operator, validator: operator }, 'INVALID_PARAMS', { field: 'params.delegator' })
    await refused('staking_delegation', { delegator: DELEGATOR.publicKey.address }, 'INVALID_PARAMS', { field: 'params.validator' })
    await refused('staking_delegations', { delegator: 42 }, 'INVALID_PARAMS', { field: 'params.delegator' })
    await refused('staking_validatorDelegations', [], 'INVALID_PARAMS', { field: 'params[0]' })
    await refused('staking_unbondings', { delegator: 'x' }, 'INVALID_PARAMS', { field: 'params.delegator' })
    await refused('staking_redelegations', { delegator: cons }, 'INVALID_PARAMS', { field: 'params.delegator' })
    await refused('staking_params', { x: 1 }, 'INVALID_PARAMS', { field: 'params.x' })
    await refused('staking_pool', [1], 'INVALID_PARAMS', { field: 'params[0]' })
    await refused('slashing_signingInfo', { address: 'abc' }, 'INVALID_PARAMS', { field: 'params.address' })
    await refused('slashing_signingInfo', { address: encodeAddress(new Uint8Array(20), 'cosmos') }, 'INVALID_PARAMS', {
      field: 'params.address',
    })
    await refused('slashing_signingInfos', { all: true }, 'INVALID_PARAMS', { field: 'params.all' })
    await refused('slashing_params', [null, 1], 'INVALID_PARAMS', { field: 'params[0]' })
    await refused('distribution_rewards', { validator: operator }, 'INVALID_PARAMS', { field: 'params.delegator' })
    await refused('distribution_rewards', { delegator: DELEGATOR.publicKey.address, validator: 'y' }, 'INVALID_PARAMS', {
      field: 'params.validator',
    })
    await refused('distribution_commission', { validator: null }, 'INVALID_PARAMS', { field: 'params.validator' })
    await refused('distribution_outstanding', { validator: '' }, 'INVALID_PARAMS', { field: 'params.validator' })
    await refused('distribution_communityPool', { denom: 'ufdr' }, 'INVALID_PARAMS', { field: 'params.denom' })
    await refused('distribution_params', [0], 'INVALID_PARAMS', { field: 'params[0]' })
    await refused('distribution_withdrawAddress', { delegator: operator }, 'INVALID_PARAMS', { field: 'params.delegator' })
  })

  it("a module's refusal is QUERY_FAILED with its codespace and code", async () => {
    const nobody = encodeAddress(new Uint8Array(20).fill(9), 'fedravaloper')
    const delegator = DELEGATOR.publicKey.address
    await refused('staking_validator', { validator: nobody }, 'QUERY_FAILED', { codespace: 'staking', code: 'UNKNOWN_VALIDATOR' })
    await refused('staking_validatorDelegations', { validator: nobody }, 'QUERY_FAILED', {
      codespace: 'staking',
      code: 'UNKNOWN_VALIDATOR',
    })
    await refused('staking_delegation', { delegator: testKey(5).publicKey.address, validator: valoper(OPERATOR) }, 'QUERY_FAILED', {
      codespace: 'staking',
      code: 'UNKNOWN_DELEGATION',
    })
    await refused('slashing_signingInfo', { address: nobody }, 'QUERY_FAILED', { codespace: 'slashing', code: 'INVALID_ADDRESS' })
    await refused('slashing_signingInfo', { address: valoper(SECOND) }, 'QUERY_FAILED', { codespace: 'slashing', code: 'NO_SIGNING_INFO' })
    await refused('distribution_rewards', { delegator, validator: nobody }, 'QUERY_FAILED', {
      codespace: 'distribution',
      code: 'UNKNOWN_VALIDATOR',
    })
    await refused('distribution_rewards', { delegator: testKey(5).publicKey.address, validator: valoper(OPERATOR) }, 'QUERY_FAILED', {
      codespace: 'distribution',
      code: 'NO_DELEGATION',
    })
    await refused('distribution_commission', { validator: nobody }, 'QUERY_FAILED', {
      codespace: 'distribution',
      code: 'UNKNOWN_VALIDATOR',
    })
    await refused('distribution_outstanding', { validator: nobody }, 'QUERY_FAILED', {
      codespace: 'distribution',
      code: 'UNKNOWN_VALIDATOR',
    })
  })
})

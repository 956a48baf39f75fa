import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { FedraClient, messages, signTx } from '../../../src/client/index.js'
import { PrivateKey, encodeAddress } from '../../../src/crypto/index.js'
import { Keyring } from '../../../src/crypto/keyring.js'
import { devnetOperator } from '../../../src/devnet/layout.js'
import { initHome } from '../../../src/node/home.js'
import { loadValidatorKey } from '../../../src/node/keys.js'
import { tempDir } from '../../helpers/chain.js'
import { RunningNode } from '../rpc/support/running-node.js'

/** Runs the real `fedra` command without blocking this process (bounded, FEDRA_* of the caller dropped). */
function fedra(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^FEDRA_(HOME|NODE|PASSPHRASE)$/.test(name)))
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/fedra.js', ...args],
      { env: { ...base, FEDRA_PASSPHRASE: 'pw' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr })
      },
    )
  })
}

const json = <T = any>(run: { code: number; stdout: string; stderr: string }, code = 0): T => {
  assert.equal(run.code, code, `exit ${run.code}\n${run.stderr}\n${run.stdout}`)
  return JSON.parse(run.stdout) as T
}

/**
 * Staking, slashing and distribution from the command line against a real `fedra start` node
 * (one validator bonded at genesis by staking's gen_validators, blocks every ~100 ms, emission
 * on): a funded key creates a second validator with `fedra tx staking create-validator` taking
 * the consensus key of another node home (as `--pubkey $(… show-validator)` would; its stake is
 * below one unit of power, so the chain keeps the one signer it has), another delegates to the
 * genesis validator, unbonds, cancels, redelegates and withdraws rewards; the genesis
 * validator's operator withdraws commission, edits and fails to unjail. Every answer is checked
 * through the CLI (tables and --json) and the typed client, which validates each result
 * against its method's schema.
 */
describe('fedra tx/query staking, slashing, distribution against a running node', function () {
  this.timeout(90_000)
  let node: RunningNode
  let client: FedraClient
  let home: string
  let url: string
  const dir = tempDir('fedra-e2e-staking-')
  const otherHome = `${dir.path}/other-node`
  const operator = { name: 'operator', key: devnetOperator(0) }
  const op = { name: 'op', key: PrivateKey.fromSeed(new Uint8Array(32).fill(1)) }
  const del = { name: 'del', key: PrivateKey.fromSeed(new Uint8Array(32).fill(2)) }
  const valoper0 = encodeAddress(devnetOperator(0).publicKey.addressBytes, 'fedravaloper')
  const valoper1 = encodeAddress(op.key.publicKey.addressBytes, 'fedravaloper')

  const tx = (...args: string[]) => fedra(['tx', ...args, '--home', home, '--node', url, '--json'])
  const query = (...args: string[]) => fedra(['query', ...args, '--node', url])

  before(async () => {
    node = await RunningNode.start({ accounts: 3, commitDelayMs: 100, chainId: 'fedra-e2e-staking-1' })
    home = node.home
    url = node.url
    client = new FedraClient({ url, validateResults: true, timeoutMs: 20_000 })
    initHome(otherHome, { chainId: 'fedra-e2e-staking-1', moniker: 'other', force: false, genesisTime: new Date() })
    const keyring = new Keyring(home)
    keyring.add(operator.name, operator.key, 'pw')
    keyring.add(del.name, del.key, 'pw')
    keyring.add('funder', node.wallets.key(0), 'pw')
    new Keyring(otherHome).add(op.name, op.key, 'pw')
    const status = await client.status()
    const fund = signTx(node.wallets.key(0), {
      chainId: status.nodeInfo.network,
      nonce: 0n,
      fee: 200n,
      gasLimit: 200_000n,
      messages: [op, del].map((who) => messages.bankSend(who.key.publicKey.address, [{ denom: 'ufdr', amount: 100_000_000n }])),
      memo: '',
    })
    const funded = await client.broadcastTx(fund, 'commit', 20_000)
    assert.equal(funded.result?.code, 0, funded.result?.log)
  })
  after(async () => {
    client?.close()
    await node?.stop()
    dir.remove()
  })

  it("keys show-validator prints a home's consensus key; create-validator takes it from --home", async () => {
    const shown = json(await fedra(['keys', 'show-validator', '--home', home, '--json']))
    const consensus = loadValidatorKey(home)!
    assert.deepEqual(shown, { pubKey: consensus.publicKey.hex, address: encodeAddress(consensus.publicKey.addressBytes, 'fedravalcons') })
    const genesisValidator = await client.call('staking_validator', { validator: valoper0 })
    assert.equal(genesisValidator.consensus_pubkey, shown.pubKey)

    const created = json(
      await fedra([
        'tx',
        'staking',
        'create-validator',
        op.name,
        '--amount',
        '500000ufdr',
        '--moniker',
        'val1',
        '--commission-rate',
        '0.05',
        '--commission-max-rate',
        '0.2',
        '--commission-max-change-rate',
        '0.01',
        '--min-self-delegation',
        '1',
        '--home',
        otherHome,
        '--node',
        url,
        '--json',
      ]),
    )
    assert.equal(created.result.code, 0, created.result.log)
    const v = await client.stakingValidator(valoper1)
    assert.equal(v.consensus_pubkey, loadValidatorKey(otherHome)!.publicKey.hex)
    assert.equal(v.moniker, 'val1')
    assert.equal(v.tokens, '500000')
    assert.equal(v.power, '0')
    assert.equal(v.status, 'unbonded')
    assert.equal(v.commission.rate, '0.05')

    const [again, table] = await Promise.all([
      fedra(['tx', 'staking', 'create-validator', 'funder', '--amount', '500000ufdr', '--moniker', 'dup', '--home', home, '--node', url]),
      query('staking', 'validators'),
    ])
    assert.equal(again.code, 1, 'the node key is taken by the genesis validator: the tx fails on chain')
    assert.match(again.stdout, /^result\s+failed staking\/\d+: .*VALIDATOR_EXISTS/m)
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout, /^moniker\s+operator\s+status\s+jailed\s+power\s+tokens\s+commission$/m)
    assert.match(table.stdout, new RegExp(`^validator0\\s+${valoper0}\\s+bonded\\s+no\\s+10\\s+10000000\\s+0\\.1$`, 'm'))
    assert.match(table.stdout, new RegExp(`^val1\\s+${valoper1}\\s+unbonded\\s+no\\s+0\\s+500000\\s+0\\.05$`, 'm'))
    const bonded = json(await query('staking', 'validators', '--status', 'bonded', '--json'))
    assert.deepEqual(
      bonded.validators.map((x: { moniker: string }) => x.moniker),
      ['validator0'],
    )
    const unbonded = await client.stakingValidators('unbonded')
    assert.deepEqual(
      unbonded.validators.map((x) => x.operator),
      [valoper1],
    )
  })

  it('delegate, unbond, cancel-unbond, redelegate; queries and RPC answers agree', async () => {
    const delegator = del.key.publicKey.address
    assert.equal(json(await tx('staking', 'delegate', del.name, valoper0, '3000000ufdr')).result.code, 0)
    const unbond = json(await tx('staking', 'unbond', del.name, valoper0, '1000000ufdr'))
    assert.equal(unbond.result.code, 0, unbond.result.log)
    const { unbondings } = await client.call('staking_unbondings', { delegator })
    assert.equal(unbondings.length, 1)
    const entry = unbondings[0]!.entries[0]!
    assert.equal(entry.balance, '1000000')
    assert.equal(entry.creation_height, String(unbond.height))
    const cancel = json(await tx('staking', 'cancel-unbond', del.name, valoper0, '400000ufdr', entry.creation_height))
    assert.equal(cancel.result.code, 0, cancel.result.log)
    const redelegate = json(await tx('staking', 'redelegate', del.name, valoper0, valoper1, '100000ufdr'))
    assert.equal(redelegate.result.code, 0, redelegate.result.log)

    const d = await client.call('staking_delegation', { delegator, validator: valoper0 })
    assert.equal(d.balance, String(3_000_000 - 1_000_000 + 400_000 - 100_000))
    const [delegations, unbondingsTable, redelegations, toVal, pool, params] = await Promise.all([
      query('staking', 'delegations', delegator, '--json'),
      query('staking', 'unbondings', delegator),
      client.call('staking_redelegations', { delegator }),
      client.call('staking_validatorDelegations', { validator: valoper0 }),
      client.call('staking_pool'),
      client.call('staking_params'),
    ])
    assert.deepEqual((await client.delegations(delegator)).delegations, json(delegations).delegations)
    assert.deepEqual(
      json(delegations)
        .delegations.map((x: { validator: string; balance: string }) => `${x.validator} ${x.balance}`)
        .sort(),
      [`${valoper0} 2300000`, `${valoper1} 100000`].sort(),
    )
    assert.match(unbondingsTable.stdout, new RegExp(`^${valoper0}\\s+${entry.creation_height}\\s+\\S+\\s+600000\\s+600000$`, 'm'))
    assert.equal(redelegations.redelegations[0]!.source, valoper0)
    assert.equal(redelegations.redelegations[0]!.destination, valoper1)
    assert.deepEqual(toVal.delegations.map((x) => x.delegator).sort(), [operator.key.publicKey.address, delegator].sort())
    assert.equal(pool.bonded_tokens, '12300000')
    assert.equal(params.bond_denom, 'ufdr')
    assert.ok(pool.height >= unbond.height!)
    assert.equal((await client.call('staking_validator', { validator: valoper0 })).power, '12')
  })

  it('withdraws rewards and commission, sets a withdraw address, funds the pool; distribution queries answer', async () => {
    const delegator = del.key.publicKey.address
    await node.waitForHeight((await node.height()) + 2)
    const rewards = await client.rewards(delegator, valoper0)
    assert.equal(rewards.rewards[0]!.validator, valoper0)
    assert.ok(
      rewards.total.some((c) => c.denom === 'ufdr' && Number(c.amount) > 0),
      JSON.stringify(rewards),
    )
    const table = await query('distribution', 'rewards', delegator)
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout, /^total\s+\S+ufdr$/m)

    // Three signers at once: the delegator, the genesis validator's operator, the second validator's.
    const target = node.wallets.address(2)
    const [withdraw, all, fund] = await Promise.all([
      tx('distribution', 'withdraw-rewards', del.name, valoper0),
      tx('distribution', 'withdraw-rewards', operator.name, '--commission'),
      fedra(['tx', 'distribution', 'fund-community-pool', op.name, '12345ufdr', '--home', otherHome, '--node', url, '--json']),
    ])
    for (const run of [withdraw, all, fund]) assert.equal(json(run).result.code, 0, run.stdout)
    assert.equal(json(await tx('distribution', 'set-withdraw-addr', del.name, target)).result.code, 0)

    const [withdrawAddress, pool, commission, outstanding, params, poolTable, commissionTable] = await Promise.all([
      client.call('distribution_withdrawAddress', { delegator }),
      client.call('distribution_communityPool'),
      client.call('distribution_commission', { validator: valoper0 }),
      client.call('distribution_outstanding', { validator: operator.key.publicKey.address }),
      client.call('distribution_params'),
      query('distribution', 'community-pool'),
      query('distribution', 'commission', valoper0),
    ])
    assert.equal(withdrawAddress.withdraw_address, target)
    const ufdr = pool.pool.find((c) => c.denom === 'ufdr')
    assert.ok(ufdr !== undefined && Number(ufdr.amount) >= 12345, JSON.stringify(pool))
    assert.equal(commission.validator, valoper0)
    assert.equal(outstanding.validator, valoper0)
    assert.equal(params.emission_per_block, '1000000')
    assert.match(poolTable.stdout, /^pool\s+\S+ufdr$/m)
    assert.match(commissionTable.stdout, new RegExp(`^validator\\s+${valoper0}$`, 'm'))
  })

  it('slashing: signing info by operator and consensus address, params; unjail of a validator not jailed fails on chain (exit 1); edit-validator', async () => {
    const consensus = encodeAddress(loadValidatorKey(home)!.publicKey.addressBytes, 'fedravalcons')
    const [byOperator, byConsensus, infos, params, infosTable] = await Promise.all([
      client.signingInfo(valoper0),
      query('slashing', 'signing-info', consensus, '--json'),
      client.call('slashing_signingInfos'),
      client.call('slashing_params'),
      query('slashing', 'signing-infos'),
    ])
    assert.equal(byOperator.address, consensus)
    assert.equal(json(byConsensus).address, consensus)
    assert.ok(infos.signing_infos.some((i) => i.address === consensus))
    assert.match(params.min_signed_per_window, /^[0-9.]+$/)
    assert.match(infosTable.stdout, new RegExp(`^${consensus}\\s+\\d+\\s+\\d+\\s+-\\s+no$`, 'm'))
    const [unjail, editRun] = await Promise.all([
      tx('slashing', 'unjail', operator.name),
      fedra([
        'tx',
        'staking',
        'edit-validator',
        op.name,
        '--moniker',
        'val1-renamed',
        '--min-self-delegation',
        '2',
        '--home',
        otherHome,
        '--node',
        url,
      ]),
    ])
    assert.equal(unjail.code, 1, unjail.stderr)
    assert.notEqual(JSON.parse(unjail.stdout).result.code, 0)
    assert.equal(editRun.code, 0, editRun.stderr + editRun.stdout)
    assert.match(editRun.stdout, new RegExp(`^validator\\s+${valoper1}$`, 'm'))
    const shown = await query('staking', 'validator', valoper1)
    assert.match(shown.stdout, /^moniker\s+val1-renamed$/m)
    assert.match(shown.stdout, /^commission\s+0\.05 \(max 0\.2, max change 0\.01\)$/m)
    assert.match(shown.stdout, /^min self-delegation\s+2$/m)
  })

  it('module refusals are QUERY_FAILED with codespace and code; bad params INVALID_PARAMS naming the field', async () => {
    const unknown = encodeAddress(new Uint8Array(20).fill(7), 'fedravaloper')
    await assert.rejects(
      client.call('staking_validator', { validator: unknown }),
      (e: any) => e.is('QUERY_FAILED') && e.context.data.codespace === 'staking' && e.context.data.code === 'UNKNOWN_VALIDATOR',
    )
    await assert.rejects(
      client.call('staking_validator', { validator: 'fedra1xyz' }),
      (e: any) => e.is('INVALID_PARAMS') && e.context.data.field === 'params.validator',
    )
    const cli = await query('staking', 'validator', unknown)
    assert.equal(cli.code, 1)
    assert.match(cli.stderr, /no validator/)
  })
})

import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { PrivateKey, encodeAddress } from '../../../../src/crypto/index.js'
import type { ChainApp } from '../../../../src/node/chain-app.js'
import { MsgCreateValidator, MsgDelegate, MsgRedelegate, MsgUndelegate, STAKING_ERRORS } from '../../../../src/modules/staking/index.js'
import { Application, Dec, StateDB, StateError, parseGenesis, signTx } from '../../../../src/state/index.js'
import { CHAIN_ID, FEE } from '../../../helpers/chain.js'
import { VALIDATORS, openChain, proposeNext, tempDirs } from '../../../support/chain.js'
import { COMPOSITION, MILLION, STAKING_EXTRA, addr, coin, stakingGenesisJson, stakingRegistry, testKey } from './harness.js'

const NEW_KEY = PrivateKey.fromSeed(new Uint8Array(32).fill(77))
const KEYS = [...VALIDATORS, NEW_KEY]
const genValidators = (selfBond = 10n * MILLION) =>
  VALIDATORS.map((key, i) => ({
    operator: testKey(i).publicKey.address,
    pub_key: key.publicKey.hex,
    moniker: `v${i}`,
    self_bond: String(selfBond),
    commission: { rate: '0.05', max_rate: '0.2', max_change_rate: '0.01' },
  }))
const nonces = new Map<number, bigint>()
function tx(from: number, messages: Uint8Array[]): Uint8Array {
  const nonce = nonces.get(from) ?? 0n
  nonces.set(from, nonce + 1n)
  return signTx(testKey(from), { chainId: CHAIN_ID, nonce, fee: FEE, gasLimit: 2_000_000n, messages, memo: '' })
}
const power = (set: ReturnType<ChainApp['tip']>['validators'], key: PrivateKey) =>
  set.validators.find((v) => v.address === key.publicKey.address)?.votingPower

const subtree = (db: StateDB, prefix: string) =>
  [...db.iterate(Buffer.from(prefix))].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`)

async function next(chain: ChainApp, txs: Uint8Array[] = []) {
  const { block, commit } = proposeNext(chain, KEYS, { txs })
  await chain.commitBlock(block, commit)
  chain.state.assertInvariants()
  return (await chain.state.blockResults(block.header.height))!
}

describe('staking on a chain', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  beforeEach(() => nonces.clear())

  it('gen_validators form the genesis set; delegations and a new validator reach consensus at H+2', async () => {
    const chain = await openChain(dirs.next(), stakingGenesisJson({ gen_validators: genValidators() }), STAKING_EXTRA, COMPOSITION)
    assert.deepEqual(
      chain.tip().validators.validators.map((v) => v.votingPower),
      [10n, 10n, 10n, 10n],
    )
    const results = await next(chain, [
      tx(4, [encode(MsgDelegate, { validator: addr(0), amount: coin(5n * MILLION) })]),
      tx(5, [
        encode(MsgCreateValidator, {
          pubKey: NEW_KEY.publicKey.bytes,
          moniker: 'new',
          commissionRate: Dec.parse('0.1'),
          commissionMaxRate: Dec.parse('0.2'),
          commissionMaxChangeRate: Dec.parse('0.01'),
          minSelfDelegation: 1n,
          value: coin(3n * MILLION),
        }),
      ]),
    ])
    assert.deepEqual(
      results.txResults.map((r) => r.code),
      [0, 0],
    )
    if (process.env.STAKING_GAS) console.log(results.txResults.map((r) => r.gasUsed))
    const height = chain.tip().height
    assert.equal(power(chain.tip().validators, VALIDATORS[0]!), 10n, `the set of ${height + 1} is not changed yet`)
    assert.equal(power(chain.tip().nextValidators, VALIDATORS[0]!), 15n, `the set of ${height + 2} carries the delegation`)
    assert.equal(power(chain.tip().nextValidators, NEW_KEY), 3n)
    await next(chain)
    assert.equal(power(chain.tip().validators, NEW_KEY), 3n)
    // The new validator signs from now on; it leaves the set when its operator unbonds all.
    await next(chain, [tx(5, [encode(MsgUndelegate, { validator: addr(5), amount: coin(3n * MILLION) })])])
    assert.equal(power(chain.tip().nextValidators, NEW_KEY), undefined)
    await next(chain)
    await next(chain)
    assert.equal(power(chain.tip().validators, NEW_KEY), undefined)
    await chain.state.db.close()
  })

  it('a refused message fails its tx with the staking code and leaves no trace', async () => {
    const chain = await openChain(dirs.next(), stakingGenesisJson({ gen_validators: genValidators() }), STAKING_EXTRA, COMPOSITION)
    const results = await next(chain, [
      tx(4, [encode(MsgRedelegate, { source: addr(0), destination: addr(0), amount: coin(1n) })]),
      tx(5, [encode(MsgUndelegate, { validator: addr(0), amount: coin(1n) })]),
      tx(6, [encode(MsgDelegate, { validator: addr(0), amount: { denom: 'uatom', amount: 1n } })]),
    ])
    const [stateless, ...stateful] = results.txResults
    // A message's stateless check (validate) fails the tx before execution, naming the staking code.
    assert.equal(stateless!.codespace, 'tx')
    assert.match(stateless!.log, /SAME_VALIDATOR/)
    assert.deepEqual(
      stateful.map((r) => [r.codespace, r.code]),
      [
        ['staking', STAKING_ERRORS.UNKNOWN_DELEGATION],
        ['staking', STAKING_ERRORS.BAD_DENOM],
      ],
    )
    await chain.state.db.close()
  })

  it('export then init in a fresh chain gives the same state root', async () => {
    const chain = await openChain(dirs.next(), stakingGenesisJson({ gen_validators: genValidators() }), STAKING_EXTRA, COMPOSITION)
    await next(chain, [
      tx(4, [encode(MsgDelegate, { validator: addr(0), amount: coin(5n * MILLION) })]),
      tx(5, [encode(MsgDelegate, { validator: addr(1), amount: coin(2n * MILLION) })]),
    ])
    await next(chain, [
      tx(4, [encode(MsgUndelegate, { validator: addr(0), amount: coin(MILLION) })]),
      tx(5, [encode(MsgRedelegate, { source: addr(1), destination: addr(2), amount: coin(MILLION) })]),
    ])
    await next(chain, [tx(0, [encode(MsgUndelegate, { validator: addr(0), amount: coin(10n * MILLION) })])])
    await next(chain)
    const exported = chain.state.exportAppState()
    const staking = exported.staking as Record<string, unknown[]>
    assert.equal(staking.unbonding_delegations!.length, 2)
    assert.equal(staking.redelegations!.length, 1)
    const json = { ...stakingGenesisJson(), app_state: exported }
    const registry = stakingRegistry()
    const fresh = new Application(await StateDB.open(dirs.next()), registry, parseGenesis(json, registry))
    await fresh.initChain()
    // auth's export keeps nonces, not public keys, so the whole root differs by auth's records alone: compare the rest.
    for (const prefix of ['staking/', 'bank/']) assert.deepEqual(subtree(fresh.db, prefix), subtree(chain.state.db, prefix), prefix)
    fresh.assertInvariants()
    assert.deepEqual(fresh.exportAppState(), exported)
    const set = await fresh.genesisValidators()
    assert.deepEqual(
      set.map((v) => v.power),
      [11n, 11n, 10n],
      'v0 is jailed: its operator unbonded all of its self-delegation',
    )
    await fresh.db.close()
    await chain.state.db.close()
  })

  it('refuses a genesis whose pools do not match the records, and a gen_validator the bank cannot fund', async () => {
    const registry = stakingRegistry()
    const unfunded = stakingGenesisJson({
      gen_validators: [
        { operator: encodeAddress(new Uint8Array(20).fill(9)), pub_key: VALIDATORS[0]!.publicKey.hex, moniker: 'x', self_bond: '5' },
      ],
    })
    await assert.rejects(
      new Application(await StateDB.open(dirs.next()), registry, parseGenesis(unfunded, registry)).initChain(),
      (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID' && /gen_validators\[0\]/.test(e.message),
    )
    const chain = await openChain(dirs.next(), stakingGenesisJson({ gen_validators: genValidators() }), STAKING_EXTRA, COMPOSITION)
    const exported = chain.state.exportAppState() as { staking: { validators: { tokens: string }[] } }
    exported.staking.validators[0]!.tokens = '1'
    const bad = { ...stakingGenesisJson(), app_state: exported }
    await assert.rejects(
      new Application(await StateDB.open(dirs.next()), registry, parseGenesis(bad, registry)).initChain(),
      (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID' && /bonded_pool/.test(e.message),
    )
    const mismatched = chain.state.exportAppState() as { staking: { delegations: { shares: string }[] } }
    mismatched.staking.delegations[0]!.shares = '7'
    await assert.rejects(
      new Application(
        await StateDB.open(dirs.next()),
        registry,
        parseGenesis({ ...stakingGenesisJson(), app_state: mismatched }, registry),
      ).initChain(),
      (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID' && /\(shares\)/.test(e.message),
    )
    assert.throws(() => parseGenesis(stakingGenesisJson({ nope: 1 }), registry), /no such staking genesis field/)
    assert.throws(() => parseGenesis(stakingGenesisJson({ params: { max_validators: 0 } }), registry), /max_validators/)
    assert.throws(() => parseGenesis(stakingGenesisJson({ params: { bond_denom: 'X' } }), registry), /bond denomination/)
    await chain.state.db.close()
  })

  it('with no staking validators the genesis set stays genesis.validators', async () => {
    const chain = await openChain(dirs.next(), stakingGenesisJson(), STAKING_EXTRA, COMPOSITION)
    assert.deepEqual(
      chain.tip().validators.validators.map((v) => v.votingPower),
      [10n],
    )
    await chain.state.db.close()
  })
})

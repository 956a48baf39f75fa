import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.js'
import { encodeAddress } from '../../../src/crypto/index.js'
import { FEE_COLLECTOR, moduleAddress } from '../../../src/modules/index.js'
import {
  CacheStore,
  Context,
  GasMeter,
  PARAMS_ERRORS,
  PARAMS_KEY,
  StateError,
  outsideBlock,
  parseGenesis,
} from '../../../src/state/index.js'
import { FEE, testGenesisJson, testKey } from '../../helpers/chain.js'
import { commitTxs, openTestApp, signedTx, tempDirs, testRegistry } from '../../support/chain.js'
import { MsgBump, MsgSetParams, TUNABLE_ERRORS, governModule, tunableModule } from '../../support/modules/tunable/index.js'

const MODULES = [tunableModule, governModule]
const COMPOSITION = { paramsAuthorities: ['govern'] }
const genesisWith = (tunable: unknown, bank?: unknown) => {
  const base = testGenesisJson() as { app_state: Record<string, unknown> }
  return { ...base, app_state: { ...base.app_state, tunable, ...(bank === undefined ? {} : { bank }) } }
}
const genesisError = (json: Record<string, unknown>) => {
  try {
    parseGenesis(json, testRegistry(MODULES, COMPOSITION))
  } catch (error) {
    assert.ok(error instanceof StateError && error.code === 'GENESIS_INVALID', String(error))
    return error.context.path
  }
  return undefined
}

describe('module params', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  const open = (json: Record<string, unknown> = genesisWith({ params: { step: 5 } })) =>
    openTestApp(dirs.next(), MODULES, COMPOSITION, json)
  let nonce = 0n
  const tx = (message: Uint8Array) => signedTx(0, nonce++, [message])
  beforeEach(() => (nonce = 0n))

  it('are set at genesis, stored under the module and read through its keeper', async () => {
    const app = await open()
    assert.deepEqual(app.query('tunable', 'params'), { step: 5 })
    await commitTxs(app, [tx(encode(MsgBump, {})), tx(encode(MsgBump, {}))])
    assert.equal(app.query('tunable', 'counter'), 10)
    assert.deepEqual((app.exportAppState().tunable as { params: unknown }).params, { step: 5 })
    await app.db.close()
  })

  it('take the defaults for what genesis leaves out', async () => {
    const app = await open(genesisWith({}))
    assert.deepEqual(app.query('tunable', 'params'), { step: 1 })
    await app.db.close()
  })

  it('change by a message of a params authority, through the ParamsKeeper, from the next message on', async () => {
    const app = await open()
    const executed = await commitTxs(app, [tx(encode(MsgSetParams, { module: 'tunable', step: 7 })), tx(encode(MsgBump, {}))])
    assert.deepEqual(
      executed.txResults.map((r) => r.code),
      [0, 0],
    )
    assert.ok(
      executed.txResults[0]!.events.some(
        (e) => e.type === 'params_changed' && e.attributes.some(([k, v]) => k === 'params' && v === '{"step":7}'),
      ),
    )
    assert.equal(app.query('tunable', 'counter'), 7)
    await app.db.close()
  })

  /** A MsgSetParams refused with (codespace, code); the tunable params stay as genesis set them. */
  const refusedSet = async (module: string, step: number, codespace: string, code: number) => {
    const app = await open()
    const [result] = (await commitTxs(app, [tx(encode(MsgSetParams, { module, step }))])).txResults
    assert.deepEqual([result!.codespace, result!.code], [codespace, code], result!.log)
    assert.deepEqual(app.query('tunable', 'params'), { step: 5 })
    await app.db.close()
  }

  it("refuse a value the module's checks reject, with the module's code, and keep the old value", () =>
    refusedSet('tunable', 0, 'tunable', TUNABLE_ERRORS.INVALID_PARAMS))
  it('refuse setting params of a module that has none', () => refusedSet('auth', 3, 'params', PARAMS_ERRORS.UNKNOWN_PARAMS))

  it('give the ParamsKeeper only to params authorities', () => {
    const registry = testRegistry(MODULES, COMPOSITION)
    const ctx = new Context(
      outsideBlock('c', 1),
      new CacheStore({ get: () => undefined, *iterate() {} }),
      new GasMeter(10n ** 9n),
      registry,
    )
    assert.ok(ctx.forModule('govern').paramsKeeper())
    assert.throws(
      () => ctx.forModule('tunable').paramsKeeper(),
      (e: unknown) => e instanceof StateError && e.code === 'SCOPE_VIOLATION',
    )
  })

  it("are out of reach of the module's own writes: only genesis and the ParamsKeeper write them", () => {
    const registry = testRegistry(MODULES, COMPOSITION)
    const ctx = new Context(
      outsideBlock('c', 1),
      new CacheStore({ get: () => undefined, *iterate() {} }),
      new GasMeter(10n ** 9n),
      registry,
    ).forModule('tunable')
    assert.throws(
      () => ctx.moduleStore().set(PARAMS_KEY, Uint8Array.of(1)),
      (e: unknown) => e instanceof StateError && e.code === 'SCOPE_VIOLATION',
    )
    assert.throws(
      () => ctx.moduleStore().delete(PARAMS_KEY),
      (e: unknown) => e instanceof StateError && e.code === 'SCOPE_VIOLATION',
    )
    assert.equal(ctx.moduleStore().get(PARAMS_KEY), undefined)
  })

  it('refuse bad genesis params, naming the field', () => {
    assert.equal(genesisError(genesisWith({ params: { step: 0 } })), 'app_state.tunable.params')
    assert.equal(genesisError(genesisWith({ params: { step: 'five' } })), 'app_state.tunable.params.step')
    assert.equal(genesisError(genesisWith({ params: { stride: 2 } })), 'app_state.tunable.params.stride')
    const base = genesisWith({}) as { app_state: Record<string, unknown> }
    assert.equal(genesisError({ ...base, app_state: { ...base.app_state, auth: { params: {} } } }), 'app_state.auth.params')
  })

  describe("bank's fee denomination is a bank param", () => {
    it('fees are charged in the denomination genesis sets', async () => {
      const json = genesisWith(
        {},
        {
          params: { fee_denom: 'ustake' },
          balances: [{ address: encodeAddress(new Uint8Array(20)), coins: [{ denom: 'ufdr', amount: '1' }] }],
        },
      )
      const funded = json as { app_state: { bank: { balances: unknown[] } } }
      funded.app_state.bank.balances.push({ address: testKey(0).publicKey.address, coins: [{ denom: 'ustake', amount: '1000' }] })
      const app = await open(json)
      assert.deepEqual(app.query('bank', 'params'), { fee_denom: 'ustake' })
      await commitTxs(app, [tx(encode(MsgBump, {}))])
      const collector = app.query('bank', 'balance', { address: encodeAddress(moduleAddress(FEE_COLLECTOR)), denom: 'ustake' }) as {
        amount: string
      }
      assert.equal(collector.amount, String(FEE))
      await app.db.close()
    })

    it('refuses an invalid fee denomination and the old top-level fee_denom', () => {
      assert.equal(genesisError(genesisWith({}, { params: { fee_denom: 'X' } })), 'app_state.bank.params')
      assert.equal(genesisError(genesisWith({}, { fee_denom: 'ufdr' })), 'app_state.bank.fee_denom')
    })
  })
})

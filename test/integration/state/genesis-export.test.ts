import assert from 'node:assert/strict'
import { accountKey, parseAccountKey } from '../../../src/modules/auth/index.js'
import { balanceKey, parseBalanceKey, parseSupplyKey, supplyKey } from '../../../src/modules/bank/index.js'
import { openApp, runBlocks, testGenesisJson, transferBlocks } from '../../helpers/chain.js'
import { tempDirs } from '../../support/chain.js'

describe('auth and bank genesis: export, then init from the export', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('a chain started from an export exports the same app state, books intact', async () => {
    const app = await openApp(dirs.next())
    await runBlocks(app, transferBlocks(3, 20), () => app.assertInvariants())
    const exported = app.exportAppState()
    const restarted = await openApp(dirs.next(), { ...testGenesisJson(), app_state: exported })
    restarted.assertInvariants()
    assert.deepEqual(restarted.exportAppState(), exported)
    assert.deepEqual(restarted.query('bank', 'supply'), app.query('bank', 'supply'))
    const nonces = (a: typeof app) => (a.exportAppState().auth as { accounts: { nonce: string }[] }).accounts.map((x) => x.nonce)
    assert.ok(nonces(restarted).some((n) => n !== '0'))
    await app.db.close()
    await restarted.db.close()
  })
})

describe('keys: every builder has a parser', () => {
  const address = Uint8Array.from({ length: 20 }, (_, i) => i + 1)
  it('bank balance and supply keys parse back to what built them', () => {
    assert.deepEqual(parseBalanceKey(balanceKey(address, 'ibc/abc')), { address, denom: 'ibc/abc' })
    assert.equal(parseSupplyKey(supplyKey('ufdr')), 'ufdr')
  })
  it('auth account keys parse back to the address', () => assert.deepEqual(parseAccountKey(accountKey(address)), address))
  it('parsers refuse keys of another layout', () => {
    assert.throws(() => parseBalanceKey(supplyKey('ufdr')), /not a bank balance key/)
    assert.throws(() => parseSupplyKey(balanceKey(address, 'ufdr')), /not a bank supply key/)
    assert.throws(() => parseAccountKey(accountKey(address).subarray(0, 20)), /not an auth account key/)
  })
})

import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.js'
import { encodeAddress } from '../../../src/crypto/index.js'
import { BANK_ERRORS, MsgSend, moduleAddress } from '../../../src/modules/index.js'
import type { Application, Composition } from '../../../src/state/index.js'
import { tempDir, testKey } from '../../helpers/chain.js'
import { commitTxs, openTestApp, signedTx } from '../../support/chain.js'
import { MsgTreasury, treasuryModule } from '../../support/modules/treasury/index.js'

const COMPOSITION: Composition = {
  moduleAccounts: {
    treasury: { owner: 'treasury', permissions: ['minter'] },
    furnace: { owner: 'treasury', permissions: ['burner'] },
    bank_pool: { owner: 'bank', permissions: ['minter', 'burner'] },
  },
}
const NOBODY = new Uint8Array(20)

describe('module accounts and their permissions', () => {
  let dir: ReturnType<typeof tempDir>
  let app: Application
  let nonce: bigint
  const supply = () => BigInt((app.query('bank', 'supply') as { supply: { amount: string }[] }).supply[0]!.amount)
  const readBalance = (address: Uint8Array): bigint =>
    BigInt((app.query('bank', 'balance', { address: encodeAddress(address), denom: 'ufdr' }) as { amount: string }).amount)
  /** One treasury message from account 0 in its own block; returns its result (invariants checked after the block). */
  const act = async (action: string, account: string, amount: bigint, to: Uint8Array = NOBODY) => {
    const executed = await commitTxs(app, [signedTx(0, nonce++, [encode(MsgTreasury, { action, account, to, amount })])])
    return executed.txResults[0]!
  }
  const refused = async (action: string, account: string, code: keyof typeof BANK_ERRORS, pattern: RegExp) => {
    const before = supply()
    const result = await act(action, account, 100n)
    assert.equal(result.codespace, 'bank', result.log)
    assert.equal(result.code, BANK_ERRORS[code], result.log)
    assert.match(result.log, pattern)
    assert.equal(supply(), before)
  }

  beforeEach(async () => {
    dir = tempDir()
    app = await openTestApp(dir.path, [treasuryModule], COMPOSITION)
    nonce = 0n
  })
  afterEach(async () => {
    await app.db.close()
    dir.remove()
  })

  it('a minter account its module owns mints, and the supply grows by exactly that', async () => {
    const before = supply()
    assert.equal((await act('mint', 'treasury', 500n)).code, 0)
    assert.equal(supply(), before + 500n)
    assert.equal(readBalance(moduleAddress('treasury')), 500n)
  })

  it('a module cannot mint into its own account without the minter permission', () =>
    refused('mint', 'furnace', 'UNAUTHORIZED', /lacks the minter permission/))
  it('a module cannot burn from its own account without the burner permission', () =>
    refused('burn', 'treasury', 'UNAUTHORIZED', /lacks the burner permission/))
  it('a module cannot mint into an account another module owns, even one that may mint', () =>
    refused('mint', 'bank_pool', 'UNAUTHORIZED', /does not own/))
  it('a module cannot burn from an account another module owns', () => refused('burn', 'bank_pool', 'UNAUTHORIZED', /does not own/))
  it('a module cannot pay out of an account another module owns', () => refused('payout', 'fee_collector', 'UNAUTHORIZED', /does not own/))
  it('an account that composition did not declare is refused', () =>
    refused('mint', 'nowhere', 'UNKNOWN_MODULE_ACCOUNT', /no module account nowhere/))

  it('deposit, burn and pay out move coins and the supply only as the rules say', async () => {
    const before = supply()
    assert.equal((await act('deposit', 'furnace', 300n)).code, 0)
    assert.equal((await act('burn', 'furnace', 120n)).code, 0)
    assert.equal(supply(), before - 120n)
    assert.equal(readBalance(moduleAddress('furnace')), 180n)
    assert.equal((await act('payout', 'furnace', 80n, testKey(5).publicKey.addressBytes)).code, 0)
    assert.equal(readBalance(moduleAddress('furnace')), 100n)
    assert.equal(supply(), before - 120n)
  })

  it('MsgSend to a module account is refused: coins reach one only through sendToModule', async () => {
    const to = moduleAddress('treasury')
    const executed = await commitTxs(app, [signedTx(0, nonce++, [encode(MsgSend, { to, amount: [{ denom: 'ufdr', amount: 5n }] })])])
    assert.equal(executed.txResults[0]!.code, BANK_ERRORS.INVALID_RECIPIENT)
    assert.equal(readBalance(to), 0n)
  })
})

import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { BANK_ERRORS, FEE_COLLECTOR, MsgSend, moduleAddress } from '../../../src/modules/index.js'
import { type Application, TX_CODES, TxError, decodeTx, signTx } from '../../../src/state/index.js'
import { CHAIN_ID, FEE, GENESIS_TIME, openApp, tempDir, testKey, transfer } from '../../helpers/chain.js'

const balance = (app: Application, i: number) =>
  BigInt((app.query('bank', 'balance', { address: testKey(i).publicKey.address, denom: 'ufdr' }) as { amount: string }).amount)
const block = (height: number, txs: Uint8Array[]) => ({
  height,
  time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
  proposer: new Uint8Array(20),
  txs,
})

describe('block execution with the bank module', () => {
  let dir: ReturnType<typeof tempDir>
  let app: Application

  beforeEach(async () => {
    dir = tempDir()
    app = await openApp(dir.path)
  })
  afterEach(async () => {
    await app.db.close()
    dir.remove()
  })

  it('moves coins, charges the fee to the fee collector, bumps the nonce, and keeps supply', async () => {
    const executed = app.executeBlock(block(1, [transfer(0, 1, 5_000n, 0n)]))
    assert.equal(executed.txResults[0]!.code, 0, executed.txResults[0]!.log)
    await app.commitBlock(executed)
    assert.equal(balance(app, 0), 1_000_000_000n - 5_000n - FEE)
    assert.equal(balance(app, 1), 1_000_000_000n + 5_000n)
    const collector = app.query('bank', 'balances', {
      address: (await import('../../../src/crypto/index.js')).encodeAddress(moduleAddress(FEE_COLLECTOR)),
    }) as { coins: { amount: string }[] }
    assert.equal(collector.coins[0]!.amount, String(FEE))
    assert.equal((app.query('auth', 'account', { address: testKey(0).publicKey.address }) as { nonce: string }).nonce, '1')
    app.assertInvariants()
    const types = executed.txResults[0]!.events.map((e) => e.type)
    assert.deepEqual(types, ['fee', 'tx', 'transfer'])
  })

  it('records a failing message with its module code, charging the fee but reverting the message', async () => {
    const executed = app.executeBlock(block(1, [transfer(0, 1, 2_000_000_000n, 0n)]))
    const [result] = executed.txResults
    assert.equal(result!.codespace, 'bank')
    assert.equal(result!.code, BANK_ERRORS.INSUFFICIENT_FUNDS)
    await app.commitBlock(executed)
    assert.equal(balance(app, 0), 1_000_000_000n - FEE)
    assert.equal(balance(app, 1), 1_000_000_000n)
    app.assertInvariants()
  })

  it('stops a transaction that runs out of gas, keeping only the fee', async () => {
    const tx = transfer(0, 1, 10n, 0n, { gasLimit: 3_500n })
    const executed = app.executeBlock(block(1, [tx]))
    assert.equal(executed.txResults[0]!.code, TX_CODES.OUT_OF_GAS)
    await app.commitBlock(executed)
    assert.equal(balance(app, 1), 1_000_000_000n)
    assert.equal(balance(app, 0), 1_000_000_000n - FEE)
  })

  it('has the invariant catch a planted supply leak', async () => {
    const { BankKeeper } = await import('../../../src/modules/bank/index.js')
    const { CacheStore, Context, GasMeter, outsideBlock } = await import('../../../src/state/index.js')
    const store = new CacheStore(app.db)
    const ctx = new Context(outsideBlock(CHAIN_ID, 1), store, new GasMeter(10n ** 12n), app.registry)
    // Credit without touching supply: exactly the bug the invariant exists for.
    ctx.moduleStore('bank').set(Uint8Array.from([0x62, ...testKey(3).publicKey.addressBytes, ...Buffer.from('ufdr')]), Uint8Array.of(0x7f))
    void new BankKeeper(ctx.forModule('bank'), 'bank')
    await app.db.commit(1, app.db.prepare(store.writes))
    assert.throws(
      () => app.assertInvariants(),
      (e: unknown) => e instanceof Error && /total-supply/.test(e.message),
    )
  })

  describe('rejects bad transactions with a distinct typed error and leaves state unchanged', () => {
    const cases: [string, () => Uint8Array, keyof typeof TX_CODES][] = [
      ['malformed bytes', () => Uint8Array.of(0x93, 0x01), 'MALFORMED'],
      [
        'a non-canonical encoding',
        () => {
          // The same transaction with its struct version written as uint8 0xcc 0x01 instead of fixint 0x01.
          const tx = transfer(0, 1, 10n, 0n)
          assert.deepEqual([...tx.subarray(0, 3)], [0x94, 0x65, 0x01])
          return Uint8Array.from([0x94, 0x65, 0xcc, 0x01, ...tx.subarray(3)])
        },
        'NON_CANONICAL',
      ],
      [
        'an oversized transaction',
        () => {
          const big = encode(MsgSend, { to: testKey(1).publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 1n }] })
          const padded = Uint8Array.from([...big, ...new Uint8Array(30_000)])
          return signTx(testKey(0), {
            chainId: CHAIN_ID,
            nonce: 0n,
            fee: FEE,
            gasLimit: 10_000_000n,
            messages: [padded, padded, padded],
            memo: '',
          })
        },
        'TOO_LARGE',
      ],
      [
        'a wrong signature',
        () => {
          const tx = transfer(0, 1, 10n, 0n)
          tx[tx.length - 1]! ^= 1
          return tx
        },
        'BAD_SIGNATURE',
      ],
      ['a transaction for another chain', () => transfer(0, 1, 10n, 0n, { chainId: 'fedra-other-1' }), 'WRONG_CHAIN'],
      ['a nonce from the future', () => transfer(0, 1, 10n, 5n), 'NONCE_TOO_HIGH'],
      ['a fee the signer cannot pay', () => transfer(0, 1, 10n, 0n, { fee: 10n ** 12n }), 'INSUFFICIENT_FEE'],
      ['a gas limit below the intrinsic cost', () => transfer(0, 1, 10n, 0n, { gasLimit: 10n }), 'GAS_LIMIT_TOO_LOW'],
    ]
    for (const [what, make, code] of cases) {
      it(`rejects ${what} (${code})`, async () => {
        const bytes = make()
        assert.throws(
          () => app.checkTx(bytes),
          (e: unknown) => e instanceof TxError && e.code === code,
        )
        // The same block without the transaction: begin-block writes (distribution's previous proposer) apart, nothing changes.
        const before = toHex(app.executeBlock(block(1, [])).stateRoot)
        const executed = app.executeBlock(block(1, [bytes]))
        assert.equal(executed.txResults[0]!.code, TX_CODES[code])
        assert.equal(toHex(executed.stateRoot), before)
      })
    }

    it('rejects a replayed transaction (REPLAYED) after the original committed', async () => {
      const tx = transfer(0, 1, 10n, 0n)
      await app.commitBlock(app.executeBlock(block(1, [tx])))
      assert.throws(
        () => app.checkTx(tx),
        (e: unknown) => e instanceof TxError && e.code === 'REPLAYED',
      )
      const before = toHex(app.executeBlock(block(2, [])).stateRoot)
      const executed = app.executeBlock(block(2, [tx]))
      assert.equal(executed.txResults[0]!.code, TX_CODES.REPLAYED)
      assert.equal(toHex(executed.stateRoot), before)
    })

    it('rejects a message with an unknown type tag and one that fails validation', () => {
      const unknown = signTx(testKey(0), {
        chainId: CHAIN_ID,
        nonce: 0n,
        fee: FEE,
        gasLimit: 200_000n,
        messages: [Uint8Array.of(0x92, 0xcd, 0x27, 0x0f, 0x01)],
        memo: '',
      })
      assert.throws(
        () => app.checkTx(unknown),
        (e: unknown) => e instanceof TxError && e.code === 'UNKNOWN_MESSAGE',
      )
      const zero = signTx(testKey(0), {
        chainId: CHAIN_ID,
        nonce: 0n,
        fee: FEE,
        gasLimit: 200_000n,
        messages: [encode(MsgSend, { to: testKey(1).publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 0n }] })],
        memo: '',
      })
      assert.throws(
        () => app.checkTx(zero),
        (e: unknown) => e instanceof TxError && e.code === 'INVALID_MESSAGE',
      )
    })
  })

  it('gives every transaction one hash (decode is canonical)', () => {
    const tx = transfer(0, 1, 10n, 0n)
    assert.deepEqual(decodeTx(tx, CHAIN_ID).bytes, tx)
  })
})

import assert from 'node:assert/strict'
import { pino } from 'pino'
import { encode } from '../../../../src/codec/index.js'
import type { PrivateKey } from '../../../../src/crypto/index.js'
import { MsgSend } from '../../../../src/modules/index.js'
import { type MempoolConfig, Mempool, MempoolError, type MempoolErrorCode } from '../../../../src/node/mempool/index.js'
import { type Application, type ExecutedBlock, type Module, signTx } from '../../../../src/state/index.js'
import { testRegistry } from '../../../support/chain.js'
import { CHAIN_ID, FEE, GAS_LIMIT, GENESIS_TIME, openApp, tempDir, testGenesisJson, testKey } from '../../../helpers/chain.js'

export const silentLog = pino({ level: 'silent' })

// Deriving a key is the slowest step of building a transaction; property runs build hundreds.
const keys = new Map<number, { key: PrivateKey; address: string }>()
function account(i: number): { key: PrivateKey; address: string } {
  let entry = keys.get(i)
  if (entry === undefined) {
    const key = testKey(i)
    entry = { key, address: key.publicKey.address }
    keys.set(i, entry)
  }
  return entry
}

/** Bech32 address of test account i. */
export const address = (i: number): string => account(i).address

/**
 * The test genesis with account i holding balances[i] ufdr (the fee denomination) and, when
 * `stake` is given, that much `ustake` too: transfers of ustake can then never fail for want of
 * funds, whatever the fees did to ufdr.
 */
export function genesisWithBalances(balances: bigint[], options: { minGasPrice?: bigint; stake?: bigint } = {}): Record<string, unknown> {
  const genesis = testGenesisJson(balances.length)
  const appState = genesis.app_state as { bank: { balances: { address: string; coins: { denom: string; amount: string }[] }[] } }
  appState.bank.balances = balances.map((amount, i) => ({
    address: address(i),
    coins: [
      { denom: 'ufdr', amount: String(amount) },
      ...(options.stake === undefined ? [] : [{ denom: 'ustake', amount: String(options.stake) }]),
    ],
  }))
  if (options.minGasPrice !== undefined) genesis.consensus_params = { tx: { min_gas_price: String(options.minGasPrice) } }
  return genesis
}

export interface TxOptions {
  to?: number
  amount?: bigint
  denom?: string
  fee?: bigint
  gasLimit?: bigint
  memo?: string
  chainId?: string
  /** Extra copies of the send message, to make a transaction larger. */
  messages?: number
}

/** A bank transfer from test account `from`; defaults as test/helpers/chain.ts's `transfer`. */
export function tx(from: number, nonce: bigint, options: TxOptions = {}): Uint8Array {
  const message = encode(MsgSend, {
    to: account(options.to ?? from).key.publicKey.addressBytes,
    amount: [{ denom: options.denom ?? 'ufdr', amount: options.amount ?? 1n }],
  })
  return signTx(account(from).key, {
    chainId: options.chainId ?? CHAIN_ID,
    nonce,
    fee: options.fee ?? FEE,
    gasLimit: options.gasLimit ?? GAS_LIMIT,
    messages: Array.from({ length: options.messages ?? 1 }, () => message),
    memo: options.memo ?? '',
  })
}

/** A transaction of arbitrary already-encoded messages from test account `from`. */
export function messagesTx(from: number, nonce: bigint, messages: Uint8Array[], fee: bigint = FEE): Uint8Array {
  return signTx(account(from).key, { chainId: CHAIN_ID, nonce, fee, gasLimit: GAS_LIMIT, messages, memo: '' })
}

export const blockAt = (height: number, txs: Uint8Array[]) => ({
  height,
  time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
  proposer: testKey(100).publicKey.addressBytes,
  txs,
})

export interface PoolFixture {
  app: Application
  pool: Mempool
  /** Executes `txs` as the next block, commits it and updates the pool, as a node would. */
  commit(txs: Uint8Array[]): Promise<{ executed: ExecutedBlock; update: ReturnType<Mempool['update']> }>
  close(): Promise<void>
}

/** A pool over a fresh application of the default modules, plus `extra` test modules. */
export async function openPool(
  config: Partial<MempoolConfig> = {},
  genesis: Record<string, unknown> = testGenesisJson(),
  extra: Module[] = [],
): Promise<PoolFixture> {
  const dir = tempDir('fedra-mempool-')
  const app = await openApp(dir.path, genesis, extra.length === 0 ? undefined : testRegistry(extra))
  const pool = new Mempool(app, config, { logger: silentLog })
  return {
    app,
    pool,
    async commit(txs) {
      const executed = app.executeBlock(blockAt(app.height + 1, txs))
      await app.commitBlock(executed)
      return { executed, update: pool.update(app.height, txs) }
    },
    async close() {
      await app.db.close()
      dir.remove()
    },
  }
}

/** Everything observable about a pool's contents, to show a rejection changed nothing. */
export function snapshot(pool: Mempool, senders: number[] = [0, 1, 2, 3]) {
  return {
    size: pool.size,
    bytes: pool.bytes,
    pending: pool.pending().map((entry) => `${entry.hash}:${entry.sender}:${entry.nonce}`),
    nextNonces: senders.map((i) => pool.nextNonce(address(i))),
  }
}

/** Runs `fn`, which must throw a MempoolError with `code`, and returns that error. */
export function mempoolError(fn: () => unknown, code: MempoolErrorCode): MempoolError {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof MempoolError, `expected MempoolError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  return caught
}

export { FEE, GAS_LIMIT }

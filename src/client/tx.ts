import { encode } from '../codec/index.js'
import { type PrivateKey, decodeAddress } from '../crypto/index.js'
import { type CoinValue, DENOM, MsgSend } from '../modules/bank/messages.js'
import { signTx } from '../state/tx.js'
import type { FedraClient } from './client.js'
import { ClientError } from './errors.js'

/**
 * Building and signing transactions, for every client of a node: the CLI, the roles (trainer,
 * aggregator, scorer) and the dashboard. Browser-safe: codec, crypto and the tx format only.
 */
export interface TxOptions {
  fee: bigint
  gasLimit: bigint
  memo?: string
  /** Default: the account's next nonce, read from the node. */
  nonce?: bigint
}

const COIN = /^(0|[1-9][0-9]{0,77})([a-z][a-z0-9/]{2,63})$/

/**
 * "10ufdr,5uabc" → coins sorted by denomination, as the bank module requires.
 * @throws ClientError INVALID_INPUT for anything that is not a list of whole amounts with denominations.
 */
export function parseCoins(text: string): CoinValue[] {
  const coins = text.split(',').map((part) => {
    const match = COIN.exec(part.trim())
    if (match === null || !DENOM.test(match[2]!)) throw new ClientError('INVALID_INPUT', `"${part}" is not an amount like 1000ufdr`, { reason: 'amount' })
    return { denom: match[2]!, amount: BigInt(match[1]!) }
  })
  coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0))
  return coins
}

/** The encoded messages a client can put in a transaction. */
export const messages = {
  /** bank/MsgSend from the signer to `to` (a fedra1… address). */
  bankSend(to: string, amount: CoinValue[]): Uint8Array {
    return encode(MsgSend, { to: decodeAddress(to), amount })
  },
}

/** Signs `encodedMessages` with `key` for the chain `client` talks to. */
export async function buildTx(client: FedraClient, key: PrivateKey, encodedMessages: Uint8Array[], options: TxOptions): Promise<Uint8Array> {
  const [status, account] = await Promise.all([client.status(), options.nonce === undefined ? client.account(key.publicKey.address) : null])
  return signTx(key, {
    chainId: status.nodeInfo.network,
    nonce: options.nonce ?? BigInt(account!.nonce),
    fee: options.fee,
    gasLimit: options.gasLimit,
    messages: encodedMessages,
    memo: options.memo ?? '',
  })
}

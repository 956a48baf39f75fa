import { encode } from '../codec/index.js'
import { type PrivateKey, decodeAddress, fromHex } from '../crypto/index.js'
import { type CoinValue, DENOM, MsgSend } from '../modules/bank/messages.js'
import { MsgFundCommunityPool, MsgSetWithdrawAddress, MsgWithdrawAllRewards, MsgWithdrawCommission, MsgWithdrawRewards } from '../modules/distribution/messages.js'
import { MsgUnjail } from '../modules/slashing/messages.js'
import { MsgCancelUnbonding, MsgCreateValidator, MsgDelegate, MsgEditValidator, MsgRedelegate, MsgUndelegate } from '../modules/staking/messages.js'
import { Dec } from '../state/dec.js'
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

const invalid = (reason: string, message: string): never => {
  throw new ClientError('INVALID_INPUT', message, { reason })
}

/** One coin ("1000ufdr" or { denom, amount }), positive. */
function oneCoin(value: string | CoinValue, field: string): CoinValue {
  const coin = typeof value === 'string' ? parseCoins(value) : [value]
  if (coin.length !== 1) return invalid(field, `${field}: expected one amount like 1000ufdr, got ${coin.length}`)
  const [c] = coin as [CoinValue]
  if (typeof c !== 'object' || c === null || typeof c.denom !== 'string' || !DENOM.test(c.denom) || typeof c.amount !== 'bigint') return invalid(field, `${field}: expected an amount like 1000ufdr`)
  if (c.amount <= 0n) return invalid(field, `${field}: the amount must be positive, got ${c.amount}${c.denom}`)
  return { denom: c.denom, amount: c.amount }
}

/** A fedra1… account address. */
function accountBytes(text: string, field: string): Uint8Array {
  try {
    return decodeAddress(text)
  } catch (error) {
    return invalid(field, `${field}: "${String(text).slice(0, 100)}" is not a fedra1… address: ${(error as Error).message.replace(/^[A-Z_]+: /, '')}`)
  }
}

/** A validator: its operator address fedravaloper1…, or the operator's fedra1…. */
function validatorBytes(text: string, field: string): Uint8Array {
  for (const prefix of ['fedravaloper', 'fedra']) {
    try {
      return decodeAddress(text, prefix)
    } catch {
      // the next form
    }
  }
  return invalid(field, `${field}: "${String(text).slice(0, 100)}" is not a fedravaloper1… (or fedra1…) validator address`)
}

/** A rate or fraction as decimal text in [0, 1]: "0.1", "1". */
function rate(text: string, field: string): Dec {
  let value: Dec
  try {
    value = Dec.parse(text)
  } catch {
    return invalid(field, `${field}: "${String(text).slice(0, 80)}" is not a decimal like 0.1 (at most 18 digits after the point)`)
  }
  if (value.gt(Dec.ONE)) invalid(field, `${field}: ${text} is above 1`)
  return value
}

/** A positive whole number: a bigint, or its decimal text. */
function positiveInt(value: bigint | string, field: string): bigint {
  const n = typeof value === 'bigint' ? value : /^(0|[1-9][0-9]{0,77})$/.test(String(value)) ? BigInt(value) : invalid(field, `${field}: "${String(value).slice(0, 80)}" is not a whole number`)
  if (n <= 0n) invalid(field, `${field}: must be positive`)
  if (n >= 2n ** 256n) invalid(field, `${field}: too large`)
  return n
}

function moniker(text: string, field = 'moniker'): string {
  if (typeof text !== 'string' || text.trim() === '') return invalid(field, `${field}: must not be empty`)
  if (text.length > 70) return invalid(field, `${field}: at most 70 characters, got ${text.length}`)
  return text
}

/** What `messages.stakingCreateValidator` takes: bech32 and decimal strings as a user types them. */
export interface CreateValidatorInput {
  /** ed25519 consensus public key, 64 hex digits (`fedra keys show-validator`). */
  pubKey: string
  moniker: string
  /** Self-delegation, e.g. "10000000ufdr". */
  amount: string | CoinValue
  /** Defaults: 0.1, 0.2, 0.01, 1. */
  commissionRate?: string
  commissionMaxRate?: string
  commissionMaxChangeRate?: string
  minSelfDelegation?: bigint | string
}

/** What `messages.stakingEditValidator` takes; a field left out stays as it is. */
export interface EditValidatorInput {
  moniker?: string
  commissionRate?: string
  minSelfDelegation?: bigint | string
}

/**
 * The encoded messages a client can put in a transaction. Each checks its input (bech32
 * addresses, amounts like 1000ufdr, decimal-string rates) and throws ClientError INVALID_INPUT,
 * with `reason` naming the field, before anything is signed.
 */
export const messages = {
  /** bank/MsgSend from the signer to `to` (a fedra1… address). */
  bankSend(to: string, amount: CoinValue[]): Uint8Array {
    return encode(MsgSend, { to: decodeAddress(to), amount })
  },

  /** staking/MsgCreateValidator: the signer becomes the operator of a validator with `pubKey`, self-bonding `amount`. */
  stakingCreateValidator(input: CreateValidatorInput): Uint8Array {
    if (typeof input.pubKey !== 'string' || !/^[0-9a-fA-F]{64}$/.test(input.pubKey)) invalid('pubKey', 'pubKey: expected an ed25519 public key of 64 hex digits')
    const commissionRate = rate(input.commissionRate ?? '0.1', 'commissionRate')
    const commissionMaxRate = rate(input.commissionMaxRate ?? '0.2', 'commissionMaxRate')
    const commissionMaxChangeRate = rate(input.commissionMaxChangeRate ?? '0.01', 'commissionMaxChangeRate')
    if (commissionRate.gt(commissionMaxRate)) invalid('commissionRate', `commissionRate ${commissionRate} is above commissionMaxRate ${commissionMaxRate}`)
    if (commissionMaxChangeRate.gt(commissionMaxRate)) invalid('commissionMaxChangeRate', `commissionMaxChangeRate ${commissionMaxChangeRate} is above commissionMaxRate ${commissionMaxRate}`)
    return encode(MsgCreateValidator, {
      pubKey: fromHex(input.pubKey.toLowerCase()),
      moniker: moniker(input.moniker),
      commissionRate,
      commissionMaxRate,
      commissionMaxChangeRate,
      minSelfDelegation: positiveInt(input.minSelfDelegation ?? 1n, 'minSelfDelegation'),
      value: oneCoin(input.amount, 'amount'),
    })
  },

  /** staking/MsgEditValidator of the signer's validator. */
  stakingEditValidator(input: EditValidatorInput): Uint8Array {
    if (input.moniker === undefined && input.commissionRate === undefined && input.minSelfDelegation === undefined) invalid('input', 'nothing to edit: give a moniker, a commission rate or a minimum self-delegation')
    return encode(MsgEditValidator, {
      moniker: input.moniker === undefined ? null : moniker(input.moniker),
      commissionRate: input.commissionRate === undefined ? null : rate(input.commissionRate, 'commissionRate'),
      minSelfDelegation: input.minSelfDelegation === undefined ? null : positiveInt(input.minSelfDelegation, 'minSelfDelegation'),
    })
  },

  /** staking/MsgDelegate of `amount` (e.g. "1000ufdr") to `validator`. */
  stakingDelegate(validator: string, amount: string | CoinValue): Uint8Array {
    return encode(MsgDelegate, { validator: validatorBytes(validator, 'validator'), amount: oneCoin(amount, 'amount') })
  },

  /** staking/MsgUndelegate: `amount` tokens' worth of the signer's shares in `validator` start unbonding. */
  stakingUndelegate(validator: string, amount: string | CoinValue): Uint8Array {
    return encode(MsgUndelegate, { validator: validatorBytes(validator, 'validator'), amount: oneCoin(amount, 'amount') })
  },

  /** staking/MsgRedelegate of `amount` from `source` to `destination`. */
  stakingRedelegate(source: string, destination: string, amount: string | CoinValue): Uint8Array {
    const src = validatorBytes(source, 'source')
    const dst = validatorBytes(destination, 'destination')
    if (src.every((b, i) => b === dst[i])) invalid('destination', 'destination: the same validator as the source')
    return encode(MsgRedelegate, { source: src, destination: dst, amount: oneCoin(amount, 'amount') })
  },

  /** staking/MsgCancelUnbonding: `amount` of the unbonding entry created at `creationHeight` goes back to `validator`. */
  stakingCancelUnbonding(validator: string, creationHeight: bigint | number | string, amount: string | CoinValue): Uint8Array {
    const height = typeof creationHeight === 'bigint' ? creationHeight : /^(0|[1-9][0-9]{0,19})$/.test(String(creationHeight)) ? BigInt(creationHeight) : invalid('creationHeight', `creationHeight: "${String(creationHeight).slice(0, 40)}" is not a height`)
    if (height <= 0n || height >= 2n ** 64n) invalid('creationHeight', 'creationHeight: must be a positive height')
    return encode(MsgCancelUnbonding, { validator: validatorBytes(validator, 'validator'), creationHeight: height, amount: oneCoin(amount, 'amount') })
  },

  /** slashing/MsgUnjail of the signer's validator. */
  slashingUnjail(): Uint8Array {
    return encode(MsgUnjail, {})
  },

  /** distribution/MsgWithdrawRewards of the signer's delegation to `validator`. */
  distributionWithdrawRewards(validator: string): Uint8Array {
    return encode(MsgWithdrawRewards, { validator: validatorBytes(validator, 'validator') })
  },

  /** distribution/MsgWithdrawAllRewards: every delegation of the signer. */
  distributionWithdrawAll(): Uint8Array {
    return encode(MsgWithdrawAllRewards, {})
  },

  /** distribution/MsgWithdrawCommission of the validator the signer operates. */
  distributionWithdrawCommission(): Uint8Array {
    return encode(MsgWithdrawCommission, {})
  },

  /** distribution/MsgSetWithdrawAddress: the signer's rewards go to `address` (a fedra1…). */
  distributionSetWithdrawAddress(address: string): Uint8Array {
    return encode(MsgSetWithdrawAddress, { address: accountBytes(address, 'address') })
  },

  /** distribution/MsgFundCommunityPool: "1000ufdr,5uabc" (or coins) of the signer's to the pool. */
  distributionFundCommunityPool(amount: string | CoinValue[]): Uint8Array {
    const coins = typeof amount === 'string' ? parseCoins(amount) : amount.map((c) => oneCoin(c, 'amount'))
    if (coins.length === 0 || coins.length > 8) invalid('amount', `amount: 1 to 8 denominations, got ${coins.length}`)
    for (const c of coins) if (c.amount <= 0n) invalid('amount', `amount: ${c.amount}${c.denom} is not positive`)
    for (let i = 1; i < coins.length; i++) if (coins[i - 1]!.denom >= coins[i]!.denom) invalid('amount', 'amount: each denomination once, sorted')
    return encode(MsgFundCommunityPool, { amount: coins })
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

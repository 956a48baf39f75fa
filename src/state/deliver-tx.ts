import { CodecError, decode, equalBytes, peekStructTag } from '../codec/index.js'
import { toHex } from '../crypto/index.js'
import { Context, type BlockInfo } from './context.js'
import { StateError } from './errors.js'
import type { Event } from './events.js'
import { ACCOUNT_KEEPER, FEE_KEEPER } from './expected-keepers.js'
import { GAS, GasMeter } from './gas.js'
import type { ConsensusParams } from './genesis.js'
import { CacheStore, type KVReader, type KVStore } from './kv.js'
import type { MessageHandler, ModuleRegistry } from './module.js'
import { type DecodedTx, type VerifiedTxs, decodeTx, txHash } from './tx.js'
import { ModuleError, TX_CODES, TxError } from './tx-errors.js'

export interface TxResult {
  hash: Uint8Array
  /** 0 on success, else a code of `codespace`. */
  code: number
  codespace: string
  log: string
  gasWanted: bigint
  gasUsed: bigint
  events: Event[]
}

/** A transaction that passed every stateless check, with its messages decoded. */
export interface CheckedTx extends DecodedTx {
  messages: { module: string; handler: MessageHandler; value: unknown }[]
  intrinsicGas: bigint
}

const UNLIMITED = 2n ** 64n

/**
 * Answers with the CheckedTx this node already built from exactly these bytes (by SHA-256), e.g.
 * the mempool's pending entry. checkTxStateless is a pure function of the bytes, the chain id,
 * the consensus params and the registry, none of which an Application changes, so reusing it
 * changes no outcome. The value is shared: message handlers must not mutate what they are given.
 */
export type CheckedTxs = (hashHex: string) => CheckedTx | undefined

/**
 * Everything that can be checked without state: size, canonical form, chain, signature, that
 * every message is known and passes its module's stateless validation, gas limit and fee floor.
 */
export function checkTxStateless(
  bytes: Uint8Array,
  chainId: string,
  params: ConsensusParams,
  registry: ModuleRegistry,
  verified?: VerifiedTxs,
): CheckedTx {
  const decoded = decodeTx(bytes, chainId, params.tx.maxBytes, verified)
  const { body } = decoded.tx
  const txHash = toHex(decoded.hash)
  const messages = body.messages.map((raw, messageIndex) => {
    const tag = peekStructTag(raw)
    const entry = tag === undefined ? undefined : registry.handlerForTag(tag)
    if (entry === undefined)
      throw new TxError('UNKNOWN_MESSAGE', `message ${messageIndex} has unknown type tag ${String(tag)}`, { txHash, messageIndex })
    let value: unknown
    try {
      value = decode(entry.handler.type, raw)
    } catch (error) {
      if (!(error instanceof CodecError)) throw error
      const code = error.code === 'NON_CANONICAL' ? 'NON_CANONICAL' : 'MALFORMED'
      throw new TxError(
        code,
        `message ${messageIndex}: ${error.plainMessage}`,
        { txHash, messageIndex, path: error.context.path },
        { cause: error },
      )
    }
    try {
      entry.handler.validate?.(value)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw new TxError(
        'INVALID_MESSAGE',
        `message ${messageIndex}: ${error.message}`,
        { txHash, messageIndex, codespace: error.context.codespace, moduleCode: error.context.numericCode },
        { cause: error },
      )
    }
    return { module: entry.module.name, handler: entry.handler, value }
  })
  const intrinsicGas = GAS.txByte * BigInt(bytes.length) + GAS.signatureVerify
  if (body.gasLimit < intrinsicGas) {
    throw new TxError('GAS_LIMIT_TOO_LOW', `gas limit ${body.gasLimit} is below the intrinsic ${intrinsicGas}`, {
      txHash,
      expected: String(intrinsicGas),
      actual: String(body.gasLimit),
    })
  }
  const minimumFee = body.gasLimit * params.tx.minGasPrice
  if (body.fee < minimumFee) {
    throw new TxError('FEE_TOO_LOW', `fee ${body.fee} is below gas limit × min gas price = ${minimumFee}`, {
      txHash,
      expected: String(minimumFee),
      actual: String(body.fee),
    })
  }
  return { ...decoded, messages, intrinsicGas }
}

/**
 * Nonce and fee against state (the ante handler). On success the fee is paid and the nonce
 * bumped in `store`; on failure `store` is untouched and a TxError says why.
 */
export function runAnte(tx: CheckedTx, store: KVStore, block: BlockInfo, registry: ModuleRegistry): Event[] {
  const scratch = new CacheStore(store)
  const ctx = new Context(block, scratch, new GasMeter(UNLIMITED), registry)
  const { body } = tx.tx
  const address = tx.signer.addressBytes
  const txHash = toHex(tx.hash)
  const expected = ctx.keeper(ACCOUNT_KEEPER).nonceOf(address)
  if (body.nonce < expected)
    throw new TxError('REPLAYED', `nonce ${body.nonce} was already used (next is ${expected})`, {
      txHash,
      expected: String(expected),
      actual: String(body.nonce),
    })
  if (body.nonce > expected)
    throw new TxError('NONCE_TOO_HIGH', `nonce ${body.nonce} is ahead of the account (next is ${expected})`, {
      txHash,
      expected: String(expected),
      actual: String(body.nonce),
    })
  if (body.fee > 0n) {
    try {
      ctx.keeper(FEE_KEEPER).payFee(address, body.fee)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      throw new TxError(
        'INSUFFICIENT_FEE',
        error.message,
        { txHash, codespace: error.context.codespace, moduleCode: error.context.numericCode },
        { cause: error },
      )
    }
  }
  ctx.keeper(ACCOUNT_KEEPER).incrementNonce(address, tx.signer.bytes)
  scratch.flushTo(store)
  return ctx.events
}

/**
 * The modules' admission rules (MessageHandler.admit) for each message of `tx`, in order, over a
 * scratch cache of `store` (nothing is written back). Throws TxError NOT_ADMITTED carrying the
 * module's codespace and code. Only the mempool runs these: a block's handlers decide for themselves.
 */
export function runAdmission(tx: CheckedTx, store: KVReader, block: BlockInfo, registry: ModuleRegistry): void {
  if (!tx.messages.some((m) => m.handler.admit !== undefined)) return
  const ctx = new Context(block, new CacheStore(store), new GasMeter(UNLIMITED), registry)
  tx.messages.forEach(({ module, handler, value }, messageIndex) => {
    if (handler.admit === undefined) return
    try {
      handler.admit(ctx.forModule(module), value, tx.signer)
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      const txHash = toHex(tx.hash)
      throw new TxError(
        'NOT_ADMITTED',
        `message ${messageIndex}: ${error.message}`,
        { txHash, messageIndex, codespace: error.context.codespace, moduleCode: error.context.numericCode },
        { cause: error },
      )
    }
  })
}

function failure(hash: Uint8Array, error: TxError, gasWanted: bigint, gasUsed: bigint, events: Event[] = []): TxResult {
  return { hash, code: error.numericCode, codespace: 'tx', log: error.message, gasWanted, gasUsed, events }
}

/**
 * Executes one transaction of a block against `store` (the block's cache). A transaction that
 * fails a stateless or ante check changes nothing; one whose messages fail still pays its fee
 * and uses its nonce, and its failure is on record in the result.
 */
export function deliverTx(
  bytes: Uint8Array,
  store: KVStore,
  block: BlockInfo,
  params: ConsensusParams,
  registry: ModuleRegistry,
  verified?: VerifiedTxs,
  checked?: CheckedTxs,
): TxResult {
  let tx: CheckedTx
  let anteEvents: Event[]
  try {
    const known = checked?.(toHex(txHash(bytes)))
    tx = known !== undefined && equalBytes(known.bytes, bytes) ? known : checkTxStateless(bytes, block.chainId, params, registry, verified)
    anteEvents = runAnte(tx, store, block, registry)
  } catch (error) {
    if (error instanceof TxError) return failure(txHash(bytes), error, 0n, 0n)
    throw error
  }
  const gasWanted = tx.tx.body.gasLimit
  const meter = new GasMeter(gasWanted)
  meter.consume(tx.intrinsicGas, 'transaction bytes and signature')
  const messageStore = new CacheStore(store)
  const ctx = new Context(block, messageStore, meter, registry)
  try {
    tx.messages.forEach(({ module, handler, value }, messageIndex) => {
      try {
        handler.handle(ctx.forModule(module), value, tx.signer)
      } catch (error) {
        if (error instanceof ModuleError) {
          throw new TxError(
            'MESSAGE_FAILED',
            `message ${messageIndex}: ${error.message}`,
            { messageIndex, codespace: error.context.codespace, moduleCode: error.context.numericCode },
            { cause: error },
          )
        }
        throw error
      }
    })
  } catch (error) {
    if (error instanceof StateError && error.code === 'OUT_OF_GAS') {
      return failure(tx.hash, new TxError('OUT_OF_GAS', error.message, {}), gasWanted, meter.limit, anteEvents)
    }
    if (error instanceof TxError) {
      const moduleError = error.cause instanceof ModuleError ? error.cause : undefined
      return {
        hash: tx.hash,
        code: moduleError?.context.numericCode ?? error.numericCode,
        codespace: moduleError?.context.codespace ?? 'tx',
        log: error.message,
        gasWanted,
        gasUsed: meter.used,
        events: anteEvents,
      }
    }
    throw error
  }
  messageStore.flushTo(store)
  const txEvent: Event = {
    type: 'tx',
    attributes: [
      ['hash', toHex(tx.hash)],
      ['signer', tx.signer.address],
    ],
  }
  const events = [...anteEvents, txEvent, ...ctx.events]
  return { hash: tx.hash, code: 0, codespace: '', log: '', gasWanted, gasUsed: meter.used, events }
}

export { TX_CODES }

import { CodecError, decode, encode, t, type StructValue } from '../codec/index.js'
import { type PrivateKey, PublicKey, sha256, toHex, verify, signBytes } from '../crypto/index.js'
import { TxError, type TxErrorCode } from './tx-errors.js'

export const MAX_TX_BYTES = 64 * 1024
export const MAX_MESSAGES = 16
export const MAX_MESSAGE_BYTES = 32 * 1024
export const MAX_MEMO_BYTES = 256

/**
 * What the signer signs. Messages are carried as the canonical bytes of each module's own
 * message struct (whose tag says which module reads it), so the envelope needs no knowledge of
 * modules and each message is still canonical.
 */
export const TxBody = t.struct('TxBody', 100, 1, {
  chainId: t.string({ max: 64 }),
  signer: t.fixedBytes(32),
  nonce: t.u64,
  fee: t.uint(),
  gasLimit: t.u64,
  messages: t.array(t.bytes({ min: 1, max: MAX_MESSAGE_BYTES }), { min: 1, max: MAX_MESSAGES }),
  memo: t.string({ max: MAX_MEMO_BYTES }),
})

export const Tx = t.struct('Tx', 101, 1, {
  body: TxBody,
  signature: t.fixedBytes(64),
})

export type TxBodyValue = StructValue<typeof TxBody.fields>
export type TxValue = StructValue<typeof Tx.fields>

/** A decoded transaction with the derived values every later check needs. */
export interface DecodedTx {
  tx: TxValue
  bytes: Uint8Array
  hash: Uint8Array
  signer: PublicKey
}

export function txHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes)
}

export function signTx(key: PrivateKey, body: Omit<TxBodyValue, 'signer'>): Uint8Array {
  const full: TxBodyValue = { ...body, signer: key.publicKey.bytes }
  const signature = key.sign('tx', body.chainId, encode(TxBody, full))
  return encode(Tx, { body: full, signature })
}

const CODEC_TO_TX: Record<string, TxErrorCode> = {
  TOO_LARGE: 'TOO_LARGE',
  NON_CANONICAL: 'NON_CANONICAL',
}

/**
 * Stateless checks, in order: size, canonical decoding, chain id, signature. Each failure is a
 * distinct TxError; nothing here reads state, so the mempool and block execution share it.
 */
/**
 * Answers whether these exact bytes (by SHA-256) already passed `decodeTx` on this node under
 * the same chain id, e.g. at mempool admission. Verification is a pure function of the bytes,
 * so skipping it for a remembered hash changes no outcome, only the time spent.
 */
export type VerifiedTxs = (hashHex: string) => boolean

export function decodeTx(bytes: Uint8Array, chainId: string, maxBytes = MAX_TX_BYTES, verified?: VerifiedTxs): DecodedTx {
  const hash = txHash(bytes)
  const txHashHex = toHex(hash)
  if (bytes.length > maxBytes) {
    throw new TxError('TOO_LARGE', `transaction is ${bytes.length} bytes, the limit is ${maxBytes}`, {
      txHash: txHashHex,
      expected: String(maxBytes),
      actual: String(bytes.length),
    })
  }
  let tx: TxValue
  try {
    tx = decode(Tx, bytes, { maxBytes })
  } catch (error) {
    if (!(error instanceof CodecError)) throw error
    throw new TxError(
      CODEC_TO_TX[error.code] ?? 'MALFORMED',
      error.plainMessage,
      { txHash: txHashHex, path: error.context.path },
      { cause: error },
    )
  }
  if (tx.body.chainId !== chainId) {
    throw new TxError('WRONG_CHAIN', `signed for chain "${tx.body.chainId}", this is "${chainId}"`, {
      txHash: txHashHex,
      expected: chainId,
      actual: tx.body.chainId,
    })
  }
  if (verified?.(txHashHex) !== true && !verify(tx.body.signer, signBytes('tx', chainId, encode(TxBody, tx.body)), tx.signature)) {
    throw new TxError('BAD_SIGNATURE', 'signature does not verify for the signer key', { txHash: txHashHex })
  }
  return { tx, bytes, hash, signer: PublicKey.fromBytes(tx.body.signer) }
}

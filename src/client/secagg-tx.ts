import { encode } from '../codec/index.js'
import { fromHex } from '../crypto/index.js'
import { SECAGG_MAX_UPDATES } from '../fl/secagg/ring.js'
import { SHARE_BYTES, SHARE_CIPHERTEXT_BYTES } from '../fl/secagg/shamir.js'
import { MsgSecAggReveal, MsgSecAggSetup, SHARE_KIND_KEY, SHARE_KIND_SELF } from '../modules/training/secagg-messages.js'
import { accountBytes, bytes32, invalid, u64 } from './inputs.js'

type Id = bigint | number | string

const MAX_SHARES = SECAGG_MAX_UPDATES - 1

function bytesOf(value: Uint8Array | string, length: number, field: string): Uint8Array {
  if (value instanceof Uint8Array)
    return value.length === length ? value : invalid(field, `${field}: expected ${length} bytes, got ${value.length}`)
  if (typeof value !== 'string' || value.length !== 2 * length || !/^[0-9a-fA-F]*$/.test(value))
    return invalid(field, `${field}: expected ${length} bytes as ${2 * length} hex digits`)
  return fromHex(value.toLowerCase())
}

function kindCode(kind: unknown, field: string): number {
  if (kind === 'key') return SHARE_KIND_KEY
  if (kind === 'self') return SHARE_KIND_SELF
  return invalid(field, `${field}: expected 'key' or 'self'`)
}

/** What `messages.trainingSecAggSetup` takes: one share pair per graph neighbour of the signer, in ascending roster order. */
export interface SecAggSetupInput {
  subnet: Id
  round: Id
  /** The trainer's fresh X25519 round public key. */
  roundKey: Uint8Array | string
  /** SHA-256 commitment to the trainer's fresh self-mask seed (src/fl/secagg/self-seed.ts). */
  selfCommitment: Uint8Array | string
  shares: readonly {
    holder: string
    ciphertext: Uint8Array | string
    commitment: Uint8Array | string
    selfCommitment: Uint8Array | string
  }[]
}

/** What `messages.trainingSecAggReveal` takes: the holder's plain key shares of dropped dealers and self shares of surviving ones. */
export interface SecAggRevealInput {
  subnet: Id
  round: Id
  reveals: readonly { dealer: string; kind: 'key' | 'self'; share: Uint8Array | string }[]
}

/** Builders for secure aggregation's messages (merged into `messages`, src/client/tx.ts); docs/privacy.md. */
export const secAggMessages = {
  /** training/MsgSecAggSetup: a trainer's round key and dealt shares, in the setup phase of a secagg-fedavg round. */
  trainingSecAggSetup(input: SecAggSetupInput): Uint8Array {
    if (!Array.isArray(input.shares) || input.shares.length > MAX_SHARES) invalid('shares', `shares: at most ${MAX_SHARES}`)
    return encode(MsgSecAggSetup, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      roundKey: bytes32(input.roundKey, 'roundKey'),
      selfCommitment: bytes32(input.selfCommitment, 'selfCommitment'),
      shares: input.shares.map((s, i) => ({
        holder: accountBytes(s.holder, `shares[${i}].holder`),
        ciphertext: bytesOf(s.ciphertext, SHARE_CIPHERTEXT_BYTES, `shares[${i}].ciphertext`),
        commitment: bytes32(s.commitment, `shares[${i}].commitment`),
        selfCommitment: bytes32(s.selfCommitment, `shares[${i}].selfCommitment`),
      })),
    })
  },

  /** training/MsgSecAggReveal: a holder's key shares of dropped trainers and self shares of survivors, in the aggregate window. */
  trainingSecAggReveal(input: SecAggRevealInput): Uint8Array {
    if (!Array.isArray(input.reveals) || input.reveals.length === 0 || input.reveals.length > MAX_SHARES)
      invalid('reveals', `reveals: 1..${MAX_SHARES}`)
    return encode(MsgSecAggReveal, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      reveals: input.reveals.map((r, i) => ({
        dealer: accountBytes(r.dealer, `reveals[${i}].dealer`),
        kind: kindCode(r.kind, `reveals[${i}].kind`),
        share: bytesOf(r.share, SHARE_BYTES, `reveals[${i}].share`),
      })),
    })
  },
}

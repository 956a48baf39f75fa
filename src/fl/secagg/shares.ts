import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { SecAggError } from './errors.js'
import type { SecAggGraph } from './graph.js'
import { type RoundKeyPair, agree, publicKeyOf } from './keys.js'
import { checkSelfSeed, selfSeedCommitment } from './self-seed.js'
import {
  SHARE_BYTES,
  SHARE_CIPHERTEXT_BYTES,
  bigToBytes,
  bytesToBig,
  combineShares,
  decodeShare,
  encodeShare,
  splitSecret,
} from './shamir.js'

/**
 * Dropout recovery and self-mask recovery (Bell et al. 2020, round 1 "ShareKeys", with SecAgg+'s
 * sharing among graph neighbours only): each member deals t-of-k Shamir shares of two secrets to
 * its k graph neighbours, holder x = 1 + (its position in the dealer's ascending neighbour list):
 * its round secret key (revealed if it drops, to remove its pairwise masks) and its self-mask seed
 * b_i (revealed if it survives, to remove its self mask; self-mask.ts). The holder's two shares
 * travel together, encrypted to it, each with its own public commitment:
 *
 *   key_ij         = HKDF-SHA256(X25519(sk_i^round, pk_j^enc), salt = roundId,
 *                                info = "fedra/secagg/v1/share" ‖ u32le i ‖ u32le j, 32)
 *   ciphertext     = AES-256-GCM(key_ij, nonce = 12 zero bytes, aad = roundId ‖ u32le i ‖ u32le j,
 *                                keyShare ‖ selfShare)
 *   commitment     = SHA-256("fedra/secagg/v1/commit" ‖ roundId ‖ u32le i ‖ u32le j ‖ keyShare)
 *   selfCommitment = SHA-256("fedra/secagg/v1/self-commit" ‖ roundId ‖ u32le i ‖ u32le j ‖ selfShare)
 *
 * pk_j^enc is the holder's long-term X25519 key (on chain: its account's ed25519 key mapped to
 * Curve25519), so shares can be dealt before the holders' round keys exist. Each key encrypts one
 * message, hence the fixed nonce. A revealed share is checked against the commitment of its kind,
 * so a holder cannot slip in a wrong one, nor pass one kind off as the other; the interpolated
 * key is checked against the dealer's round public key and the interpolated seed against the
 * dealer's seed commitment, so a dealer whose shares are inconsistent is caught too.
 *
 * Why both: the chain decides who dropped (set up, no update recorded when the submit window
 * closed), but a "dropped" member's masked update may still be public — its MsgSubmitUpdate
 * refused in a block (late: OUTSIDE_WINDOW), or its blob stored and never sent. Revealing its
 * round key removes its pairwise masks from that blob; the self mask, whose seed is revealed only
 * for members whose update is in the sum, keeps it a one-time pad. A holder reveals exactly one
 * kind for a dealer, by the dealer's final status, and the chain accepts no other.
 */
export interface DealtShare {
  /** The holder's member index. */
  readonly holder: number
  readonly ciphertext: Uint8Array
  /** Commitment to the holder's share of the round secret key. */
  readonly commitment: Uint8Array
  /** Commitment to the holder's share of the self-mask seed. */
  readonly selfCommitment: Uint8Array
}

/** Which of a dealer's secrets a share is of: its round secret key or its self-mask seed. */
export type ShareKind = 'key' | 'self'

/** A holder's two opened shares of one dealer. */
export interface OpenedShares {
  readonly keyShare: Uint8Array
  readonly selfShare: Uint8Array
}

export { SHARE_CIPHERTEXT_BYTES }

const encoder = new TextEncoder()

function pairLabel(dealer: number, holder: number): Uint8Array {
  const out = new Uint8Array(8)
  const view = new DataView(out.buffer)
  view.setUint32(0, dealer, true)
  view.setUint32(4, holder, true)
  return out
}

function shareKey(shared: Uint8Array, roundId: Uint8Array, dealer: number, holder: number): Uint8Array {
  return hkdf(sha256, shared, roundId, Buffer.concat([encoder.encode('fedra/secagg/v1/share'), pairLabel(dealer, holder)]), 32)
}

const COMMIT_DOMAIN: Record<ShareKind, string> = { key: 'fedra/secagg/v1/commit', self: 'fedra/secagg/v1/self-commit' }

export function shareCommitment(
  roundId: Uint8Array,
  dealer: number,
  holder: number,
  share: Uint8Array,
  kind: ShareKind = 'key',
): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(COMMIT_DOMAIN[kind]).update(roundId).update(pairLabel(dealer, holder)).update(share).digest(),
  )
}

/** The dealer's shares of its round secret key and of its self-mask seed, one pair per graph neighbour, encrypted and committed. */
export function dealRoundKey(options: {
  roundId: Uint8Array
  dealer: number
  roundKey: RoundKeyPair
  /** The dealer's fresh 32-byte self-mask seed b_i (self-mask.ts). */
  selfSeed: Uint8Array
  graph: SecAggGraph
  /** The long-term X25519 key of member j. */
  holderKey: (j: number) => Uint8Array
  randomBytes: (n: number) => Uint8Array
}): DealtShare[] {
  const { roundId, dealer, roundKey, selfSeed, graph, holderKey, randomBytes } = options
  checkSelfSeed(selfSeed, dealer)
  const holders = graph.neighbours(dealer)
  const keyShares = splitSecret(bytesToBig(roundKey.secretKey), holders.length, graph.threshold, randomBytes)
  const selfShares = splitSecret(bytesToBig(selfSeed), holders.length, graph.threshold, randomBytes)
  return holders.map((holder, p) => {
    const keyShare = encodeShare(keyShares[p]!.y)
    const selfShare = encodeShare(selfShares[p]!.y)
    const key = shareKey(agree(roundKey.secretKey, holderKey(holder), `member ${holder}'s encryption key`), roundId, dealer, holder)
    const cipher = createCipheriv('aes-256-gcm', key, new Uint8Array(12))
    cipher.setAAD(Buffer.concat([roundId, pairLabel(dealer, holder)]))
    const sealed = Buffer.concat([cipher.update(keyShare), cipher.update(selfShare), cipher.final(), cipher.getAuthTag()])
    return {
      holder,
      ciphertext: new Uint8Array(sealed),
      commitment: shareCommitment(roundId, dealer, holder, keyShare, 'key'),
      selfCommitment: shareCommitment(roundId, dealer, holder, selfShare, 'self'),
    }
  })
}

/** The holder's shares of `dealer`'s round secret and self-mask seed: decrypted (SECAGG_DECRYPT) and each checked against its commitment (SECAGG_BAD_SHARE). */
export function openShare(options: {
  roundId: Uint8Array
  dealer: number
  holder: number
  dealerPublicKey: Uint8Array
  holderSecretKey: Uint8Array
  dealt: DealtShare
}): OpenedShares {
  const { roundId, dealer, holder, dealerPublicKey, holderSecretKey, dealt } = options
  if (dealt.ciphertext.length !== SHARE_CIPHERTEXT_BYTES)
    throw new SecAggError('SECAGG_DECRYPT', `a share ciphertext is ${SHARE_CIPHERTEXT_BYTES} bytes`, { dealer, holder })
  const key = shareKey(agree(holderSecretKey, dealerPublicKey, `member ${dealer}'s round key`), roundId, dealer, holder)
  const decipher = createDecipheriv('aes-256-gcm', key, new Uint8Array(12))
  decipher.setAAD(Buffer.concat([roundId, pairLabel(dealer, holder)]))
  decipher.setAuthTag(dealt.ciphertext.subarray(2 * SHARE_BYTES))
  let plain: Uint8Array
  try {
    plain = new Uint8Array(Buffer.concat([decipher.update(dealt.ciphertext.subarray(0, 2 * SHARE_BYTES)), decipher.final()]))
  } catch (error) {
    throw new SecAggError(
      'SECAGG_DECRYPT',
      `member ${holder} cannot decrypt its share of member ${dealer}`,
      { dealer, holder },
      { cause: error },
    )
  }
  const keyShare = plain.slice(0, SHARE_BYTES)
  const selfShare = plain.slice(SHARE_BYTES)
  checkRevealedShare(dealt.commitment, roundId, dealer, holder, keyShare, 'key')
  checkRevealedShare(dealt.selfCommitment, roundId, dealer, holder, selfShare, 'self')
  return { keyShare, selfShare }
}

/** A revealed share must be the one the dealer committed to, for its kind: SECAGG_BAD_SHARE otherwise. */
export function checkRevealedShare(
  commitment: Uint8Array,
  roundId: Uint8Array,
  dealer: number,
  holder: number,
  share: Uint8Array,
  kind: ShareKind = 'key',
): void {
  decodeShare(share, dealer, holder)
  if (!Buffer.from(shareCommitment(roundId, dealer, holder, share, kind)).equals(Buffer.from(commitment))) {
    const what = kind === 'key' ? 'round key' : 'self-mask seed'
    throw new SecAggError(
      'SECAGG_BAD_SHARE',
      `member ${holder}'s ${what} share of member ${dealer} does not match the dealer's commitment`,
      {
        dealer,
        holder,
        reason: kind === 'key' ? 'commitment' : 'self commitment',
      },
    )
  }
}

/** The 32-byte secret f(0) from at least t shares of one dealer, every holder a graph neighbour of it, once (SECAGG_UNKNOWN_TRAINER, SECAGG_DUPLICATE_TRAINER, SECAGG_TOO_FEW_SHARES, SECAGG_RECONSTRUCTION for f(0) ≥ 2^256). */
export function interpolateSecret(
  dealer: number,
  graph: SecAggGraph,
  shares: readonly { holder: number; share: Uint8Array }[],
  what: string,
): Uint8Array {
  const holders = graph.neighbours(dealer)
  const points = shares.map(({ holder, share }) => {
    const p = holders.indexOf(holder)
    if (p < 0)
      throw new SecAggError('SECAGG_UNKNOWN_TRAINER', `member ${holder} holds no share of member ${dealer}`, {
        what: 'share holder',
        index: holder,
      })
    return { x: p + 1, y: decodeShare(share, dealer, holder) }
  })
  const secret = combineShares(points, graph.threshold, dealer)
  if (secret >= 1n << 256n)
    throw new SecAggError('SECAGG_RECONSTRUCTION', `member ${dealer}'s shares interpolate to no 32-byte ${what}`, {
      dealer,
      reason: 'size',
    })
  return bigToBytes(secret, 32)
}

/**
 * A dropped member's round secret key from its neighbours' revealed shares: every holder must be a
 * graph neighbour of the dealer and appear once, at least t shares, and the interpolated key must
 * give the dealer's published round public key (SECAGG_RECONSTRUCTION otherwise).
 */
export function reconstructRoundSecret(options: {
  dealer: number
  graph: SecAggGraph
  publicKey: Uint8Array
  shares: readonly { holder: number; share: Uint8Array }[]
}): Uint8Array {
  const { dealer, graph, publicKey, shares } = options
  const secretKey = interpolateSecret(dealer, graph, shares, 'key')
  if (!Buffer.from(publicKeyOf(secretKey)).equals(Buffer.from(publicKey))) {
    throw new SecAggError('SECAGG_RECONSTRUCTION', `member ${dealer}'s shares interpolate to a key that is not its round key`, {
      dealer,
      reason: 'public key',
    })
  }
  return secretKey
}

/**
 * A surviving member's self-mask seed from its neighbours' revealed self shares: the same checks
 * as a round key, and the interpolated seed must match the dealer's published seed commitment
 * (SECAGG_RECONSTRUCTION otherwise).
 */
export function reconstructSelfSeed(options: {
  roundId: Uint8Array
  dealer: number
  graph: SecAggGraph
  selfCommitment: Uint8Array
  shares: readonly { holder: number; share: Uint8Array }[]
}): Uint8Array {
  const { roundId, dealer, graph, selfCommitment, shares } = options
  const seed = interpolateSecret(dealer, graph, shares, 'self-mask seed')
  if (!Buffer.from(selfSeedCommitment(roundId, dealer, seed)).equals(Buffer.from(selfCommitment))) {
    throw new SecAggError(
      'SECAGG_RECONSTRUCTION',
      `member ${dealer}'s self shares interpolate to a seed that is not the one it committed to`,
      {
        dealer,
        reason: 'self commitment',
      },
    )
  }
  return seed
}

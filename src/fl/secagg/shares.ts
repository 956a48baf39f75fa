import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { SecAggError } from './errors.js'
import type { SecAggGraph } from './graph.js'
import { type RoundKeyPair, agree, publicKeyOf } from './keys.js'
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
 * Dropout recovery (Bell et al. 2020, round 1 "ShareKeys", with SecAgg+'s sharing among graph
 * neighbours only): each member deals t-of-k Shamir shares of its round secret key to its k graph
 * neighbours, holder x = 1 + (its position in the dealer's ascending neighbour list). Each share
 * travels encrypted to its holder and with a public commitment:
 *
 *   key_ij     = HKDF-SHA256(X25519(sk_i^round, pk_j^enc), salt = roundId,
 *                            info = "fedra/secagg/v1/share" ‖ u32le i ‖ u32le j, 32)
 *   ciphertext = AES-256-GCM(key_ij, nonce = 12 zero bytes, aad = roundId ‖ u32le i ‖ u32le j, share)
 *   commitment = SHA-256("fedra/secagg/v1/commit" ‖ roundId ‖ u32le i ‖ u32le j ‖ share)
 *
 * pk_j^enc is the holder's long-term X25519 key (on chain: its account's ed25519 key mapped to
 * Curve25519), so shares can be dealt before the holders' round keys exist. Each key encrypts one
 * message, hence the fixed nonce. A revealed share is checked against its commitment, so a holder
 * cannot slip in a wrong one; the interpolated secret is checked against the dealer's round
 * public key, so a dealer whose shares are inconsistent is caught too.
 *
 * No self-mask (SecAgg's b_u): it exists because a server can lie about who dropped and then
 * also receive the "dropped" member's masked input. On chain, who dropped is consensus state
 * (set up, no update recorded when the submit window closed), and a reveal is accepted only for
 * such a member, so the pairwise masks of a member whose update is in the sum are never revealed.
 */
export interface DealtShare {
  /** The holder's member index. */
  readonly holder: number
  readonly ciphertext: Uint8Array
  readonly commitment: Uint8Array
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

export function shareCommitment(roundId: Uint8Array, dealer: number, holder: number, share: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update('fedra/secagg/v1/commit').update(roundId).update(pairLabel(dealer, holder)).update(share).digest(),
  )
}

/** The dealer's shares of its round secret key, one per graph neighbour, encrypted and committed. */
export function dealRoundKey(options: {
  roundId: Uint8Array
  dealer: number
  roundKey: RoundKeyPair
  graph: SecAggGraph
  /** The long-term X25519 key of member j. */
  holderKey: (j: number) => Uint8Array
  randomBytes: (n: number) => Uint8Array
}): DealtShare[] {
  const { roundId, dealer, roundKey, graph, holderKey, randomBytes } = options
  const holders = graph.neighbours(dealer)
  const shares = splitSecret(bytesToBig(roundKey.secretKey), holders.length, graph.threshold, randomBytes)
  return holders.map((holder, p) => {
    const share = encodeShare(shares[p]!.y)
    const key = shareKey(agree(roundKey.secretKey, holderKey(holder), `member ${holder}'s encryption key`), roundId, dealer, holder)
    const cipher = createCipheriv('aes-256-gcm', key, new Uint8Array(12))
    cipher.setAAD(Buffer.concat([roundId, pairLabel(dealer, holder)]))
    const ciphertext = new Uint8Array(Buffer.concat([cipher.update(share), cipher.final(), cipher.getAuthTag()]))
    return { holder, ciphertext, commitment: shareCommitment(roundId, dealer, holder, share) }
  })
}

/** The holder's share of `dealer`'s round secret: decrypted (SECAGG_DECRYPT) and checked against its commitment (SECAGG_BAD_SHARE). */
export function openShare(options: {
  roundId: Uint8Array
  dealer: number
  holder: number
  dealerPublicKey: Uint8Array
  holderSecretKey: Uint8Array
  dealt: DealtShare
}): Uint8Array {
  const { roundId, dealer, holder, dealerPublicKey, holderSecretKey, dealt } = options
  if (dealt.ciphertext.length !== SHARE_CIPHERTEXT_BYTES)
    throw new SecAggError('SECAGG_DECRYPT', `a share ciphertext is ${SHARE_CIPHERTEXT_BYTES} bytes`, { dealer, holder })
  const key = shareKey(agree(holderSecretKey, dealerPublicKey, `member ${dealer}'s round key`), roundId, dealer, holder)
  const decipher = createDecipheriv('aes-256-gcm', key, new Uint8Array(12))
  decipher.setAAD(Buffer.concat([roundId, pairLabel(dealer, holder)]))
  decipher.setAuthTag(dealt.ciphertext.subarray(SHARE_BYTES))
  let share: Uint8Array
  try {
    share = new Uint8Array(Buffer.concat([decipher.update(dealt.ciphertext.subarray(0, SHARE_BYTES)), decipher.final()]))
  } catch (error) {
    throw new SecAggError(
      'SECAGG_DECRYPT',
      `member ${holder} cannot decrypt its share of member ${dealer}`,
      { dealer, holder },
      { cause: error },
    )
  }
  checkRevealedShare(dealt.commitment, roundId, dealer, holder, share)
  return share
}

/** A revealed share must be the one the dealer committed to: SECAGG_BAD_SHARE otherwise. */
export function checkRevealedShare(commitment: Uint8Array, roundId: Uint8Array, dealer: number, holder: number, share: Uint8Array): void {
  decodeShare(share, dealer, holder)
  if (!Buffer.from(shareCommitment(roundId, dealer, holder, share)).equals(Buffer.from(commitment))) {
    throw new SecAggError('SECAGG_BAD_SHARE', `member ${holder}'s share of member ${dealer} does not match the dealer's commitment`, {
      dealer,
      holder,
      reason: 'commitment',
    })
  }
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
    throw new SecAggError('SECAGG_RECONSTRUCTION', `member ${dealer}'s shares interpolate to no 32-byte key`, { dealer, reason: 'size' })
  const secretKey = bigToBytes(secret, 32)
  if (!Buffer.from(publicKeyOf(secretKey)).equals(Buffer.from(publicKey))) {
    throw new SecAggError('SECAGG_RECONSTRUCTION', `member ${dealer}'s shares interpolate to a key that is not its round key`, {
      dealer,
      reason: 'public key',
    })
  }
  return secretKey
}

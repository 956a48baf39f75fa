import { createHash } from 'node:crypto'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { SecAggError } from './errors.js'

/**
 * The self mask (SecAgg's b_u, "double masking", Bonawitz et al. 2017 §4; Bell et al. 2020): each
 * member draws a fresh 32-byte seed b_i per round, adds mask(selfMaskSeed(b_i)) to its update on
 * top of the pairwise masks, and deals Shamir shares of b_i with those of its round key
 * (shares.ts). The PRG seed is derived, never b_i itself, so the self mask's keystream is
 * domain-separated from every pairwise one:
 *
 *   selfMaskSeed(b_i) = HKDF-SHA256(ikm = b_i, salt = roundId, info = "fedra/secagg/v1/self" ‖ u32le i, 32)
 *   selfCommitment    = SHA-256("fedra/secagg/v1/self-seed" ‖ roundId ‖ u32le i ‖ b_i)
 *
 * The commitment is published with the setup, so a seed rebuilt from revealed shares is checked
 * the way a rebuilt round key is checked against its public key.
 */
const encoder = new TextEncoder()
const SELF_INFO = encoder.encode('fedra/secagg/v1/self')

function memberLabel(member: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, member, true)
  return out
}

export function checkSelfSeed(seed: Uint8Array, member: number): void {
  if (!(seed instanceof Uint8Array) || seed.length !== 32)
    throw new SecAggError('SECAGG_SELF_SEED', `member ${member}'s self-mask seed must be 32 bytes`, { index: member, reason: 'length' })
}

/** The ChaCha20 key of member's self mask (prg.ts maskStream). */
export function selfMaskSeed(seed: Uint8Array, roundId: Uint8Array, member: number): Uint8Array {
  checkSelfSeed(seed, member)
  const info = new Uint8Array(SELF_INFO.length + 4)
  info.set(SELF_INFO)
  info.set(memberLabel(member), SELF_INFO.length)
  return hkdf(sha256, seed, roundId, info, 32)
}

export function selfSeedCommitment(roundId: Uint8Array, member: number, seed: Uint8Array): Uint8Array {
  checkSelfSeed(seed, member)
  return new Uint8Array(
    createHash('sha256').update('fedra/secagg/v1/self-seed').update(roundId).update(memberLabel(member)).update(seed).digest(),
  )
}

import { sha256 } from '../../../src/crypto/index.js'
import {
  type ConsensusSigner,
  type SignatureVerifier,
  type UnsignedProposal,
  type UnsignedVote,
  type Validator,
  proposalSignPayload,
  voteSignPayload,
} from '../../../src/consensus/index.js'

/**
 * Simulator signatures: a keyed hash (a MAC) of the real sign payload, 16 bytes. It costs a
 * hash instead of an ed25519 operation, and a Byzantine node still cannot forge another
 * validator's votes because it does not hold that validator's secret. The real scheme
 * (ed25519Verifier / keySigner) is exercised by the unit tests.
 */
export interface SimKey {
  address: string
  secret: Uint8Array
  publicKey: Uint8Array
}

export function simKey(index: number): SimKey {
  const secret = sha256(new TextEncoder().encode(`sim-secret-${index}`))
  return { address: `val${String(index).padStart(2, '0')}`, secret, publicKey: sha256(secret) }
}

function mac(secret: Uint8Array, domain: number, payload: Uint8Array): Uint8Array {
  const input = new Uint8Array(secret.length + 1 + payload.length)
  input.set(secret, 0)
  input[secret.length] = domain
  input.set(payload, secret.length + 1)
  return sha256(input).subarray(0, 16)
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0

export function simSigner(key: SimKey): ConsensusSigner {
  return {
    address: key.address,
    signVote: (vote: UnsignedVote) => mac(key.secret, 1, voteSignPayload(vote)),
    signProposal: (proposal: UnsignedProposal) => mac(key.secret, 2, proposalSignPayload(proposal)),
  }
}

export function simVerifier(keys: readonly SimKey[]): SignatureVerifier {
  const secrets = new Map(keys.map((k) => [k.address, k.secret]))
  return {
    verifyVote(vote, validator: Validator) {
      const secret = secrets.get(validator.address)
      return secret !== undefined && vote.validator === validator.address && equal(vote.signature, mac(secret, 1, voteSignPayload(vote)))
    },
    verifyProposal(proposal, validator: Validator) {
      const secret = secrets.get(validator.address)
      return (
        secret !== undefined &&
        proposal.proposer === validator.address &&
        equal(proposal.signature, mac(secret, 2, proposalSignPayload(proposal)))
      )
    },
  }
}

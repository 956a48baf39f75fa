import { PrivateKey } from '../../../src/crypto/index.js'
import {
  type Block,
  type Commit,
  type UnsignedVote,
  type Vote,
  blockId,
  dataHash,
  ed25519Verifier,
  evidenceHash,
  genesisValidatorSets,
  keySigner,
  lastCommitHash,
  resultsHash,
  validatorSetHash,
} from '../../../src/consensus/index.js'

export const CHAIN_ID = 'fedra-test'
export const keys = [1, 2, 3, 4].map((i) => PrivateKey.fromSeed(new Uint8Array(32).fill(i)))
export const signers = keys.map((k) => keySigner(k, CHAIN_ID))
export const verifier = ed25519Verifier(CHAIN_ID)
export const sets = genesisValidatorSets(
  keys.map((k) => ({ address: k.publicKey.address, publicKey: k.publicKey.bytes, votingPower: 10n })),
)

export function signedVote(index: number, vote: Omit<UnsignedVote, 'validator'>): Vote {
  const unsigned = { ...vote, validator: signers[index]!.address }
  return { ...unsigned, signature: signers[index]!.signVote(unsigned) }
}

export function block(height = 1, txs: Uint8Array[] = [new Uint8Array([1, 2, 3])], lastCommit: Commit | null = null): Block {
  return {
    header: {
      chainId: CHAIN_ID,
      height,
      time: 1_700_000_000_000 + height,
      prevBlockId: height === 1 ? null : 'cd'.repeat(32),
      lastCommitHash: lastCommitHash(lastCommit),
      lastResultsHash: resultsHash([]),
      dataHash: dataHash(txs),
      evidenceHash: evidenceHash([]),
      stateRoot: new Uint8Array(32).fill(7),
      validatorsHash: validatorSetHash(sets.validators),
      nextValidatorsHash: validatorSetHash(sets.nextValidators),
      proposer: signers[0]!.address,
    },
    lastCommit,
    evidence: [],
    txs,
  }
}

export const idOf = (b: Block): string => blockId(b.header)

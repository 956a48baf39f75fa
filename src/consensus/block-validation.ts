import type { ChainTip } from './application.js'
import { type Block, type Commit, commitVotes, dataHash, evidenceHash, lastCommitHash, validatorSetHash } from './block.js'
import { checkEvidence, evidenceKey } from './evidence.js'
import type { SignatureVerifier } from './signer.js'
import type { ValidatorSet } from './validator-set.js'
import { isQuorum } from './vote-keeper.js'
import type { Height, ValueId } from './types.js'

const hashCache = new WeakMap<ValidatorSet, Uint8Array>()

function setHash(set: ValidatorSet): Uint8Array {
  let hash = hashCache.get(set)
  if (hash === undefined) {
    hash = validatorSetHash(set)
    hashCache.set(set, hash)
  }
  return hash
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0

/**
 * Checks that `commit` proves block `blockId` at `height`: distinct validators of `set`, valid
 * precommit signatures, together more than 2/3 of the power. Returns null or the problem.
 */
export function checkCommit(
  commit: Commit,
  height: Height,
  blockId: ValueId,
  set: ValidatorSet,
  verifier: SignatureVerifier,
): string | null {
  if (commit.height !== height) return 'commit for another height'
  if (commit.blockId !== blockId) return 'commit for another block'
  const byAddress = new Map(set.validators.map((v) => [v.address, v]))
  const seen = new Set<string>()
  let power = 0n
  for (const vote of commitVotes(commit)) {
    const validator = byAddress.get(vote.validator)
    if (validator === undefined) return `commit signed by non-validator ${vote.validator}`
    if (seen.has(vote.validator)) return `commit signed twice by ${vote.validator}`
    seen.add(vote.validator)
    if (!verifier.verifyVote(vote, validator)) return `bad commit signature from ${vote.validator}`
    power += validator.votingPower
  }
  return isQuorum(power, set.totalPower) ? null : 'commit lacks +2/3 of the voting power'
}

export interface BlockCheckContext {
  tip: ChainTip
  verifier: SignatureVerifier
  validatorsAt(height: Height): ValidatorSet | null
  /** Evidence older than this many heights is refused (it is deterministic: it depends on the chain only). */
  maxEvidenceAge: number
}

/**
 * Everything about a proposed block that consensus can check without executing it. Every
 * rule depends only on the chain (never on a local clock), so all honest validators agree.
 * Returns null or the first problem found.
 */
export function checkBlock(block: Block, ctx: BlockCheckContext): string | null {
  const { header } = block
  const { tip } = ctx
  if (header.chainId !== tip.chainId) return 'wrong chain id'
  if (header.height !== tip.height + 1) return 'wrong height'
  if (header.prevBlockId !== tip.blockId) return 'wrong previous block id'
  if (!Number.isSafeInteger(header.time) || header.time <= tip.time) return 'time not after the previous block'
  if (!sameBytes(header.validatorsHash, setHash(tip.validators))) return 'wrong validators hash'
  if (!sameBytes(header.nextValidatorsHash, setHash(tip.nextValidators))) return 'wrong next validators hash'
  if (!tip.validators.validators.some((v) => v.address === header.proposer)) return 'proposer is not a validator'
  if (!sameBytes(header.dataHash, dataHash(block.txs))) return 'wrong data hash'
  if (!sameBytes(header.evidenceHash, evidenceHash(block.evidence))) return 'wrong evidence hash'
  if (!sameBytes(header.lastCommitHash, lastCommitHash(block.lastCommit))) return 'wrong last commit hash'
  if (!sameBytes(header.lastResultsHash, tip.lastResultsHash)) return 'wrong last results hash'
  if (tip.height === 0) {
    if (block.lastCommit !== null) return 'first block carries a last commit'
  } else {
    if (block.lastCommit === null || tip.lastValidators === null || tip.blockId === null) return 'missing last commit'
    const problem = checkCommit(block.lastCommit, tip.height, tip.blockId, tip.lastValidators, ctx.verifier)
    if (problem !== null) return `last commit: ${problem}`
  }
  const keys = new Set<string>()
  for (const e of block.evidence) {
    const key = evidenceKey(e)
    if (keys.has(key)) return 'duplicate evidence'
    keys.add(key)
    const height = e.voteA.height
    if (height > tip.height || height <= tip.height - ctx.maxEvidenceAge) return 'evidence height out of range'
    const set = ctx.validatorsAt(height)
    if (set === null) return 'evidence for a height without a known validator set'
    const problem = checkEvidence(e, set, ctx.verifier)
    if (problem !== null) return `evidence: ${problem}`
  }
  return null
}

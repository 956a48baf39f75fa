/** Secure aggregation (SecAgg+, Bell et al. 2020, with the self mask) on Fedra's integer updates: see docs/privacy.md. */
export { SecAggError, type SecAggErrorCode, type SecAggErrorContexts, isSecAggError } from './errors.js'
export { MODULUS, MAX_SIGNED_RESIDUE, PLAIN_MAX_ABS, SECAGG_MAX_UPDATES, SECAGG_MAX_WEIGHT, residue, signedResidue } from './ring.js'
export { type SecAggGraph, secAggGraph, graphDegree } from './graph.js'
export { maskStream } from './prg.js'
export { type RoundKeyPair, roundKeyPair, publicKeyOf, pairSeed } from './keys.js'
export { FIELD_PRIME, SHARE_BYTES, type Share, splitSecret, combineShares, encodeShare, decodeShare } from './shamir.js'
export {
  type DealtShare,
  type OpenedShares,
  type ShareKind,
  SHARE_CIPHERTEXT_BYTES,
  dealRoundKey,
  openShare,
  shareCommitment,
  checkRevealedShare,
  reconstructRoundSecret,
  reconstructSelfSeed,
} from './shares.js'
export { selfMaskSeed, selfSeedCommitment } from './self-seed.js'
export { type Peer, maskUpdate, maskCorrection, unmaskedSum, secAggMean } from './mask.js'
export {
  type RecoveryMember,
  type RecoveryStatus,
  type SecAggRecovery,
  RECOVERY_SHARE_KIND,
  recoverSecAggRound,
  shortSharesText,
} from './recovery.js'

import { encode } from '../../codec/index.js'
import { sha256 } from '../../crypto/index.js'
import { concatBytes, utf8 } from '../../state/index.js'
import { ScoreCommitmentPreimage, type ScoreCommitmentPreimageValue } from './messages.js'

/** Domain separation: no other hash in Fedra starts with these bytes. */
export const SCORE_COMMITMENT_DOMAIN = utf8('fedra/reputation/score-commitment/v1\u0000')

/**
 * The commitment a validator posts in MsgCommitScores and its reveal must hash to:
 * sha256(SCORE_COMMITMENT_DOMAIN ‖ canonical encoding of ScoreCommitmentPreimage { validator,
 * subnet, round, salt, scores }). `validator` is the operator account (20 bytes) that signs
 * both messages; `scores` exactly as the reveal will list them (ascending trainer order). The
 * same function serves the chain, the scorer daemon and tests.
 */
export function scoreCommitment(preimage: ScoreCommitmentPreimageValue): Uint8Array {
  return sha256(concatBytes(SCORE_COMMITMENT_DOMAIN, encode(ScoreCommitmentPreimage, preimage)))
}

import { encode } from '../codec/index.js'
import type { CoinValue } from '../modules/bank/messages.js'
import { DISPUTE_CLAIMS, MAX_EVIDENCE, MsgOpenDispute } from '../modules/disputes/messages.js'
import { accountBytes, invalid, oneCoin, u64 } from './inputs.js'

type Id = bigint | number | string

/** Builders for the disputes module's messages (merged into `messages`, src/client/tx.ts). */
export const disputeMessages = {
  /**
   * disputes/MsgOpenDispute: a dispute of the slash `target` took in round `round` of `subnet`,
   * escrowing `bond`; `evidence` names the blobs the chain's recomputation reads (the round's base
   * model, its updates and the rejected aggregate's result and model).
   */
  disputeOpen(input: { subnet: Id; round: Id; target: string; claim: string; bond: string | CoinValue; evidence: string[] }): Uint8Array {
    if (!(DISPUTE_CLAIMS as readonly string[]).includes(input.claim))
      invalid('claim', `claim: "${String(input.claim).slice(0, 40)}" is not one of ${DISPUTE_CLAIMS.join(', ')}`)
    if (input.evidence.length > MAX_EVIDENCE) invalid('evidence', `evidence: at most ${MAX_EVIDENCE} blobs`)
    return encode(MsgOpenDispute, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      target: accountBytes(input.target, 'target'),
      claim: input.claim,
      bond: oneCoin(input.bond, 'bond'),
      evidence: input.evidence,
    })
  },
}

// Secure aggregation's messages and stored records (codec only, like messages.ts: the browser
// client builds these transactions from this file). Tags 2580–2589 of training's range.
import { t, type StructValue } from '../../codec/index.js'
import { SECAGG_MAX_UPDATES } from '../../fl/secagg/ring.js'
import { SHARE_BYTES, SHARE_CIPHERTEXT_BYTES } from '../../fl/secagg/shamir.js'

const address = t.fixedBytes(20)

/** One share a dealer gives one graph neighbour: its encrypted 66-byte Shamir share and the public commitment (src/fl/secagg/shares.ts). */
export const SecAggDealtShare = t.struct('training/SecAggDealtShare', 2580, 1, {
  holder: address,
  ciphertext: t.bytes({ min: SHARE_CIPHERTEXT_BYTES, max: SHARE_CIPHERTEXT_BYTES }),
  commitment: t.fixedBytes(32),
})

/**
 * A trainer's setup for a `secagg-fedavg` round, in the setup phase (the first half of the submit
 * window): its fresh X25519 round public key and one dealt share of the round secret per graph
 * neighbour, in the neighbours' ascending roster order. Only trainers that set up may submit, and
 * each masks with its neighbours that set up.
 */
export const MsgSecAggSetup = t.struct('training/MsgSecAggSetup', 2581, 1, {
  subnet: t.u64,
  round: t.u64,
  roundKey: t.fixedBytes(32),
  shares: t.array(SecAggDealtShare, { max: SECAGG_MAX_UPDATES - 1 }),
})

/** A holder's plain share of a dropped dealer's round secret. */
export const SecAggRevealedShare = t.struct('training/SecAggRevealedShare', 2582, 1, {
  dealer: address,
  share: t.fixedBytes(SHARE_BYTES),
})

/**
 * Shares of dropped trainers (set up, no update when the submit window closed), revealed by their
 * holders in the aggregate window; each checked against the dealer's commitment.
 */
export const MsgSecAggReveal = t.struct('training/MsgSecAggReveal', 2583, 1, {
  subnet: t.u64,
  round: t.u64,
  reveals: t.array(SecAggRevealedShare, { min: 1, max: SECAGG_MAX_UPDATES - 1 }),
})

/**
 * The round's roster, fixed by its first setup: the subnet's trainers then (ascending address:
 * member i of the graph), the round id every seed and share is bound to, the graph seed, and the
 * height from which updates are taken (setups before it).
 */
export const SecAggRoster = t.struct('training/SecAggRoster', 2584, 1, {
  members: t.array(address, { max: SECAGG_MAX_UPDATES }),
  roundId: t.fixedBytes(32),
  graphSeed: t.fixedBytes(32),
  setupEnd: t.u64,
})

/** A member's setup as stored. */
export const SecAggSetupRecord = t.struct('training/SecAggSetup', 2585, 1, {
  roundKey: t.fixedBytes(32),
  shares: t.array(SecAggDealtShare, { max: SECAGG_MAX_UPDATES - 1 }),
})

export type SecAggDealtShareValue = StructValue<typeof SecAggDealtShare.fields>
export type MsgSecAggSetupValue = StructValue<typeof MsgSecAggSetup.fields>
export type MsgSecAggRevealValue = StructValue<typeof MsgSecAggReveal.fields>
export type SecAggRosterValue = StructValue<typeof SecAggRoster.fields>
export type SecAggSetupValue = StructValue<typeof SecAggSetupRecord.fields>

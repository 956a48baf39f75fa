// Secure aggregation's messages and stored records (codec only, like messages.ts: the browser
// client builds these transactions from this file). Tags 2580–2589 of training's range.
import { t, type StructValue } from '../../codec/index.js'
import { SECAGG_MAX_UPDATES } from '../../fl/secagg/ring.js'
import { SHARE_BYTES, SHARE_CIPHERTEXT_BYTES } from '../../fl/secagg/shamir.js'

const address = t.fixedBytes(20)

/**
 * One share pair a dealer gives one graph neighbour (src/fl/secagg/shares.ts): its 66-byte Shamir
 * shares of the dealer's round secret key and of its self-mask seed, encrypted together, and the
 * public commitment to each. Version 2: the self share and its commitment.
 */
export const SecAggDealtShare = t.struct('training/SecAggDealtShare', 2580, 2, {
  holder: address,
  ciphertext: t.bytes({ min: SHARE_CIPHERTEXT_BYTES, max: SHARE_CIPHERTEXT_BYTES }),
  commitment: t.fixedBytes(32),
  selfCommitment: t.fixedBytes(32),
})

/**
 * A trainer's setup for a `secagg-fedavg` round, in the setup phase (the first half of the submit
 * window): its fresh X25519 round public key, the commitment to its fresh self-mask seed
 * (src/fl/secagg/self-seed.ts), and one dealt share pair per graph neighbour, in the neighbours'
 * ascending roster order. Only trainers that set up may submit, and each masks with its
 * neighbours that set up. Version 2: the self-mask seed's commitment.
 */
export const MsgSecAggSetup = t.struct('training/MsgSecAggSetup', 2581, 2, {
  subnet: t.u64,
  round: t.u64,
  roundKey: t.fixedBytes(32),
  selfCommitment: t.fixedBytes(32),
  shares: t.array(SecAggDealtShare, { max: SECAGG_MAX_UPDATES - 1 }),
})

/** A revealed share's kind: of a dropped dealer's round secret key, or of a surviving dealer's self-mask seed. */
export const SHARE_KIND_KEY = 0
export const SHARE_KIND_SELF = 1
export type ShareKindCode = typeof SHARE_KIND_KEY | typeof SHARE_KIND_SELF

/** A holder's plain share of one dealer's secret, `kind` saying which (version 2: the kind). */
export const SecAggRevealedShare = t.struct('training/SecAggRevealedShare', 2582, 2, {
  dealer: address,
  kind: t.u8,
  share: t.fixedBytes(SHARE_BYTES),
})

/**
 * Shares revealed by their holders in the aggregate window: key shares of dropped trainers (set
 * up, no update when the submit window closed), self shares of survivors (update recorded); each
 * checked against the dealer's commitment of its kind.
 */
export const MsgSecAggReveal = t.struct('training/MsgSecAggReveal', 2583, 2, {
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

/** A member's setup as stored (version 2: the self-mask seed's commitment). */
export const SecAggSetupRecord = t.struct('training/SecAggSetup', 2585, 2, {
  roundKey: t.fixedBytes(32),
  selfCommitment: t.fixedBytes(32),
  shares: t.array(SecAggDealtShare, { max: SECAGG_MAX_UPDATES - 1 }),
})

export type SecAggDealtShareValue = StructValue<typeof SecAggDealtShare.fields>
export type MsgSecAggSetupValue = StructValue<typeof MsgSecAggSetup.fields>
export type MsgSecAggRevealValue = StructValue<typeof MsgSecAggReveal.fields>
export type SecAggRosterValue = StructValue<typeof SecAggRoster.fields>
export type SecAggSetupValue = StructValue<typeof SecAggSetupRecord.fields>

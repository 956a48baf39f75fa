import { concatBytes, expectKey, readU64, u64Bytes } from '../../state/index.js'

/**
 * Gov's store, under `gov/` (0x00 is the framework's params key). Ids and times (ms) are
 * big-endian u64, so proposals iterate by id and the queues by end time, then id:
 *   0x01 + id(8)                 → Proposal
 *   0x02 + id(8) + depositor(20) → Deposit: Σ what that depositor put into the proposal
 *   0x03 + id(8) + voter(20)     → Vote: the voter's latest options (a later vote replaces it)
 *   0x04 + depositEnd(8) + id(8) → (empty) the deposit-period queue: proposals still gathering deposits
 *   0x05 + votingEnd(8) + id(8)  → (empty) the voting-period queue: proposals being voted on
 *   0x06                         → ProposalCounter: the id the next proposal gets
 *   0x07                         → UpgradePlan: the scheduled software upgrade (absent: none)
 * The gov module account holds exactly the deposits of the proposals in either queue (invariants.ts).
 */
export const MODULE = 'gov'

/** The module account holding every open proposal's deposits (permission: burner, for burned deposits). */
export const GOV_ACCOUNT = MODULE

const PROPOSAL = 0x01
const DEPOSIT = 0x02
const VOTE = 0x03
const DEPOSIT_QUEUE = 0x04
const VOTING_QUEUE = 0x05
const U64 = 8
const ADDRESS = 20

const expect = (key: Uint8Array, first: number, length: number | null, what: string): void => expectKey('gov', key, first, length, what)

export const ALL_PROPOSALS = Uint8Array.of(PROPOSAL)
export const ALL_DEPOSITS = Uint8Array.of(DEPOSIT)
export const ALL_VOTES = Uint8Array.of(VOTE)
export const DEPOSIT_QUEUE_PREFIX = Uint8Array.of(DEPOSIT_QUEUE)
export const VOTING_QUEUE_PREFIX = Uint8Array.of(VOTING_QUEUE)
export const COUNTER_KEY = Uint8Array.of(0x06)
export const PLAN_KEY = Uint8Array.of(0x07)
export const PRESENT = new Uint8Array(0)

export const proposalKey = (id: bigint): Uint8Array => concatBytes(ALL_PROPOSALS, u64Bytes(id))
export const depositsOf = (id: bigint): Uint8Array => concatBytes(ALL_DEPOSITS, u64Bytes(id))
export const depositKey = (id: bigint, depositor: Uint8Array): Uint8Array => concatBytes(depositsOf(id), depositor)
export const votesOf = (id: bigint): Uint8Array => concatBytes(ALL_VOTES, u64Bytes(id))
export const voteKey = (id: bigint, voter: Uint8Array): Uint8Array => concatBytes(votesOf(id), voter)
export const depositQueueKey = (end: bigint, id: bigint): Uint8Array => concatBytes(DEPOSIT_QUEUE_PREFIX, u64Bytes(end), u64Bytes(id))
export const votingQueueKey = (end: bigint, id: bigint): Uint8Array => concatBytes(VOTING_QUEUE_PREFIX, u64Bytes(end), u64Bytes(id))

export function parseProposalKey(key: Uint8Array): bigint {
  expect(key, PROPOSAL, 1 + U64, 'proposal')
  return readU64(key, 1)
}

/** The proposal and the depositor (or voter) of a deposit or vote key. */
export function parseAccountKey(key: Uint8Array): { id: bigint; account: Uint8Array } {
  if ((key[0] !== DEPOSIT && key[0] !== VOTE) || key.length !== 1 + U64 + ADDRESS) throw new Error(`not a gov deposit or vote key: ${Buffer.from(key).toString('hex')}`)
  return { id: readU64(key, 1), account: key.slice(1 + U64) }
}

/** The end time and proposal of a deposit-queue or voting-queue key. */
export function parseQueueKey(key: Uint8Array): { end: bigint; id: bigint } {
  if ((key[0] !== DEPOSIT_QUEUE && key[0] !== VOTING_QUEUE) || key.length !== 1 + 2 * U64) throw new Error(`not a gov queue key: ${Buffer.from(key).toString('hex')}`)
  return { end: readU64(key, 1), id: readU64(key, 1 + U64) }
}

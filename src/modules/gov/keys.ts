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
 *   0x08 + name (UTF-8)          → AppliedUpgrade: an upgrade done, at the height it took effect (x/upgrade's done record)
 *   0x10 + id(8)                 → ScopedProposal (subnet scope; ids of their own)
 *   0x11 + id(8) + voter(20)     → Vote on a scoped proposal (one per voter)
 *   0x12                         → ProposalCounter of scoped proposals
 *   0x13 + scope(1) + target(8)  → ScopeGovernance: a governed subnet's rules (scope byte 0x01: subnet, 0x02: datanet)
 *   0x14 + votingEnd(8) + id(8)  → (empty) the scoped voting queue
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
export const ALL_APPLIED = Uint8Array.of(0x08)
export const ALL_SCOPED = Uint8Array.of(0x10)
export const ALL_SCOPED_VOTES = Uint8Array.of(0x11)
export const SCOPED_COUNTER_KEY = Uint8Array.of(0x12)
export const ALL_SCOPES = Uint8Array.of(0x13)
export const SCOPED_QUEUE_PREFIX = Uint8Array.of(0x14)
const SCOPE_BYTE: Record<string, number> = { subnet: 0x01, datanet: 0x02 }
export const PRESENT = new Uint8Array(0)

export const proposalKey = (id: bigint): Uint8Array => concatBytes(ALL_PROPOSALS, u64Bytes(id))
export const depositsOf = (id: bigint): Uint8Array => concatBytes(ALL_DEPOSITS, u64Bytes(id))
export const depositKey = (id: bigint, depositor: Uint8Array): Uint8Array => concatBytes(depositsOf(id), depositor)
export const votesOf = (id: bigint): Uint8Array => concatBytes(ALL_VOTES, u64Bytes(id))
export const voteKey = (id: bigint, voter: Uint8Array): Uint8Array => concatBytes(votesOf(id), voter)
export const depositQueueKey = (end: bigint, id: bigint): Uint8Array => concatBytes(DEPOSIT_QUEUE_PREFIX, u64Bytes(end), u64Bytes(id))
export const votingQueueKey = (end: bigint, id: bigint): Uint8Array => concatBytes(VOTING_QUEUE_PREFIX, u64Bytes(end), u64Bytes(id))

export const appliedKey = (name: string): Uint8Array => concatBytes(ALL_APPLIED, new TextEncoder().encode(name))

export const scopedKey = (id: bigint): Uint8Array => concatBytes(ALL_SCOPED, u64Bytes(id))
export const scopedVotesOf = (id: bigint): Uint8Array => concatBytes(ALL_SCOPED_VOTES, u64Bytes(id))
export const scopedVoteKey = (id: bigint, voter: Uint8Array): Uint8Array => concatBytes(scopedVotesOf(id), voter)
export const scopeKey = (scope: string, target: bigint): Uint8Array =>
  concatBytes(ALL_SCOPES, Uint8Array.of(SCOPE_BYTE[scope]!), u64Bytes(target))
export const scopedQueueKey = (end: bigint, id: bigint): Uint8Array => concatBytes(SCOPED_QUEUE_PREFIX, u64Bytes(end), u64Bytes(id))

/** The end time and proposal of a scoped-queue key. */
export function parseScopedQueueKey(key: Uint8Array): { end: bigint; id: bigint } {
  expect(key, 0x14, 1 + 2 * U64, 'scoped queue')
  return { end: readU64(key, 1), id: readU64(key, 1 + U64) }
}

/** The scope and target of a scope-governance key. */
export function parseScopeKey(key: Uint8Array): { scope: string; target: bigint } {
  expect(key, 0x13, 2 + U64, 'scope')
  const scope = Object.entries(SCOPE_BYTE).find(([, b]) => b === key[1])?.[0]
  if (scope === undefined) throw new Error(`not a gov scope key: ${Buffer.from(key).toString('hex')}`)
  return { scope, target: readU64(key, 2) }
}

/** The voter of a scoped vote key. */
export function parseScopedVoteKey(key: Uint8Array): { id: bigint; voter: Uint8Array } {
  expect(key, 0x11, 1 + U64 + ADDRESS, 'scoped vote')
  return { id: readU64(key, 1), voter: key.slice(1 + U64) }
}

export function parseProposalKey(key: Uint8Array): bigint {
  expect(key, PROPOSAL, 1 + U64, 'proposal')
  return readU64(key, 1)
}

/** The proposal and the depositor (or voter) of a deposit or vote key. */
export function parseAccountKey(key: Uint8Array): { id: bigint; account: Uint8Array } {
  if ((key[0] !== DEPOSIT && key[0] !== VOTE) || key.length !== 1 + U64 + ADDRESS)
    throw new Error(`not a gov deposit or vote key: ${Buffer.from(key).toString('hex')}`)
  return { id: readU64(key, 1), account: key.slice(1 + U64) }
}

/** The end time and proposal of a deposit-queue or voting-queue key. */
export function parseQueueKey(key: Uint8Array): { end: bigint; id: bigint } {
  if ((key[0] !== DEPOSIT_QUEUE && key[0] !== VOTING_QUEUE) || key.length !== 1 + 2 * U64)
    throw new Error(`not a gov queue key: ${Buffer.from(key).toString('hex')}`)
  return { end: readU64(key, 1), id: readU64(key, 1 + U64) }
}

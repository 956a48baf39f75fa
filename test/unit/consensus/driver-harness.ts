import { pino } from 'pino'
import {
  type ConsensusApp,
  type Block,
  type Clock,
  type ConsensusMessage,
  ConsensusDriver,
  type DriverConfig,
  MemorySignerState,
  MemoryWal,
  type Proposal,
  type SignatureVerifier,
  type Vote,
  blockId,
  dataHash,
  evidenceHash,
  genesisValidatorSets,
  lastCommitHash,
  proposerForRound,
  validatorSetHash,
} from '../../../src/consensus/index.js'
import { SimApplication } from '../../simulation/sim/app.js'
import { simKey, simSigner, simVerifier } from '../../simulation/sim/keys.js'
import { SIM_PARAMS } from '../../simulation/sim/scenario.js'

/** One driver under test (validator `self`, not the proposer of height 1 round 0) and three peers with sim keys. */
export const keys = [0, 1, 2, 3].map(simKey)
export const sets = genesisValidatorSets(keys.map((k) => ({ address: k.address, publicKey: k.publicKey, votingPower: 10n })))
export const GENESIS = 1000
export const proposerIndex = keys.findIndex((k) => k.address === proposerForRound(sets.validators, 0))
export const self = [0, 1, 2, 3].find((i) => i !== proposerIndex)!
export const peers = [0, 1, 2, 3].filter((i) => i !== self)
export const indexOf = (address: string): number => keys.findIndex((k) => k.address === address)

/** Timers that fire only when the test says so. */
export interface ManualClock extends Clock {
  /** Fires every pending timer once (timers they set wait for the next call). */
  fireAll(): void
  readonly pending: number
}

export function manualClock(): ManualClock {
  const timers = new Map<number, () => void>()
  let next = 0
  return {
    now: () => GENESIS + 10,
    setTimer: (_ms, fire) => {
      timers.set(++next, fire)
      return next
    },
    clearTimer: (handle) => void timers.delete(handle as number),
    fireAll() {
      const due = [...timers.entries()]
      for (const [id] of due) timers.delete(id)
      for (const [, fire] of due) fire()
    },
    get pending() {
      return timers.size
    },
  }
}

/** A block for `height` built by `builder`, with txs of the given sizes (state root from a fresh sim app). */
export function blockBy(
  builder: number,
  options: { height?: number; txBytes?: number[]; marker?: string; headerProposer?: number } = {},
): Block {
  const height = options.height ?? 1
  const app = new SimApplication('sim', 'peer', sets, GENESIS)
  const tip = app.tip()
  const txs = (options.txBytes ?? []).map((n, i) => new Uint8Array(n).fill(i + 1))
  txs.push(new TextEncoder().encode(`tx:${options.marker ?? ''}`))
  return {
    header: {
      chainId: tip.chainId,
      height,
      time: GENESIS + 1,
      prevBlockId: null,
      lastCommitHash: lastCommitHash(null),
      lastResultsHash: tip.lastResultsHash,
      dataHash: dataHash(txs),
      evidenceHash: evidenceHash([]),
      stateRoot: app.execute(txs, []),
      validatorsHash: validatorSetHash(tip.validators),
      nextValidatorsHash: validatorSetHash(tip.nextValidators),
      proposer: keys[options.headerProposer ?? builder]!.address,
    },
    lastCommit: null,
    evidence: [],
    txs,
  }
}

export function proposalOf(signer: number, block: Block, round = 0, polRound = -1): { proposal: Proposal; block: Block } {
  const unsigned = { height: block.header.height, round, valueId: blockId(block.header), polRound, proposer: keys[signer]!.address }
  return { proposal: { ...unsigned, signature: simSigner(keys[signer]!).signProposal(unsigned) }, block }
}

export function voteFrom(index: number, type: Vote['type'], valueId: string | null, round = 0, height = 1): Vote {
  const unsigned = { type, height, round, valueId, validator: keys[index]!.address }
  return { ...unsigned, signature: simSigner(keys[index]!).signVote(unsigned) }
}

/** Counts signature checks, to show what is dropped before one. */
export function countingVerifier(): SignatureVerifier & { checks: number } {
  const inner = simVerifier(keys)
  const v = {
    checks: 0,
    verifyVote: (vote: Vote, validator: Parameters<SignatureVerifier['verifyVote']>[1]) => {
      v.checks++
      return inner.verifyVote(vote, validator)
    },
    verifyProposal: (proposal: Proposal, validator: Parameters<SignatureVerifier['verifyProposal']>[1]) => {
      v.checks++
      return inner.verifyProposal(proposal, validator)
    },
  }
  return v
}

export function driverFor(options: Partial<DriverConfig> & { sent?: ConsensusMessage[]; app?: ConsensusApp } = {}): ConsensusDriver {
  const sent = options.sent ?? []
  return new ConsensusDriver({
    params: SIM_PARAMS,
    app: options.app ?? new SimApplication('sim', keys[self]!.address, sets, GENESIS),
    wal: new MemoryWal(),
    signer: simSigner(keys[self]!),
    signerState: new MemorySignerState(),
    verifier: simVerifier(keys),
    network: { broadcast: (m) => sent.push(m), send: (_p, m) => sent.push(m) },
    clock: manualClock(),
    log: pino({ level: 'silent' }),
    ...options,
  })
}

/** The votes `self` signed, as (height/round/type → values). */
export function ownVotes(sent: readonly ConsensusMessage[]): Vote[] {
  return sent.flatMap((m) => (m.type === 'vote' && m.vote.validator === keys[self]!.address ? [m.vote] : []))
}

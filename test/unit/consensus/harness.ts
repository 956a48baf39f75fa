import {
  type ConsensusEffect,
  type ConsensusInput,
  type ConsensusState,
  DEFAULT_TIMEOUTS,
  type ValidatorSet,
  type Vote,
  type VoteType,
  createConsensusState,
  genesisValidatorSets,
  proposer,
  step,
} from '../../../src/consensus/index.js'

/** Four validators of equal power; one core under test, fed inputs by hand. */
export const ADDRESSES = ['val-a', 'val-b', 'val-c', 'val-d'] as const
export const V = 'aa'.repeat(32)
export const W = 'bb'.repeat(32)

export function validatorSet(): ValidatorSet {
  return genesisValidatorSets(ADDRESSES.map((address) => ({ address, publicKey: new Uint8Array(32), votingPower: 10n }))).validators
}

export class CoreUnderTest {
  state: ConsensusState
  readonly log: ConsensusEffect[] = []

  constructor(self: string, height = 1) {
    this.state = createConsensusState({ self, timeouts: DEFAULT_TIMEOUTS })
    this.input({ kind: 'startHeight', height, validators: validatorSet() })
  }

  /** Applies an input; like the driver, the validator's own votes come back to it as inputs. */
  input(input: ConsensusInput): ConsensusEffect[] {
    const { state, effects } = step(this.state, input)
    this.state = state
    this.log.push(...effects)
    const all = [...effects]
    for (const e of effects) {
      if (e.kind === 'broadcastVote') all.push(...this.input({ kind: 'vote', vote: { ...e.vote, signature: new Uint8Array() } }))
    }
    return all
  }

  proposerOf(round: number): string {
    return proposer(this.state, round)
  }

  /** Another validator than self and than `except`. */
  others(except: string[] = []): string[] {
    return ADDRESSES.filter((a) => a !== this.state.self && !except.includes(a))
  }

  propose(round: number, valueId: string, polRound = -1, valid = true, timely = true): ConsensusEffect[] {
    const effects = this.input({
      kind: 'proposal',
      proposal: { height: this.state.height, round, valueId, polRound, proposer: this.proposerOf(round), signature: new Uint8Array() },
      timely,
    })
    if (effects.some((e) => e.kind === 'validateBlock'))
      effects.push(...this.input({ kind: 'blockValidity', height: this.state.height, valueId, valid }))
    return effects
  }

  vote(type: VoteType, round: number, valueId: string | null, from: string): ConsensusEffect[] {
    const vote: Vote = { type, height: this.state.height, round, valueId, validator: from, signature: new Uint8Array() }
    return this.input({ kind: 'vote', vote })
  }

  votes(type: VoteType, round: number, valueId: string | null, from: readonly string[]): ConsensusEffect[] {
    return from.flatMap((f) => this.vote(type, round, valueId, f))
  }

  timeout(step: 'propose' | 'prevote' | 'precommit', round = this.state.round): ConsensusEffect[] {
    return this.input({ kind: 'timeout', timeout: { step, height: this.state.height, round } })
  }
}

export function broadcastVotes(effects: ConsensusEffect[]): Array<{ type: VoteType; round: number; valueId: string | null }> {
  return effects.flatMap((e) => (e.kind === 'broadcastVote' ? [{ type: e.vote.type, round: e.vote.round, valueId: e.vote.valueId }] : []))
}

import assert from 'node:assert/strict'
import { MsgUnjail, type SlashingParamsValue, slashingModule, slashingParams } from '../../../../src/modules/slashing/index.js'
import { STAKING_HOOKS } from '../../../../src/modules/staking/hooks.js'
import {
  type BlockInfo,
  CacheStore,
  type CommitVote,
  Context,
  type Event,
  GasMeter,
  type Misbehaviour,
  type ModuleRegistry,
  NO_BLOBS,
  NO_ENVELOPES,
} from '../../../../src/state/index.js'
import { writeParams } from '../../../../src/state/params.js'
import { GENESIS_TIME, testKey } from '../../../helpers/chain.js'
import { coreRegistry } from '../../../support/chain.js'
import { FakeStaking } from './fake-staking.js'

const EMPTY = { get: () => undefined, *iterate(): Generator<[Uint8Array, Uint8Array]> {} }
export const T0 = BigInt(Date.parse(GENESIS_TIME))
export const operatorOf = (i: number): Uint8Array => testKey(i).publicKey.addressBytes
export const consensusOf = (i: number): Uint8Array => testKey(100 + i).publicKey.addressBytes
export const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
export const timeAt = (height: number): bigint => T0 + BigInt(height) * 1000n
/** Power of every test validator (tokens = power × the fake's power reduction). */
export const POWER = 10n

export interface BlockOptions {
  /** Indexes of the bonded validators whose precommit is missing from the last commit. */
  missing?: number[]
  evidence?: Misbehaviour[]
  /** Votes added to the commit (a consensus address staking does not know). */
  extraVotes?: CommitVote[]
}

/**
 * Slashing over a fake staking, driven one begin-block at a time on one cache store (the
 * state that carries over between blocks), with every invariant checked after each block.
 */
export class SlashingChain {
  readonly staking = new FakeStaking()
  readonly registry: ModuleRegistry
  readonly store = new CacheStore(EMPTY)
  height = 1
  evidenceMaxAge = 100
  readonly bonded: number[] = []

  constructor(params: Partial<SlashingParamsValue> = {}) {
    this.registry = coreRegistry([this.staking.module, slashingModule], { hooks: [{ point: STAKING_HOOKS, subscriber: 'slashing' }] })
    writeParams(this.context().moduleStore('slashing'), slashingParams, { ...slashingParams.defaults, ...params })
  }

  /** A framework context at the current height. */
  context(block: Partial<BlockInfo> = {}, events: Event[] = []): Context {
    const info: BlockInfo = {
      chainId: 'slashing-test',
      height: this.height,
      time: timeAt(this.height),
      proposer: new Uint8Array(20),
      evidence: [],
      lastCommit: null,
      evidenceMaxAge: this.evidenceMaxAge,
      blobs: NO_BLOBS,
      envelopes: NO_ENVELOPES,
      ...block,
    }
    return new Context(info, this.store, new GasMeter(10n ** 12n), this.registry, events)
  }

  slashingContext(block: Partial<BlockInfo> = {}, events: Event[] = []): Context {
    return this.context(block, events).forModule('slashing')
  }

  /** Bonds test validator `i` at the current height (signing info starts here). */
  bond(i: number, tokens = POWER * this.staking.powerReductionValue, minSelfDelegation = 1n): void {
    this.staking.bond(this.context(), operatorOf(i), consensusOf(i), tokens, minSelfDelegation)
    this.bonded.push(i)
  }

  /** Runs slashing's begin-block of the next height, checks invariants, and returns its events. */
  block(options: BlockOptions = {}): Event[] {
    this.height += 1
    const missing = new Set(options.missing ?? [])
    const votes: CommitVote[] = this.bonded
      .filter((i) => this.staking.validators.has(hexOf(operatorOf(i))))
      .map((i) => ({ validator: consensusOf(i), power: POWER, signed: !missing.has(i) }))
    votes.push(...(options.extraVotes ?? []))
    const events: Event[] = []
    slashingModule.beginBlock!(this.slashingContext({ lastCommit: { round: 0, votes }, evidence: options.evidence ?? [] }, events))
    this.assertInvariants()
    return events
  }

  /** `count` blocks; returns the events of all of them. */
  blocks(count: number, options: BlockOptions = {}): Event[] {
    return Array.from({ length: count }, () => this.block(options)).flat()
  }

  assertInvariants(): void {
    const ctx = this.slashingContext()
    for (const [name, check] of Object.entries(slashingModule.invariants)) assert.equal(check(ctx), null, `invariant ${name}`)
  }

  /** The first failing invariant's message, or null. */
  brokenInvariant(): string | null {
    const ctx = this.slashingContext()
    for (const check of Object.values(slashingModule.invariants)) {
      const broken = check(ctx)
      if (broken !== null) return broken
    }
    return null
  }

  query(name: string, params: Record<string, unknown> = {}): any {
    return slashingModule.queries[name]!(this.slashingContext(), params)
  }

  info(i: number): {
    address: string
    address_hex: string
    start_height: string
    index_offset: string
    missed_blocks_counter: string
    jailed_until: string
    tombstoned: boolean
  } {
    return this.query('signingInfo', { address: hexOf(consensusOf(i)) })
  }

  /** Delivers MsgUnjail signed by test account `i` in a block at the current height and time `time`. */
  unjail(i: number, time = timeAt(this.height)): Event[] {
    const events: Event[] = []
    const handler = slashingModule.messages.find((m) => m.type === MsgUnjail)!
    handler.handle(this.slashingContext({ time }, events), {}, testKey(i).publicKey)
    return events
  }

  evidence(i: number, height: number, power = POWER): Misbehaviour {
    return { kind: 'duplicate-vote', validator: consensusOf(i), height, power, totalPower: power * 4n }
  }
}

export const eventsOf = (events: Event[], type: string): Record<string, string>[] =>
  events.filter((e) => e.type === type).map((e) => Object.fromEntries(e.attributes))

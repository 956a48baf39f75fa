import { encodeAddress } from '../../crypto/index.js'
import { CodecError, decode, decodeStored, encode, peekStructTag } from '../../codec/index.js'
import { type Context, Dec, type KVStore, ModuleError, moduleAddress } from '../../state/index.js'
import { govError } from './errors.js'
import {
  emitDeposits,
  emitProposalFailed,
  emitProposalPassed,
  emitProposalRejected,
  emitProposalVetoed,
  emitProposalVote,
  emitScopeGoverned,
  emitScopedSubmitted,
} from './events.js'
import { BANK, DATANETS, STAKING, SUBNETS } from './expected-keepers.js'
import * as K from './keys.js'
import {
  MsgSetDatanetCurators,
  type MsgSubmitScopedProposalValue,
  ProposalCounter,
  ScopeGovernance,
  type ScopeGovernanceValue,
  type ScopeRulesValue,
  ScopedProposal,
  type ScopedProposalValue,
  Vote,
  type VoteOption,
  type WeightedVoteOptionValue,
} from './messages.js'
import type { GovParamsValue } from './params.js'
import { type Tally, decide, tallyResult } from './tally.js'

/** Content message tags each scope's proposals may carry. */
export const SCOPE_TAGS: Readonly<Record<string, ReadonlyMap<number, string>>> = {
  subnet: new Map([
    [2411, 'subnets/MsgUpdateAllowList'],
    [2412, 'subnets/MsgUpdateSubnetParams'],
  ]),
  datanet: new Map([[MsgSetDatanetCurators.tag, 'gov/MsgSetDatanetCurators']]),
}

/** Gov's books of the scopes below the chain (keys.ts 0x10–0x14). */
export class ScopedBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  governance(scope: string, target: bigint): ScopeGovernanceValue | undefined {
    const raw = this.#store.get(K.scopeKey(scope, target))
    return raw === undefined ? undefined : decodeStored(ScopeGovernance, raw)
  }

  setGovernance(scope: string, target: bigint, value: ScopeGovernanceValue): void {
    this.#store.set(K.scopeKey(scope, target), encode(ScopeGovernance, value))
  }

  /** Every governed scope, by scope byte then target. */
  *governed(): Generator<{ scope: string; target: bigint; value: ScopeGovernanceValue }> {
    for (const [key, raw] of this.#store.iterate(K.ALL_SCOPES)) yield { ...K.parseScopeKey(key), value: decodeStored(ScopeGovernance, raw) }
  }

  nextId(): bigint {
    const raw = this.#store.get(K.SCOPED_COUNTER_KEY)
    return raw === undefined ? 1n : decodeStored(ProposalCounter, raw).next
  }

  setNextId(next: bigint): void {
    this.#store.set(K.SCOPED_COUNTER_KEY, encode(ProposalCounter, { next }))
  }

  proposal(id: bigint): ScopedProposalValue | undefined {
    const raw = this.#store.get(K.scopedKey(id))
    return raw === undefined ? undefined : decodeStored(ScopedProposal, raw)
  }

  /** Writes `next`, keeping the voting queue in step with its status (`previous`: the record it replaces). */
  setProposal(next: ScopedProposalValue, previous?: ScopedProposalValue): void {
    if (previous?.status === 'voting_period') this.#store.delete(K.scopedQueueKey(previous.votingEndTime, previous.id))
    this.#store.set(K.scopedKey(next.id), encode(ScopedProposal, next))
    if (next.status === 'voting_period') this.#store.set(K.scopedQueueKey(next.votingEndTime, next.id), K.PRESENT)
  }

  *proposals(): Generator<ScopedProposalValue> {
    for (const [, raw] of this.#store.iterate(K.ALL_SCOPED)) yield decodeStored(ScopedProposal, raw)
  }

  due(time: bigint): bigint[] {
    const ids: bigint[] = []
    for (const [key] of this.#store.iterate(K.SCOPED_QUEUE_PREFIX)) {
      const { end, id } = K.parseScopedQueueKey(key)
      if (end > time) break
      ids.push(id)
    }
    return ids
  }

  *queue(): Generator<{ end: bigint; id: bigint }> {
    for (const [key] of this.#store.iterate(K.SCOPED_QUEUE_PREFIX)) yield K.parseScopedQueueKey(key)
  }

  vote(id: bigint, voter: Uint8Array): WeightedVoteOptionValue[] | undefined {
    const raw = this.#store.get(K.scopedVoteKey(id, voter))
    return raw === undefined ? undefined : decodeStored(Vote, raw).options
  }

  setVote(id: bigint, voter: Uint8Array, options: WeightedVoteOptionValue[]): void {
    this.#store.set(K.scopedVoteKey(id, voter), encode(Vote, { options }))
  }

  *votes(id: bigint): Generator<{ voter: Uint8Array; options: WeightedVoteOptionValue[] }> {
    for (const [key, raw] of this.#store.iterate(K.scopedVotesOf(id)))
      yield { voter: K.parseScopedVoteKey(key).voter, options: decodeStored(Vote, raw).options }
  }
}

/** ScopeRules' own checks: quorum in [0, 1], threshold and veto threshold in (0, 1], a positive voting period and deposit. */
export function checkScopeRules(r: ScopeRulesValue): void {
  const refuse = (rule: string, why: string) => {
    throw govError('INVALID_RULES', `${rule} ${why}`, { rule })
  }
  const unit = (d: Dec) => d.gt(Dec.ZERO) && d.lte(Dec.ONE)
  if (r.quorum.isNegative() || r.quorum.gt(Dec.ONE)) refuse('quorum', 'must lie in [0, 1]')
  if (!unit(r.threshold)) refuse('threshold', 'must lie in (0, 1]')
  if (!unit(r.vetoThreshold)) refuse('veto_threshold', 'must lie in (0, 1]')
  if (r.votingPeriod < 1n || r.votingPeriod >= 2n ** 63n) refuse('voting_period', 'must lie in [1, 2^63 − 1] ms')
  if (r.minDeposit < 1n) refuse('min_deposit', 'must be at least 1')
}

/** The checks of a scoped proposal's content that need no state: a type its scope may carry. */
export function checkScopedContent(scope: string, messages: readonly Uint8Array[]): void {
  const allowed = SCOPE_TAGS[scope]!
  messages.forEach((bytes, index) => {
    const tag = peekStructTag(bytes)
    if (tag === undefined || !allowed.has(tag)) {
      throw govError(
        'MESSAGE_NOT_ALLOWED',
        `message ${index} (tag ${tag ?? 'none'}) is not one a ${scope} proposal may carry: ${[...allowed.values()].join(', ')}`,
        { index, tag: tag ?? null },
      )
    }
    if (tag === MsgSetDatanetCurators.tag) {
      try {
        decode(MsgSetDatanetCurators, bytes)
      } catch (error) {
        if (error instanceof CodecError) throw govError('INVALID_PROPOSAL_MESSAGE', `message ${index}: ${error.message}`, { index })
        throw error
      }
    }
  })
}

/** The decide() form of a scope's rules (no expedited proposals, burns only on a veto). */
const asGovParams = (r: ScopeRulesValue): GovParamsValue =>
  ({
    quorum: r.quorum,
    threshold: r.threshold,
    vetoThreshold: r.vetoThreshold,
    expeditedThreshold: r.threshold,
    burnVoteQuorum: false,
    burnVoteVeto: true,
  }) as GovParamsValue

/**
 * Subnet- and Datanet-scope governance (issue 24). Datanet scope: its owner opts in
 * (MsgEnableDatanetGovernance) with rules; its curators vote, one each, on MsgSetDatanetCurators.
 * Subnet scope (issue 24): a subnet that opted in (MsgEnableSubnetGovernance) has the
 * gov module account as its admin; its bonded members propose and vote on its allow-list and
 * params, each weighted by its bonds in the subnet (trainer plus aggregator), with the subnet's
 * own rules; a passed proposal's messages run through the subnets keeper's governedChange as the
 * admin, all or nothing. Built per use on a context scoped to gov.
 */
export class ScopedGovernance {
  readonly #ctx: Context
  readonly #books: ScopedBooks

  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#books = new ScopedBooks(ctx.moduleStore())
  }

  get #denom(): string {
    return this.#ctx.keeper(STAKING).bondDenom()
  }

  /** MsgEnableSubnetGovernance after its stateless checks. */
  enableSubnet(subnet: bigint, rules: ScopeRulesValue, signer: Uint8Array): void {
    const subnets = this.#ctx.keeper(SUBNETS)
    if (subnets.subnet(subnet) === undefined)
      throw govError('UNKNOWN_SCOPE', `no subnet ${subnet}`, { scope: 'subnet', target: String(subnet) })
    if (this.#books.governance('subnet', subnet) !== undefined)
      throw govError('SCOPE_ALREADY_GOVERNED', `subnet ${subnet} is governed already`, { scope: 'subnet', target: String(subnet) })
    subnets.transferAdmin(subnet, signer, moduleAddress(K.GOV_ACCOUNT))
    this.#books.setGovernance('subnet', subnet, { rules, height: BigInt(this.#ctx.block.height) })
    emitScopeGoverned(this.#ctx, 'subnet', subnet)
  }

  /** MsgEnableDatanetGovernance after its stateless checks: the signer must own the Datanet. */
  enableDatanet(datanet: bigint, rules: ScopeRulesValue, signer: Uint8Array): void {
    const curation = this.#ctx.keeper(DATANETS).curation(datanet)
    if (curation === undefined) throw govError('UNKNOWN_SCOPE', `no datanet ${datanet}`, { scope: 'datanet', target: String(datanet) })
    if (!Buffer.from(curation.owner).equals(Buffer.from(signer)))
      throw govError('NOT_SCOPE_OWNER', `${encodeAddress(signer)} does not own datanet ${datanet}`, {
        scope: 'datanet',
        target: String(datanet),
      })
    if (this.#books.governance('datanet', datanet) !== undefined)
      throw govError('SCOPE_ALREADY_GOVERNED', `datanet ${datanet} is governed already`, { scope: 'datanet', target: String(datanet) })
    this.#books.setGovernance('datanet', datanet, { rules, height: BigInt(this.#ctx.block.height) })
    emitScopeGoverned(this.#ctx, 'datanet', datanet)
  }

  /**
   * Each voter's weight in a scope (hex address → weight): in a subnet its bonds there (trainer
   * and aggregator), in a Datanet 1 per curator; absent: no vote.
   */
  #weights(scope: string, target: bigint): Map<string, bigint> {
    const weights = new Map<string, bigint>()
    if (scope === 'datanet') {
      for (const c of this.#ctx.keeper(DATANETS).curation(target)?.curators ?? []) weights.set(Buffer.from(c).toString('hex'), 1n)
      return weights
    }
    const subnet = target
    const subnets = this.#ctx.keeper(SUBNETS)
    for (const role of ['trainer', 'aggregator'] as const) {
      for (const m of subnets.members(subnet, role)) {
        const key = Buffer.from(m.address).toString('hex')
        weights.set(key, (weights.get(key) ?? 0n) + m.bond)
      }
    }
    return weights
  }

  #governance(scope: string, target: bigint): ScopeGovernanceValue {
    const g = this.#books.governance(scope, target)
    if (g === undefined)
      throw govError('SCOPE_NOT_GOVERNED', `${scope} ${target} has not opted into governance`, { scope, target: String(target) })
    return g
  }

  /** MsgSubmitScopedProposal after its stateless checks; returns the new proposal's id. */
  submit(m: MsgSubmitScopedProposalValue, proposer: Uint8Array): bigint {
    const { rules } = this.#governance(m.scope, m.target)
    // The messages' own checks, as they will run: a refusal now, not a failed proposal later.
    m.messages.forEach((bytes, index) => {
      let change: { target: bigint }
      try {
        change = this.#change(m.scope, bytes)
      } catch (error) {
        if (error instanceof ModuleError)
          throw govError('INVALID_PROPOSAL_MESSAGE', `message ${index}: ${error.message}`.slice(0, 500), { index })
        throw error
      }
      if (change.target !== m.target)
        throw govError(
          'SCOPE_MISMATCH',
          `message ${index} is about ${m.scope} ${change.target}; the proposal is about ${m.scope} ${m.target}`,
          { index, target: String(change.target) },
        )
    })
    if (m.deposit.denom !== this.#denom)
      throw govError('BAD_DENOM', `deposits are in ${this.#denom}, not ${m.deposit.denom.slice(0, 64)}`, {
        denom: m.deposit.denom.slice(0, 64),
      })
    if (m.deposit.amount < rules.minDeposit)
      throw govError(
        'MIN_INITIAL_DEPOSIT',
        `a deposit of ${m.deposit.amount} is below ${m.scope} ${m.target}'s min_deposit ${rules.minDeposit}`,
        { required: String(rules.minDeposit) },
      )
    const bank = this.#ctx.keeper(BANK)
    const balance = bank.balance(proposer, this.#denom)
    if (balance < m.deposit.amount)
      throw govError(
        'INSUFFICIENT_FUNDS',
        `${encodeAddress(proposer)} holds ${balance}${this.#denom}, less than ${m.deposit.amount}${this.#denom}`,
        { balance: String(balance) },
      )
    bank.sendToModule(proposer, K.GOV_ACCOUNT, [{ denom: this.#denom, amount: m.deposit.amount }])
    const id = this.#books.nextId()
    const time = this.#ctx.block.time
    this.#books.setNextId(id + 1n)
    this.#books.setProposal({
      id,
      scope: m.scope,
      target: m.target,
      proposer: proposer.slice(),
      messages: m.messages,
      title: m.title,
      summary: m.summary,
      deposit: m.deposit.amount,
      submitTime: time,
      votingEndTime: time + rules.votingPeriod,
      status: 'voting_period',
      finalTally: null,
      outcome: '',
      failedReason: '',
      deposits: 'held',
    })
    emitScopedSubmitted(this.#ctx, id, m.scope, m.target, proposer, time + rules.votingPeriod)
    return id
  }

  /** MsgScopedVote: a member of the subnet (a positive bond now), once, while the voting period runs. */
  vote(id: bigint, voter: Uint8Array, option: VoteOption): void {
    const p = this.#books.proposal(id)
    if (p === undefined) throw govError('UNKNOWN_PROPOSAL', `no scoped proposal ${id}`, { proposal: String(id) })
    if (p.status !== 'voting_period')
      throw govError('VOTING_CLOSED', `scoped proposal ${id} is ${p.status}: votes are taken only in its voting period`, {
        proposal: String(id),
        status: p.status,
      })
    if ((this.#weights(p.scope, p.target).get(Buffer.from(voter).toString('hex')) ?? 0n) === 0n) {
      throw govError(
        'NOT_A_VOTER',
        `${encodeAddress(voter)} has no vote in ${p.scope} ${p.target} (${p.scope === 'subnet' ? 'no bond there' : 'no curator of it'})`,
        { proposal: String(id) },
      )
    }
    if (this.#books.vote(id, voter) !== undefined)
      throw govError('ALREADY_VOTED', `${encodeAddress(voter)} voted on scoped proposal ${id} already`, { proposal: String(id) })
    const options = [{ option, weight: Dec.ONE }]
    this.#books.setVote(id, voter, options)
    emitProposalVote(this.#ctx, id, voter, options)
  }

  /** The votes over the members' bonds now, and the subnet's whole weight. */
  currentTally(p: ScopedProposalValue): { tally: Tally; total: bigint } {
    const weights = this.#weights(p.scope, p.target)
    const results: Record<VoteOption, Dec> = { yes: Dec.ZERO, abstain: Dec.ZERO, no: Dec.ZERO, no_with_veto: Dec.ZERO }
    let turnout = Dec.ZERO
    for (const v of this.#books.votes(p.id)) {
      // A member who left (or was slashed to nothing) since it voted weighs nothing now.
      const weight = Dec.fromInt(weights.get(Buffer.from(v.voter).toString('hex')) ?? 0n)
      for (const o of v.options) results[o.option as VoteOption] = results[o.option as VoteOption].add(weight.mul(o.weight))
      turnout = turnout.add(weight)
    }
    let total = 0n
    for (const w of weights.values()) total += w
    return { tally: { results, totalVotingPower: turnout }, total }
  }

  #end(p: ScopedProposalValue): void {
    const { rules } = this.#governance(p.scope, p.target)
    const { tally: t, total } = this.currentTally(p)
    const { outcome, burn } = decide(t, total, asGovParams(rules), false)
    const result = tallyResult(t)
    const bank = this.#ctx.keeper(BANK)
    const denom = this.#denom
    if (burn) bank.burn(K.GOV_ACCOUNT, [{ denom, amount: p.deposit }])
    else bank.sendFromModule(K.GOV_ACCOUNT, p.proposer, [{ denom, amount: p.deposit }])
    emitDeposits(this.#ctx, burn ? 'burned' : 'refunded', p.id, p.deposit, denom)
    const settled: ScopedProposalValue = { ...p, deposits: burn ? 'burned' : 'refunded', finalTally: result }
    if (outcome !== 'passed') {
      this.#books.setProposal({ ...settled, status: 'rejected', outcome }, p)
      if (outcome === 'vetoed') emitProposalVetoed(this.#ctx, p.id, result)
      emitProposalRejected(this.#ctx, p.id, outcome, result)
      return
    }
    const failure = this.#execute(p)
    if (failure === null) {
      this.#books.setProposal({ ...settled, status: 'passed', outcome: 'passed' }, p)
      emitProposalPassed(this.#ctx, p.id, result)
    } else {
      this.#books.setProposal({ ...settled, status: 'failed', outcome: 'execution_failed', failedReason: failure }, p)
      emitProposalFailed(this.#ctx, p.id, failure)
    }
  }

  /**
   * One content message checked by the module that owns what it changes (a subnet's with gov as its
   * admin, a Datanet's curators), and its effect; throws that module's refusal.
   */
  #change(scope: string, bytes: Uint8Array): { target: bigint; apply: () => void } {
    if (scope === 'subnet') {
      const change = this.#ctx.keeper(SUBNETS).governedChange(moduleAddress(K.GOV_ACCOUNT), bytes)
      return { target: change.subnet, apply: change.apply }
    }
    const m = decode(MsgSetDatanetCurators, bytes)
    return { target: m.datanet, apply: this.#ctx.keeper(DATANETS).curatorsChange(m.datanet, m.curators, m.approvals) }
  }

  /** Every message checked first, then all applied; null, or why nothing was. */
  #execute(p: ScopedProposalValue): string | null {
    const effects: (() => void)[] = []
    for (const [index, bytes] of p.messages.entries()) {
      try {
        const change = this.#change(p.scope, bytes)
        if (change.target !== p.target) return `message ${index} is about ${p.scope} ${change.target}, not ${p.target}`
        effects.push(change.apply)
      } catch (error) {
        if (error instanceof ModuleError) return `message ${index}: ${error.message}`.slice(0, 500)
        throw error
      }
    }
    for (const apply of effects) apply()
    return null
  }

  /** End-block: scoped voting periods that ended (block time ≥ end), by end time then id. */
  endBlock(): void {
    for (const id of this.#books.due(this.#ctx.block.time)) this.#end(this.#books.proposal(id)!)
  }

  /** Σ deposits of the scoped proposals still voting: what the gov account holds for them. */
  held(): bigint {
    let sum = 0n
    for (const p of this.#books.proposals()) if (p.status === 'voting_period') sum += p.deposit
    return sum
  }
}

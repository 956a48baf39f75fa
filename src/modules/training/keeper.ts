import { getAggregationRule } from '../../fl/rules/registry.js'
import { type Context, readParams } from '../../state/index.js'
import { TrainingBooks, type UpdateRejectionView, type UpdateView } from './books.js'
import { SUBNETS } from './expected-keepers.js'
import { aggregateWork } from './handler.js'
import type { AggregateRejectionValue, ModelVersionValue, RoundValue } from './messages.js'
import { MODULE } from './keys.js'
import { verifyAggregate } from './model.js'
import { trainingParams } from './params.js'
import { isSecAggRound } from './secagg-handler.js'

/**
 * What other modules may read of training (rewards, reputation, lineage; they declare
 * `expectKeeper<…>('training', { … })`): a subnet's current round, any round and its updates
 * (trainer order) and rejected free-riders' updates, and its model versions. Read-only: rounds move by height and messages.
 */
export class TrainingKeeper {
  readonly #books: TrainingBooks
  readonly #ctx: Context

  /** `ctx` is scoped to training. */
  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#books = new TrainingBooks(ctx.moduleStore(MODULE))
  }

  /** The subnet's current (or last) round, or undefined before its first opens. */
  currentRound(subnet: bigint): RoundValue | undefined {
    const round = this.#books.progress(subnet)?.round
    return round === undefined || round === null ? undefined : this.#books.round(subnet, round)
  }

  round(subnet: bigint, round: bigint): RoundValue | undefined {
    return this.#books.round(subnet, round)
  }

  updates(subnet: bigint, round: bigint): UpdateView[] {
    return this.#books.updates(subnet, round)
  }

  /** A round's free-riders' updates (never among `updates`), trainer order: code, match, norm², cosine, slash. */
  rejectedUpdates(subnet: bigint, round: bigint): UpdateRejectionView[] {
    return this.#books.updateRejections(subnet, round)
  }

  /** The wrong-aggregate verdict on `aggregator` in a round (what it claimed, what the chain computed, its slash), if any: disputes re-checks it. */
  aggregateRejection(subnet: bigint, round: bigint, aggregator: Uint8Array): AggregateRejectionValue | undefined {
    return this.#books.rejection(subnet, round, aggregator)
  }

  /**
   * Whether an aggregate naming `resultCid` and `newGlobalCid` is the round's: MsgSubmitAggregate's
   * own check (model.ts verifyAggregate, its gas charged as there) on the round's updates and base
   * model, read from the block's blobs, which the caller's message must declare. Disputes re-runs
   * a stored verdict with it. Undefined for an unknown round and for a secure-aggregation round
   * (its mask correction belongs to the submission).
   */
  aggregateMatches(subnet: bigint, round: bigint, resultCid: string, newGlobalCid: string): boolean | undefined {
    const r = this.#books.round(subnet, round)
    const info = this.#ctx.keeper(SUBNETS).subnet(subnet)
    if (r === undefined || info === undefined || isSecAggRound(r)) return undefined
    const updates = this.#books.updates(subnet, round)
    const rule = getAggregationRule(r.rule)
    const parameterCount = Number(info.parameterCount)
    const { gasPerCoordinate } = readParams(this.#ctx.moduleStore(), trainingParams)
    this.#ctx.gas.consume(gasPerCoordinate * aggregateWork(rule.name, updates.length, parameterCount), 'aggregate recomputation')
    const blobs = this.#ctx.block.blobs
    const verdict = verifyAggregate(
      rule,
      updates.map((u) => ({ cid: u.updateCid, bytes: blobs.get(u.updateCid) })),
      updates.map((u) => u.weight),
      { cid: r.baseGlobalCid, bytes: blobs.get(r.baseGlobalCid) },
      { dtype: r.dtype, scale: r.scale, maxAbs: r.maxAbs, parameterCount },
      { aggregate: blobs.get(resultCid), model: blobs.get(newGlobalCid) },
    )
    return verdict.matches
  }

  version(subnet: bigint, version: bigint): ModelVersionValue | undefined {
    return this.#books.version(subnet, version)
  }

  latestVersion(subnet: bigint): ModelVersionValue | undefined {
    const progress = this.#books.progress(subnet)
    return progress === undefined ? undefined : this.#books.version(subnet, progress.latestVersion)
  }
}

import type { Context } from '../../state/index.js'
import { TrainingBooks, type UpdateRejectionView, type UpdateView } from './books.js'
import type { AggregateRejectionValue, ModelVersionValue, RoundValue } from './messages.js'
import { MODULE } from './keys.js'

/**
 * What other modules may read of training (rewards, reputation, lineage; they declare
 * `expectKeeper<…>('training', { … })`): a subnet's current round, any round and its updates
 * (trainer order) and rejected free-riders' updates, and its model versions. Read-only: rounds move by height and messages.
 */
export class TrainingKeeper {
  readonly #books: TrainingBooks

  /** `ctx` is scoped to training. */
  constructor(ctx: Context) {
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

  version(subnet: bigint, version: bigint): ModelVersionValue | undefined {
    return this.#books.version(subnet, version)
  }

  latestVersion(subnet: bigint): ModelVersionValue | undefined {
    const progress = this.#books.progress(subnet)
    return progress === undefined ? undefined : this.#books.version(subnet, progress.latestVersion)
  }
}

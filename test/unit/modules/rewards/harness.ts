import { encodeAddress } from '../../../../src/crypto/index.js'
import type { TrainerScoreValue } from '../../../../src/modules/reputation/index.js'
import { MsgCreateSubnet, MsgJoinSubnet, type SubnetParamsValue } from '../../../../src/modules/subnets/index.js'
import { DEFAULT_COMPOSITION, defaultModules } from '../../../../src/modules/index.js'
import { Application, type ExecutedBlock, type Module, ModuleRegistry, StateDB, parseGenesis } from '../../../../src/state/index.js'
import {
  AGGREGATORS,
  AGGREGATOR_BOND,
  ADMIN,
  INITIAL_CID,
  INITIAL_VALUES,
  TRAINER_BOND,
  coin,
  createTrainingSubnet,
  eventsOf,
  honestAggregate,
  updateBlob,
} from '../training/harness.js'
import { STAKES, TrainingChain, VALIDATORS, addr, commitTx, reputationGenesisJson, revealTx, type Tx } from '../reputation/harness.js'

export { STAKES, TrainingChain, VALIDATORS, addr, eventsOf, type Tx }

/** Four trainers: the training harness' 2, 3, 4 and its outsider 7 (funded, in no other role here). */
export const TRAINERS = [2, 3, 4, 7]
export const SORTED_TRAINERS = [...TRAINERS].sort((a, b) => Buffer.compare(addr(a), addr(b)))
export const AGGREGATOR = AGGREGATORS[0]!
export { ADMIN, TRAINER_BOND, AGGREGATOR_BOND }

/** Round r: open 2 + 10r, submit ..+2, aggregate +3..+4, commit +5..+6, reveal +7..+8, close (and settle) +9. */
export const PERIOD = 10
export const openHeight = (round: number): number => 2 + PERIOD * round

export const who = (account: number): string => encodeAddress(addr(account))

/** Updates pointing four different ways (no near-copies), unique in every round (no duplicates across rounds). */
const DIRECTIONS: Record<number, number[]> = {
  2: [40, -5, 3, 0, 7, 1],
  3: [-6, 30, 2, -9, 1, 4],
  4: [5, 2, -35, 8, 0, -3],
  7: [1, -7, 4, 25, -11, 6],
}
export const updateValues = (trainer: number, round: number): number[] => DIRECTIONS[trainer]!.map((v, i) => (i === 5 ? v + round : v))

/** The training and reputation harnesses' genesis (four validators 8..11, score window 4) plus rewards' section. */
export function rewardsGenesisJson(rewards?: Record<string, unknown>): Record<string, unknown> {
  const base = reputationGenesisJson()
  return rewards === undefined ? base : { ...base, app_state: { ...(base.app_state as Record<string, unknown>), rewards } }
}

/** Scores by trainer account → a reveal's list in ascending trainer order. */
export const scoreList = (byTrainer: Record<number, number>): TrainerScoreValue[] =>
  SORTED_TRAINERS.map((t) => ({ trainer: addr(t), score: byTrainer[t] ?? 0 }))

export interface OpenOptions {
  /** `app_state.rewards` (its params, books). */
  rewards?: Record<string, unknown>
  /** Overrides of the training harness' subnet params. */
  params?: Partial<SubnetParamsValue>
  /** The whole genesis, instead of rewardsGenesisJson(rewards). */
  genesis?: Record<string, unknown>
  /** A module in place of the default chain's rewards module (a planted bug). */
  rewardsModule?: Module
}

export interface RoundPlan {
  /** Sample count per trainer (100 each by default). */
  samples?: Record<number, number>
  /** What each committing validator reveals (null: commits and never reveals); absent: nobody commits. */
  scores?: Map<number, Record<number, number> | null>
  /** Extra txs in the submit block, before the updates. */
  txs?: Tx[]
}

/**
 * A chain with subnet 0 (the training harness' tiny model), trainers 2, 3, 4, 7 and aggregators
 * 5, 6 joined in block 1, driven round by round: `play` submits every trainer's update, has
 * aggregator 5 send the honest aggregate, lets validators commit and reveal, and commits the
 * block that closes (and settles) the round. Every block is kept (`blocks`) for its events, and
 * every invariant is checked after each (TrainingChain.blockOf).
 */
export class RewardsChain {
  readonly chain: TrainingChain
  readonly blocks: ExecutedBlock[] = []
  #model = INITIAL_VALUES
  #modelCid = INITIAL_CID
  round = 0

  private constructor(chain: TrainingChain) {
    this.chain = chain
  }

  /**
   * `rewardsModule` replaces the default chain's rewards module (a planted bug); else the chain
   * is the default one (TrainingChain.open).
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<RewardsChain> {
    const genesis = options.genesis ?? rewardsGenesisJson(options.rewards)
    const chain =
      options.rewardsModule === undefined
        ? await TrainingChain.open(dir, { genesis })
        : await openWithRewards(dir, genesis, options.rewardsModule)
    const driver = new RewardsChain(chain)
    await driver.block(
      [ADMIN, MsgCreateSubnet, createTrainingSubnet({}, options.params ?? {})],
      ...TRAINERS.map((t): Tx => [t, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }]),
      ...AGGREGATORS.map((a): Tx => [a, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }]),
    )
    return driver
  }

  get app() {
    return this.chain.app
  }

  /** Called after every block (its invariants already checked), with the block. */
  onBlock: (executed: ExecutedBlock) => void = () => {}

  async block(...txs: Tx[]): Promise<ExecutedBlock> {
    return this.#kept(await this.chain.block(...txs))
  }

  async blockOf(txs: Uint8Array[]): Promise<ExecutedBlock> {
    return this.#kept(await this.chain.blockOf(txs))
  }

  #kept(executed: ExecutedBlock): ExecutedBlock {
    this.blocks.push(executed)
    this.onBlock(executed)
    return executed
  }

  async until(height: number): Promise<void> {
    while (this.chain.height < height) await this.block()
  }

  /** Plays the next round to its close; returns the block that settled it. */
  async play(plan: RoundPlan = {}): Promise<ExecutedBlock> {
    const r = this.round
    const open = openHeight(r)
    const round = BigInt(r)
    const samples = (t: number) => plan.samples?.[t] ?? 100
    await this.until(open - 1)
    await this.block(
      ...(plan.txs ?? []),
      ...TRAINERS.map((t) => this.chain.submit(t, updateBlob(updateValues(t, r)), { sampleCount: samples(t) }, round)),
    )
    await this.until(open + 2)
    const next = honestAggregate(
      TRAINERS.map((t) => ({ values: updateValues(t, r), weight: Math.min(samples(t), 600) })),
      this.#model,
    )
    this.chain.put(next.modelBytes)
    const included = TRAINERS.map((t) => ({ trainer: t, blob: updateBlob(updateValues(t, r)) }))
    const aggregated = await this.block(
      this.chain.aggregate(AGGREGATOR, included, next.aggregateCid, next.modelCid, { round, base: this.#modelCid }),
    )
    if (aggregated.txResults[0]!.code !== 0) throw new Error(`round ${r}: the aggregate was refused: ${aggregated.txResults[0]!.log}`)
    this.#model = next.modelValues
    this.#modelCid = next.modelCid
    const scores = plan.scores ?? new Map()
    await this.until(open + 4)
    await this.block(...[...scores.entries()].map(([v, s]) => commitTx(v, scoreList(s ?? {}), round)))
    await this.until(open + 6)
    await this.block(...[...scores.entries()].filter(([, s]) => s !== null).map(([v, s]) => revealTx(v, scoreList(s!), round)))
    await this.until(open + 8)
    const closing = await this.block()
    this.round++
    return closing
  }

  query<T>(name: string, params: Record<string, unknown> = {}): T {
    return this.app.query('rewards', name, params) as T
  }

  balance(account: number | Uint8Array): bigint {
    const address = typeof account === 'number' ? addr(account) : account
    return BigInt((this.app.query('bank', 'balance', { address: encodeAddress(address), denom: 'ufdr' }) as { amount: string }).amount)
  }

  supply(): bigint {
    return this.chain.supply()
  }

  close(): Promise<void> {
    return this.chain.close()
  }
}

/**
 * A TrainingChain over the default modules with `rewards` in place of the rewards module, composed
 * as the default chain. TrainingChain builds its chains only through open() (over testRegistry,
 * which adds modules but replaces none), so its constructor is reached past its type here.
 */
async function openWithRewards(dir: string, genesisJson: Record<string, unknown>, rewards: Module): Promise<TrainingChain> {
  const registry = new ModuleRegistry(
    defaultModules().map((m) => (m.name === rewards.name ? rewards : m)),
    DEFAULT_COMPOSITION,
  )
  const app = new Application(await StateDB.open(dir), registry, parseGenesis(genesisJson, registry))
  await app.initChain()
  return new (TrainingChain as unknown as new (app: Application) => TrainingChain)(app)
}

/** Every validator scores the same way. */
export const allScore = (byTrainer: Record<number, number>): Map<number, Record<number, number>> =>
  new Map(VALIDATORS.map((v) => [v, byTrainer]))

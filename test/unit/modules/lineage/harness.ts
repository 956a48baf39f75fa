import { encodeAddress } from '../../../../src/crypto/index.js'
import { LINEAGE_MODULE_ACCOUNTS, lineageModule } from '../../../../src/modules/lineage/index.js'
import { REPUTATION_HOOKS } from '../../../../src/modules/reputation/hooks.js'
import { MsgCreateSubnet, MsgJoinSubnet, type SubnetParamsValue } from '../../../../src/modules/subnets/index.js'
import { TRAINING_HOOKS } from '../../../../src/modules/training/hooks.js'
import { Dec, type Composition, type ExecutedBlock, type Module } from '../../../../src/state/index.js'
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
import { TrainingChain, VALIDATORS, addr, commitTx, reputationGenesisJson, revealTx, type Tx } from '../reputation/harness.js'
import { FakeDatanets, fakeDatanetsModule } from './fake-datanets.js'

export { ADMIN, INITIAL_CID, TrainingChain, VALIDATORS, addr, coin, eventsOf, type Tx }

export const TRAINERS = [2, 3, 4, 7]
export const SORTED_TRAINERS = [...TRAINERS].sort((a, b) => Buffer.compare(addr(a), addr(b)))
export const AGGREGATOR = AGGREGATORS[0]!
/** Pays every use fee in these tests: funded at genesis, in no other role. */
export const USER = 0
export const FEE = 200n
/** Round r: open 2 + 10r, submit ..+2, aggregate +3..+4, commit +5..+6, reveal +7..+8, close (attributed) +9. */
export const PERIOD = 10
export const openHeight = (round: number): number => 2 + PERIOD * round
export const who = (account: number | Uint8Array): string => encodeAddress(typeof account === 'number' ? addr(account) : account)

/** The composition entries lineage needs (what src/modules/index.ts will list): its account, training's and reputation's hooks. */
export const LINEAGE_COMPOSITION: Composition = {
  moduleAccounts: LINEAGE_MODULE_ACCOUNTS,
  hooks: [
    { point: TRAINING_HOOKS, subscriber: 'lineage' },
    { point: REPUTATION_HOOKS, subscriber: 'lineage' },
  ],
}

/** Four directions per trainer, shifted by subnet and round so no two updates repeat anywhere. */
const DIRECTIONS: Record<number, number[]> = {
  2: [40, -5, 3, 0, 7, 1],
  3: [-6, 30, 2, -9, 1, 4],
  4: [5, 2, -35, 8, 0, -3],
  7: [1, -7, 4, 25, -11, 6],
}
export const updateValues = (trainer: number, subnet: number, round: number): number[] =>
  DIRECTIONS[trainer]!.map((v, i) => (i === 5 ? v + round : i === 4 ? v + 3 * subnet : v))

/**
 * The reputation harness' genesis (validators 8..11, score window 4), rewards without emission
 * or slashing (so the supply never moves: every check below is supply = genesis supply), and
 * lineage's section.
 */
export function lineageGenesisJson(lineage?: Record<string, unknown>): Record<string, unknown> {
  const base = reputationGenesisJson()
  const appState = base.app_state as Record<string, unknown>
  return {
    ...base,
    app_state: {
      ...appState,
      rewards: { params: { emission_per_round: '0', harmful_score_threshold: '0' } },
      ...(lineage === undefined ? {} : { lineage }),
    },
  }
}

export interface SubnetPlan {
  /** Sample count per trainer (100 each by default). */
  samples?: Record<number, number>
  /** What every validator reveals; absent: nobody commits (every consensus score 0). */
  scores?: Record<number, number>
}

interface SubnetModel {
  values: number[]
  cid: string
}

/**
 * A chain of the default modules plus lineage and a fake datanets module, composed as
 * LINEAGE_COMPOSITION. Subnets created in the block before a round opens run in lockstep with
 * subnet 0 (rounds every 10 blocks); `play` runs one round on every subnet listed (all four
 * trainers, aggregator 5, the validators revealing the plan's scores), and commits through the
 * closing block. Every invariant is checked after each block, and `onBlock` sees each block.
 */
export class LineageChain {
  readonly chain: TrainingChain
  readonly datanets: FakeDatanets
  readonly blocks: ExecutedBlock[] = []
  readonly models = new Map<number, SubnetModel>()
  /** The global round index at which each subnet's round 0 opens. */
  readonly starts = new Map<number, number>()
  round = 0
  /** The last round's submit block (its `txs` first). */
  submitted: ExecutedBlock | undefined
  onBlock: (executed: ExecutedBlock) => void = () => {}

  private constructor(chain: TrainingChain, datanets: FakeDatanets) {
    this.chain = chain
    this.datanets = datanets
  }

  static async open(
    dir: string,
    options: { lineage?: Record<string, unknown>; params?: Partial<SubnetParamsValue>; lineageModule?: Module } = {},
  ): Promise<LineageChain> {
    const datanets = new FakeDatanets()
    const chain = await TrainingChain.open(dir, {
      genesis: lineageGenesisJson(options.lineage),
      extra: [options.lineageModule ?? lineageModule, fakeDatanetsModule(datanets)],
      composition: LINEAGE_COMPOSITION,
    })
    const driver = new LineageChain(chain, datanets)
    await driver.block(...driver.createSubnet(0, INITIAL_CID, INITIAL_VALUES, {}, options.params ?? {}, 0))
    return driver
  }

  /**
   * The txs creating subnet `id` (the next id) by ADMIN on model `cid` (its values), with every
   * trainer and aggregator joining; for the closing block of the current round by default (its
   * round 0 then opens with the next round).
   */
  createSubnet(
    id: number,
    cid: string,
    values: number[],
    overrides: Record<string, unknown> = {},
    params: Partial<SubnetParamsValue> = {},
    start = this.round + 1,
  ): Tx[] {
    this.models.set(id, { values, cid })
    this.starts.set(id, start)
    const subnet = BigInt(id)
    return [
      [ADMIN, MsgCreateSubnet, createTrainingSubnet({ initialModelCid: cid, ...overrides }, params)],
      ...TRAINERS.map((t): Tx => [t, MsgJoinSubnet, { subnet, role: 'trainer', bond: coin(TRAINER_BOND) }]),
      ...AGGREGATORS.map((a): Tx => [a, MsgJoinSubnet, { subnet, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }]),
    ]
  }

  get app() {
    return this.chain.app
  }

  get height(): number {
    return this.chain.height
  }

  async block(...txs: Tx[]): Promise<ExecutedBlock> {
    const executed = await this.chain.block(...txs)
    this.blocks.push(executed)
    this.onBlock(executed)
    return executed
  }

  async until(height: number): Promise<void> {
    while (this.chain.height < height) await this.block()
  }

  /** The model cid of subnet `id`'s latest version, as this driver made it. */
  modelCid(id: number): string {
    return this.models.get(id)!.cid
  }

  modelValues(id: number): number[] {
    return this.models.get(id)!.values
  }

  /**
   * Plays the next round on each subnet of `plan`; `txs` go in the submit block, `scoring` in the
   * commit block (the new versions recorded, still pending), `closing` in the closing block (after
   * the round is attributed in its begin-block). Returns the closing block.
   */
  /** Subnet `id`'s round number at the current global round. */
  roundOf(id: number): bigint {
    return BigInt(this.round - this.starts.get(id)!)
  }

  async play(
    plan: Map<number, SubnetPlan>,
    options: { txs?: Tx[]; scoring?: Tx[]; closing?: Tx[] | (() => Tx[]) } = {},
  ): Promise<ExecutedBlock> {
    // Blocks between rounds may have run past a round's open: it passes empty (no version), as on a real chain.
    while (this.chain.height > openHeight(this.round) - 1) this.round++
    const r = this.round
    const open = openHeight(r)
    const samples = (p: SubnetPlan, t: number) => p.samples?.[t] ?? 100
    await this.until(open - 1)
    const submits: Tx[] = []
    for (const [id, p] of plan)
      for (const t of TRAINERS)
        submits.push(this.chain.submit(t, updateBlob(updateValues(t, id, r)), { sampleCount: samples(p, t) }, this.roundOf(id), BigInt(id)))
    this.submitted = await this.block(...(options.txs ?? []), ...submits)
    await this.until(open + 2)
    const aggregates: Tx[] = []
    for (const [id, p] of plan) {
      const model = this.models.get(id)!
      const next = honestAggregate(
        TRAINERS.map((t) => ({ values: updateValues(t, id, r), weight: Math.min(samples(p, t), 600) })),
        model.values,
      )
      this.chain.put(next.modelBytes)
      const included = TRAINERS.map((t) => ({ trainer: t, blob: updateBlob(updateValues(t, id, r)) }))
      aggregates.push(
        this.chain.aggregate(AGGREGATOR, included, next.aggregateCid, next.modelCid, {
          round: this.roundOf(id),
          base: model.cid,
          subnet: BigInt(id),
        }),
      )
      this.models.set(id, { values: next.modelValues, cid: next.modelCid })
    }
    const aggregated = await this.block(...aggregates)
    aggregated.txResults.forEach((result, i) => {
      if (result.code !== 0) throw new Error(`round ${r}: aggregate ${i} refused: ${result.log}`)
    })
    await this.until(open + 4)
    const scoring = [...plan.entries()].filter(([, p]) => p.scores !== undefined)
    const list = (s: Record<number, number>) => SORTED_TRAINERS.map((t) => ({ trainer: addr(t), score: s[t] ?? 0 }))
    await this.block(
      ...(options.scoring ?? []),
      ...scoring.flatMap(([id, p]) => VALIDATORS.map((v) => commitTx(v, list(p.scores!), this.roundOf(id), BigInt(id)))),
    )
    await this.until(open + 6)
    await this.block(...scoring.flatMap(([id, p]) => VALIDATORS.map((v) => revealTx(v, list(p.scores!), this.roundOf(id), BigInt(id)))))
    await this.until(open + 8)
    const closingTxs = typeof options.closing === 'function' ? options.closing() : (options.closing ?? [])
    const closing = await this.block(...closingTxs)
    this.round++
    return closing
  }

  query<T>(name: string, params: Record<string, unknown> = {}): T {
    return this.app.query('lineage', name, params) as T
  }

  /** Trainers' consensus scores and weights of a closed round, from reputation's receipts (the test's independent source). */
  scored(subnet: number, round: number): { trainer: Uint8Array; consensusScore: Dec; weight: number }[] {
    const { receipts } = this.app.query('reputation', 'receipts', { subnet: String(subnet), round: String(round) }) as {
      receipts: { trainer: string; consensus_score: string; weight: number }[]
    }
    return receipts.map((r) => ({
      trainer: addr(TRAINERS.find((t) => who(t) === r.trainer)!),
      consensusScore: Dec.parse(r.consensus_score),
      weight: r.weight,
    }))
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

export const codeOf = (executed: ExecutedBlock, i = 0): [string, number] => [executed.txResults[i]!.codespace, executed.txResults[i]!.code]

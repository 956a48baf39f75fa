import { t } from '../../../../src/codec/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgOpenDispute, type MsgOpenDisputeValue } from '../../../../src/modules/disputes/index.js'
import { TrainingBooks } from '../../../../src/modules/training/books.js'
import { SUBNETS } from '../../../../src/modules/training/expected-keepers.js'
import { trainingModule } from '../../../../src/modules/training/index.js'
import type { MessageHandler, Module } from '../../../../src/state/index.js'
import { type Tx, type TrainingChain, addr, coin } from '../training/harness.js'

/**
 * A planted dishonest verdict (test-only): training's own scope slashes and bars `aggregator`
 * and stores an AggregateRejection of the aggregate it names, as a training module with a bug in
 * its recomputation would. The expected CIDs it records are made up; a dispute must find the
 * named aggregate right.
 */
export const MsgPlantRejection = t.struct('test/MsgPlantRejection', 980, 1, {
  subnet: t.u64,
  round: t.u64,
  aggregator: t.fixedBytes(20),
  resultCid: t.string({ max: 128 }),
  newGlobalCid: t.string({ max: 128 }),
})

const plantRejection: MessageHandler = {
  type: MsgPlantRejection,
  handle(ctx, m) {
    const books = new TrainingBooks(ctx.moduleStore())
    const round = books.round(m.subnet, m.round)!
    const subnets = ctx.keeper(SUBNETS)
    const slashed = subnets.slashMember(m.subnet, 'aggregator', m.aggregator, round.slashFraction, ctx.block.height)
    subnets.barAggregator(m.subnet, m.round, m.aggregator)
    books.setRejection(m.subnet, m.round, m.aggregator, {
      resultCid: m.resultCid,
      newGlobalCid: m.newGlobalCid,
      expectedResultCid: round.baseGlobalCid,
      expectedGlobalCid: round.baseGlobalCid,
      slashed,
      height: BigInt(ctx.block.height),
    })
    books.setRound({ ...round, rejections: round.rejections + 1 })
  },
}

/** Training with the plant's message added (replaces the default training module in the test registry). */
export const plantedTraining: Module = { ...trainingModule, messages: [...trainingModule.messages, plantRejection] }

export const plant = (from: number, aggregator: number, resultCid: string, newGlobalCid: string): Tx => [
  from,
  MsgPlantRejection,
  { subnet: 0n, round: 0n, aggregator: addr(aggregator), resultCid, newGlobalCid },
]

/** A MsgOpenDispute of `target`'s rejection in round 0 of subnet 0, declaring every blob the test made (a superset of what the recomputation reads). */
export function openDispute(chain: TrainingChain, from: number, target: number, overrides: Partial<MsgOpenDisputeValue> = {}): Tx {
  return [
    from,
    MsgOpenDispute,
    {
      subnet: 0n,
      round: 0n,
      target: addr(target),
      claim: 'wrong_rejection',
      bond: coin(5000n),
      evidence: [...chain.blobs.keys()].sort(),
      ...overrides,
    },
  ]
}

export const balance = (chain: TrainingChain, account: number): bigint =>
  BigInt((chain.app.query('bank', 'balance', { address: encodeAddress(addr(account)), denom: 'ufdr' }) as { amount: string }).amount)

export const disputesQuery = <T>(chain: TrainingChain, name: string, params: Record<string, unknown> = {}): T =>
  chain.app.query('disputes', name, params) as T

import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgCommitScores, MsgRevealScores, scoreCommitment, type TrainerScoreValue } from '../../../../src/modules/reputation/index.js'
import { ModuleError } from '../../../../src/state/index.js'
import { testKey } from '../../../helpers/chain.js'
import { TRAINERS, TrainingChain, type Tx, addr, honestAggregate, trainingGenesisJson, updateBlob } from '../training/harness.js'

export { TRAINERS, TrainingChain, addr, type Tx }

/** Validators' operator accounts 8..11, bonded at genesis with 40, 30, 20 and 10 power (10^6 ufdr per power). */
export const VALIDATORS = [8, 9, 10, 11]
export const STAKES = [40_000_000n, 30_000_000n, 20_000_000n, 10_000_000n]
/** Round 0 of the test subnet with a score window of 4: open 2, submit ..4, aggregate 5..6, commit 7..8, reveal 9..10, close 11. */
export const SCORE_WINDOW = 4
export const HEIGHTS = { aggregate: 5, commit: 7, reveal: 9, close: 11 }

/** The training harness' genesis plus four bonded validators, training's score window and reputation params. */
export function reputationGenesisJson(
  options: { scoreWindow?: number; reputation?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const base = trainingGenesisJson({ params: { score_window: options.scoreWindow ?? SCORE_WINDOW } })
  const appState = base.app_state as Record<string, any>
  const balances = [
    ...appState.bank.balances,
    ...VALIDATORS.map((i) => ({ address: testKey(i).publicKey.address, coins: [{ denom: 'ufdr', amount: '1000000000' }] })),
  ]
  return {
    ...base,
    app_state: {
      ...appState,
      bank: { ...appState.bank, balances },
      staking: {
        ...appState.staking,
        gen_validators: VALIDATORS.map((account, i) => ({
          operator: encodeAddress(addr(account)),
          pub_key: testKey(100 + i).publicKey.hex,
          moniker: `v${i}`,
          self_bond: String(STAKES[i]),
          commission: { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01' },
        })),
      },
      ...(options.reputation === undefined ? {} : { reputation: options.reputation }),
    },
  }
}

/** The trainers' updates of round 0 (trainers 2, 3, 4) and the honest aggregate of them. */
export const UPDATES = TRAINERS.map((trainer, i) => ({ trainer, values: [10 * (i + 1), -5, 3, 0, 7, i] }))
export const AGGREGATE = honestAggregate(UPDATES.map((u) => ({ values: u.values, weight: 100 })))

/** Trainers in the version's order (ascending address). */
export const SORTED_TRAINERS = [...TRAINERS].sort((a, b) => Buffer.compare(addr(a), addr(b)))

export const salt = (validator: number, round = 0n): Uint8Array => new Uint8Array(32).fill((validator * 7 + Number(round)) & 0xff)

/** Scores by trainer account → the reveal's list, in ascending trainer order. */
export const scoreList = (byTrainer: Record<number, number>): TrainerScoreValue[] =>
  SORTED_TRAINERS.map((t) => ({ trainer: addr(t), score: byTrainer[t]! }))

export function commitTx(validator: number, scores: TrainerScoreValue[], round = 0n, subnet = 0n): Tx {
  const commitment = scoreCommitment({ validator: addr(validator), subnet, round, salt: salt(validator, round), scores })
  return [validator, MsgCommitScores, { subnet, round, commitment }]
}

export const revealTx = (
  validator: number,
  scores: TrainerScoreValue[],
  round = 0n,
  subnet = 0n,
  saltBytes = salt(validator, round),
): Tx => [validator, MsgRevealScores, { subnet, round, salt: saltBytes, scores }]

/** A chain whose round 0 has the three updates and the accepted aggregate (committed height 5: the aggregate window runs to 6). */
export async function aggregatedRound(
  dir: string,
  options: Parameters<typeof reputationGenesisJson>[0] = {},
  chainOptions: Omit<NonNullable<Parameters<typeof TrainingChain.withSubnet>[2]>, 'genesis'> = {},
): Promise<TrainingChain> {
  const chain = await TrainingChain.withSubnet(dir, {}, { ...chainOptions, genesis: reputationGenesisJson(options) })
  await chain.block(...UPDATES.map((u) => chain.submit(u.trainer, updateBlob(u.values))))
  await chain.until(HEIGHTS.aggregate - 1)
  chain.put(AGGREGATE.modelBytes)
  await chain.block(
    chain.aggregate(
      5,
      UPDATES.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) })),
      AGGREGATE.aggregateCid,
      AGGREGATE.modelCid,
    ),
  )
  return chain
}

export const query = <T>(chain: TrainingChain, name: string, params: Record<string, unknown> = {}): T =>
  chain.app.query('reputation', name, params) as T

export function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  return 'OK'
}

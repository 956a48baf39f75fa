/**
 * The scoring table of docs/fl.md (`npm run fl:experiments -- --only scoring`): for each attack,
 * one federated run without a chain (the devnet's MLP 784-200-10, fedavg, 8 trainers of which 2
 * attack, 500 digits each from the first 4000 training digits, 1 local epoch at lr 0.1), the
 * global model built as the chain builds it (fixed point, nextModelValues); every round is scored
 * by each method exactly as `fedra scorer` scores it (src/roles/scoring.ts, utility minus the loss
 * on mnist:last:1000). Reported per method × attack: the attackers' share of the summed scores,
 * the honest − attacker reputation gap after the last round (reputation.md's EMA in floats:
 * q = min(1, share·K), r ← 0.3·q + 0.7·r, r₀ = 0.5, one validator so the share is its own), and
 * the scorer's CPU time per round.
 */
import { subset } from '../src/fl/data/dataset.js'
import { loadMnist } from '../src/fl/data/mnist.js'
import { initialParameters } from '../src/fl/model/init.js'
import { Network } from '../src/fl/model/network.js'
import { mlpSpec } from '../src/fl/model/spec.js'
import { ensureTfBackend } from '../src/fl/model/tf.js'
import { SeededRandom } from '../src/fl/random.js'
import { REPUTATION_UNIT } from '../src/fl/rules/repfedavg.js'
import { getAggregationRule } from '../src/fl/rules/registry.js'
import { type AttackSpec, attackTrains, attackUpdate } from '../src/fl/sim/attacks.js'
import { evaluate } from '../src/fl/train/evaluate.js'
import { DEFAULT_TRAINING, trainLocal } from '../src/fl/train/local-training.js'
import { clipL2, computeDelta, quantize } from '../src/fl/update/quantize.js'
import { modelOf, nextModelValues } from '../src/modules/training/index.js'
import { encodeModel } from '../src/roles/model-codec.js'
import { SCORING_METHODS, type ScoringMethod, scoreRound } from '../src/roles/scoring.js'
import { loadValidationSet, parseValidationSpec, validationUtility } from '../src/roles/validation-set.js'

export interface ScoringTableOptions {
  trainers?: number
  attackers?: number
  rounds?: number
  rows?: number
  budget?: number
}

const ATTACKS: { name: string; spec: AttackSpec }[] = [
  { name: 'signflip', spec: { kind: 'signflip', factor: 4 } },
  { name: 'scaled', spec: { kind: 'scaled', factor: 10 } },
  { name: 'freeride (zero)', spec: { kind: 'zero' } },
  { name: 'labelflip', spec: { kind: 'labelflip' } },
]

export async function runScoringTable(options: ScoringTableOptions = {}): Promise<string[]> {
  const trainers = options.trainers ?? 8
  const attackerCount = options.attackers ?? 2
  const rounds = options.rounds ?? 4
  const rows = options.rows ?? 4000
  const budget = options.budget ?? 100
  await ensureTfBackend()
  const spec = mlpSpec([784, 200, 10])
  const network = new Network(spec)
  const { train, test } = loadMnist()
  const validation = loadValidationSet(parseValidationSpec('mnist:last:1000'))
  const utility = validationUtility(network, validation)
  const rule = getAggregationRule('fedavg')
  const quant = { scale: 4096, maxAbs: 32767, clipNorm: 5 }
  const per = Math.floor(rows / trainers)
  // The attackers are the last trainers (addresses carry no meaning here).
  const isAttacker = (t: number) => t >= trainers - attackerCount
  const lines: string[] = []
  for (const attack of ATTACKS) {
    const datasets = Array.from({ length: trainers }, (_, t) => {
      const d = subset(
        train,
        Array.from({ length: per }, (_, i) => t * per + i),
      )
      return isAttacker(t) && attack.spec.kind === 'labelflip' ? { ...d, labels: d.labels.map((y) => d.classes - 1 - y) } : d
    })
    let parent = modelOf(encodeModel(initialParameters(spec, 1)), network.parameterCount, '')
    const totals = Object.fromEntries(
      SCORING_METHODS.map((m) => [m, { attacker: 0, all: 0, cpu: 0, reputation: new Array<number>(trainers).fill(0.5) }]),
    )
    let accuracy = 0
    for (let round = 1; round <= rounds; round++) {
      const base = Float32Array.from(parent.values, (v) => v / parent.scale)
      const updates = datasets.map((data, t) => {
        const random = SeededRandom.derive(1, round, t)
        let honest: Int32Array | undefined
        if (!isAttacker(t) || attackTrains(attack.spec)) {
          const result = trainLocal(network, data, base, {
            ...DEFAULT_TRAINING,
            epochs: 1,
            learningRate: 0.1,
            seed: SeededRandom.derive(1, round, t, 3).nextUint32(),
          })
          const delta = computeDelta(result.parameters, base)
          clipL2(delta, quant.clipNorm)
          honest = quantize(delta, quant, random)
        }
        if (!isAttacker(t)) return honest!
        return attackUpdate(attack.spec, {
          honest,
          previousAggregate: undefined,
          victim: undefined,
          length: network.parameterCount,
          maxAbs: quant.maxAbs,
          scale: quant.scale,
          random,
        })
      })
      const weights = updates.map(() => per)
      const scored = { rule, parent, updates, weights, roundScale: quant.scale }
      for (const method of SCORING_METHODS) {
        const started = process.cpuUsage()
        const result = scoreRound(scored, utility, { method, budget, seed: SeededRandom.derive(1, round).nextUint32() })
        const used = process.cpuUsage(started)
        const t = totals[method]!
        t.cpu += (used.user + used.system) / 1e6
        const sum = result.scores.reduce((a, b) => a + b, 0)
        t.all += sum
        t.attacker += result.scores.reduce((a, s, i) => a + (isAttacker(i) ? s : 0), 0)
        t.reputation = t.reputation.map((r, i) => 0.3 * Math.min(1, sum === 0 ? 0 : (result.scores[i]! / sum) * trainers) + 0.7 * r)
      }
      const aggregate = rule.fast({ updates, weights, reputations: updates.map(() => REPUTATION_UNIT) }).values
      parent = { ...parent, values: nextModelValues(parent, aggregate, quant.scale) }
      accuracy = evaluate(
        network,
        Float32Array.from(parent.values, (v) => v / parent.scale),
        test,
      ).accuracy
    }
    for (const method of SCORING_METHODS as readonly ScoringMethod[]) {
      const t = totals[method]!
      const mean = (pick: (i: number) => boolean) => {
        const r = t.reputation.filter((_, i) => pick(i))
        return r.reduce((a, b) => a + b, 0) / r.length
      }
      const honestMin = Math.min(...t.reputation.filter((_, i) => !isAttacker(i)))
      const attackerMax = Math.max(...t.reputation.filter((_, i) => isAttacker(i)))
      const share = t.all === 0 ? 0 : t.attacker / t.all
      lines.push(
        `| ${attack.name} | ${method}${method === 'shapley' ? ` (budget ${budget})` : ''} | ${(100 * share).toFixed(1)}% | ${(mean((i) => !isAttacker(i)) - mean(isAttacker)).toFixed(3)} | ${honestMin > attackerMax ? 'yes' : 'no'} | ${(t.cpu / rounds).toFixed(2)} s | ${accuracy.toFixed(3)} |`,
      )
      console.log(lines.at(-1))
    }
  }
  network.dispose()
  console.log(
    `\n${trainers} trainers (${attackerCount} attacking), ${rounds} rounds, ${per} digits each, fedavg, MLP 784-200-10, validation mnist:last:1000\n`,
  )
  console.log(
    "| attack | method | attackers' share of scores | reputation gap (honest − attacker) | every honest above every attacker | scorer CPU / round | accuracy after (fedavg, unweighted by scores) |\n|---|---|---|---|---|---|---|",
  )
  for (const line of lines) console.log(line)
  return lines
}

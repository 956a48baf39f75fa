import type { Command } from 'commander'
import { messages } from '../../client/index.js'
import { CliError } from '../errors.js'
import { withNode } from './node-option.js'
import { checkId } from './training-args.js'
import { type SendOptions, sendTx, withTxOptions } from './tx-send.js'

interface DpPolicyOptions extends SendOptions {
  clipNorm?: string
  noiseMultiplier?: string
  samplingRate?: string
  targetEpsilon?: string
  delta?: string
}

const required = (value: string | undefined, option: string, example: string): string => {
  if (value === undefined) throw new CliError('USAGE', `${option} is required (a decimal, e.g. ${example})`, {})
  return value
}

/** `fedra tx training …`. */
export function registerTrainingTx(tx: Command): void {
  const training = tx.command('training').description('training module transactions')

  withTxOptions(withNode(training.command('set-dp-policy <from-key> <subnet>')))
    .description("set a subnet's differential-privacy policy (its admin only, once: it cannot be replaced); docs/privacy.md")
    .option('--clip-norm <dec>', "L2 norm each trainer clips its round's update to (model units)")
    .option('--noise-multiplier <dec>', 'σ / clip norm of the Gaussian noise each trainer adds (at least 0.1)')
    .option('--sampling-rate <dec>', 'fraction of trainers a round samples, in (0, 1] (recorded; no amplification is claimed)', '1')
    .option('--target-epsilon <dec>', "the subnet's whole privacy budget ε")
    .option('--delta <dec>', 'δ of the (ε, δ) budget, in (0, 1)')
    .action((from: string, subnet: string, options: DpPolicyOptions) =>
      sendTx(from, options, () => [
        messages.trainingSetDpPolicy({
          subnet: checkId(subnet, 'subnet'),
          clipNorm: required(options.clipNorm, '--clip-norm', '1'),
          noiseMultiplier: required(options.noiseMultiplier, '--noise-multiplier', '1.1'),
          samplingRate: options.samplingRate ?? '1',
          targetEpsilon: required(options.targetEpsilon, '--target-epsilon', '8'),
          delta: required(options.delta, '--delta', '0.00001'),
        }),
      ]),
    )
}

import type { Command } from 'commander'
import { FedraClient, messages } from '../../client/index.js'
import { fromHex } from '../../crypto/index.js'
import { EnvelopeSecrets, nextEnvelopeKeys } from '../../roles/envelope-admin.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
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

interface EnvelopeKeysOptions extends SendOptions {
  secrets?: string
  readers?: string
}

/** `--readers HEX,HEX…`: ed25519 public keys (64 hex digits each), or none with an empty list. */
export function readerKeys(text: string | undefined): Uint8Array[] | undefined {
  if (text === undefined) return undefined
  if (text === '') return []
  return text.split(',').map((hex, i) => {
    if (!/^[0-9a-fA-F]{64}$/.test(hex))
      throw new CliError('USAGE', `--readers entry ${i} "${hex.slice(0, 70)}" is not an ed25519 public key (64 hex digits)`, {})
    return fromHex(hex.toLowerCase())
  })
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

  withTxOptions(withNode(training.command('set-envelope-keys <from-key> <subnet>')), { gas: '2000000' })
    .description(
      "publish a private subnet's next envelope key set (its admin only): epoch 0 makes the subnet private, later epochs rotate after its recipients changed; docs/privacy.md",
    )
    .option(
      '--secrets <file>',
      "the admin's epoch-secrets file (written before sending, mode 0600; rotation reads the latest secret from it)",
    )
    .option('--readers <hex,…>', "ed25519 public keys of the full nodes (or scorer keys) that must read too; default: the latest key set's")
    .action(async (from: string, subnet: string, options: EnvelopeKeysOptions) => {
      const id = BigInt(checkId(subnet, 'subnet'))
      if (options.secrets === undefined) throw new CliError('USAGE', '--secrets <file> is required (it keeps the epoch secrets)', {})
      const readers = readerKeys(options.readers)
      if (!['async', 'sync', 'commit'].includes(options.mode)) throw new CliError('USAGE', '--mode is async, sync or commit', {})
      const secrets = new EnvelopeSecrets(options.secrets)
      try {
        secrets.check()
      } catch (error) {
        throw new CliError('BAD_FILE', (error as Error).message, { path: options.secrets })
      }
      const client = new FedraClient({ url: resolveNodeUrl(options), timeoutMs: 30_000 })
      const { message, keySet } = await nextEnvelopeKeys(client, id, secrets, readers)
      if (!options.json)
        process.stderr.write(`epoch ${keySet.epoch}: ${keySet.wraps.length} recipients (${keySet.wraps.map((w) => w.id).join(', ')})\n`)
      await sendTx(from, options, () => [message])
    })
}

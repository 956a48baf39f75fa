import type { Command } from 'commander'
import { ClientError, FedraClient, type PrivateKey, buildTx, parseCoins } from '../../client/index.js'
import { Keyring } from '../../crypto/keyring.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { readPassphrase } from '../passphrase.js'
import type { NodeOptions } from './node-option.js'
import { fields, printJson } from './output.js'

/** The options every `fedra tx …` command takes (beside --node, --home, --json). */
export interface SendOptions extends NodeOptions {
  fee: string
  gas: string
  memo: string
  mode: 'async' | 'sync' | 'commit'
  timeout: string
  nonce?: string
  passphraseFile?: string
}

/** --fee --gas --memo --nonce --mode --timeout --passphrase-file, as `fedra tx bank send` has them. */
export const withTxOptions = (cmd: Command, defaults: { gas?: string } = {}): Command =>
  cmd
    .option('--fee <amount>', 'fee in the fee denomination', '200')
    .option('--gas <limit>', 'gas limit', defaults.gas ?? '200000')
    .option('--memo <text>', 'memo', '')
    .option('--nonce <n>', 'account nonce (default: the next one, from the node)')
    .option('--mode <mode>', 'async | sync (mempool admission) | commit (wait for the block)', 'commit')
    .option('--timeout <ms>', 'commit mode: how long to wait for inclusion', '30000')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')

/** A client refusal of what the user typed (an amount, an address, a rate) as a usage error. */
export function usage<T>(build: () => T): T {
  try {
    return build()
  } catch (error) {
    if (error instanceof ClientError && error.code === 'INVALID_INPUT') throw new CliError('USAGE', error.plainMessage, {})
    throw error
  }
}

/** The client's amount parser, its refusal as a usage error. */
export const amounts = (text: string) => usage(() => parseCoins(text))

export function bigintOption(value: string, name: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new CliError('USAGE', `--${name} must be a non-negative integer`, {})
  return BigInt(value)
}

/**
 * Signs the messages `build` makes with the keyring key `from` and broadcasts them: the one
 * path of every `fedra tx …` command. Everything the user typed is checked before the keyring
 * is opened or a node called (USAGE, exit 2). Prints hash, mode, height, result and gas (or
 * JSON with --json); exit code 1 when the transaction fails on chain.
 * `extraRows` adds lines to the table output (e.g. the validator address a create-validator made).
 */
export async function sendTx(
  from: string,
  options: SendOptions,
  build: () => Uint8Array[],
  extraRows: (key: PrivateKey) => [string, string][] = () => [],
): Promise<void> {
  if (!['async', 'sync', 'commit'].includes(options.mode)) throw new CliError('USAGE', '--mode is async, sync or commit', {})
  const encoded = usage(build)
  const txOptions = { fee: bigintOption(options.fee, 'fee'), gasLimit: bigintOption(options.gas, 'gas'), memo: options.memo }
  const nonce = options.nonce === undefined ? undefined : bigintOption(options.nonce, 'nonce')
  if (!/^[1-9][0-9]{0,8}$/.test(options.timeout)) throw new CliError('USAGE', '--timeout must be a positive number of milliseconds', {})
  const key = new Keyring(options.home).open(from, readPassphrase(options))
  const client = new FedraClient({ url: resolveNodeUrl(options), timeoutMs: Number(options.timeout) + 10_000 })
  try {
    const bytes = await buildTx(client, key, encoded, nonce === undefined ? txOptions : { ...txOptions, nonce })
    const answer = await client.broadcastTx(bytes, options.mode, Number(options.timeout))
    if (answer.result !== undefined && answer.result.code !== 0) process.exitCode = 1
    if (options.json) return printJson(answer)
    const rows: [string, string][] = [
      ['hash', answer.hash],
      ['mode', answer.mode],
    ]
    if (answer.result !== undefined) {
      rows.push(['height', String(answer.height)])
      rows.push([
        'result',
        answer.result.code === 0 ? 'ok' : `failed ${answer.result.codespace}/${answer.result.code}: ${answer.result.log}`,
      ])
      rows.push(['gas used', answer.result.gasUsed])
    } else {
      rows.push(['result', answer.mode === 'sync' ? 'accepted into the mempool' : 'sent'])
    }
    rows.push(...extraRows(key))
    process.stdout.write(`${fields(rows)}\n`)
  } finally {
    client.close()
  }
}

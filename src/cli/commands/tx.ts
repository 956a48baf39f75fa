import type { Command } from 'commander'
import { ClientError, FedraClient, buildTx, messages, parseCoins } from '../../client/index.js'
import { CliError } from '../errors.js'
import { Keyring } from '../../crypto/keyring.js'
import { resolveNodeUrl } from '../node-url.js'
import { readPassphrase } from '../passphrase.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson } from './output.js'
import { checkAddress } from './query.js'
/** The client's amount parser, its refusal as a usage error. */
function amounts(text: string) {
  try {
    return parseCoins(text)
  } catch (error) {
    if (error instanceof ClientError) throw new CliError('USAGE', error.plainMessage, {})
    throw error
  }
}

function bigintOption(value: string, name: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new CliError('USAGE', `--${name} must be a non-negative integer`, {})
  return BigInt(value)
}

interface SendOptions extends NodeOptions {
  fee: string
  gas: string
  memo: string
  mode: 'async' | 'sync' | 'commit'
  timeout: string
  nonce?: string
  passphraseFile?: string
}

export function registerTxCommand(program: Command): void {
  const tx = program.command('tx').description('sign and broadcast transactions')
  const bank = tx.command('bank').description('bank module transactions')

  withNode(bank.command('send <from-key> <to-address> <amount>'))
    .description('send coins (e.g. 1000ufdr or 10ufdr,5uabc) from a keyring key to an address')
    .option('--fee <amount>', 'fee in the fee denomination', '200')
    .option('--gas <limit>', 'gas limit', '200000')
    .option('--memo <text>', 'memo', '')
    .option('--nonce <n>', 'account nonce (default: the next one, from the node)')
    .option('--mode <mode>', 'async | sync (mempool admission) | commit (wait for the block)', 'commit')
    .option('--timeout <ms>', 'commit mode: how long to wait for inclusion', '30000')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .action(async (from: string, to: string, amount: string, options: SendOptions) => {
      if (!['async', 'sync', 'commit'].includes(options.mode)) throw new CliError('USAGE', '--mode is async, sync or commit', {})
      checkAddress(to)
      const message = messages.bankSend(to, amounts(amount))
      const txOptions = { fee: bigintOption(options.fee, 'fee'), gasLimit: bigintOption(options.gas, 'gas'), memo: options.memo }
      const nonce = options.nonce === undefined ? undefined : bigintOption(options.nonce, 'nonce')
      const key = new Keyring(options.home).open(from, readPassphrase(options))
      const client = new FedraClient({ url: resolveNodeUrl(options), timeoutMs: Number(options.timeout) + 10_000 })
      try {
        const bytes = await buildTx(client, key, [message], nonce === undefined ? txOptions : { ...txOptions, nonce })
        const answer = await client.broadcastTx(bytes, options.mode, Number(options.timeout))
        if (options.json) return printJson(answer)
        const rows: [string, string][] = [
          ['hash', answer.hash],
          ['mode', answer.mode],
        ]
        if (answer.result !== undefined) {
          rows.push(['height', String(answer.height)])
          rows.push(['result', answer.result.code === 0 ? 'ok' : `failed ${answer.result.codespace}/${answer.result.code}: ${answer.result.log}`])
          rows.push(['gas used', answer.result.gasUsed])
        } else {
          rows.push(['result', answer.mode === 'sync' ? 'accepted into the mempool' : 'sent'])
        }
        process.stdout.write(`${fields(rows)}\n`)
        if (answer.result !== undefined && answer.result.code !== 0) process.exitCode = 1
      } finally {
        client.close()
      }
    })
}

import type { Command } from 'commander'
import { FedraClient } from '../../client/index.js'
import { CliError } from '../errors.js'
import { DEFAULT_NODE, fields, printJson, table, time } from './output.js'

interface QueryOptions {
  node: string
  json: boolean
}

const withNode = (cmd: Command) => cmd.option('--node <url>', 'JSON-RPC address of the node (env FEDRA_NODE)', DEFAULT_NODE).option('--json', 'print JSON', false)

async function withClient(options: QueryOptions, run: (client: FedraClient) => Promise<void>): Promise<void> {
  const client = new FedraClient({ url: options.node })
  try {
    await run(client)
  } finally {
    client.close()
  }
}

export function registerQueryCommand(program: Command): void {
  const query = program.command('query').description('read accounts, blocks and transactions from a node')

  withNode(query.command('account <address>'))
    .description('an account: nonce, public key, balances')
    .action((address: string, options: QueryOptions) =>
      withClient(options, async (client) => {
        const account = await client.account(address)
        if (options.json) return printJson(account)
        process.stdout.write(
          `${fields([
            ['address', account.address],
            ['height', String(account.height)],
            ['nonce', account.nonce],
            ['public key', account.publicKey ?? '(has not signed yet)'],
          ])}\n\n${table(['denom', 'amount'], account.balances.map((c) => [c.denom, c.amount]))}\n`,
        )
      }),
    )

  withNode(query.command('block [height-or-id]'))
    .description('a block by height or id (default: the latest)')
    .action((at: string | undefined, options: QueryOptions) =>
      withClient(options, async (client) => {
        let target: number | string | undefined
        if (at !== undefined) {
          if (/^\d+$/.test(at)) target = Number(at)
          else if (/^[0-9a-fA-F]{64}$/.test(at)) target = at.toLowerCase()
          else throw new CliError('USAGE', `"${at}" is neither a height nor a 64-hex-digit block id`, {})
        }
        const block = await client.block(target)
        if (options.json) return printJson(block)
        const { header } = block
        const { txResults } = await client.blockResults(header.height)
        process.stdout.write(
          `${fields([
            ['height', String(header.height)],
            ['block id', block.blockId],
            ['time', time(header.time)],
            ['proposer', header.proposer],
            ['previous', header.prevBlockId ?? '-'],
            ['state root', header.stateRoot],
            ['transactions', String(block.txs.length)],
          ])}\n\n${table(
            ['#', 'hash', 'code', 'gas used'],
            txResults.map((r, i) => [String(i), r.hash, r.code === 0 ? 'ok' : `${r.codespace}/${r.code}`, r.gasUsed]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('tx <hash>'))
    .description('a committed transaction with its result and events')
    .action((hash: string, options: QueryOptions) =>
      withClient(options, async (client) => {
        if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new CliError('USAGE', 'a transaction hash is 64 hex digits', {})
        const tx = await client.tx(hash.toLowerCase())
        if (options.json) return printJson(tx)
        const { result, body } = tx
        process.stdout.write(
          `${fields([
            ['hash', tx.hash],
            ['height', `${tx.height} (index ${tx.index})`],
            ['signer', tx.signer ?? '(undecodable)'],
            ['result', result.code === 0 ? 'ok' : `failed ${result.codespace}/${result.code}: ${result.log}`],
            ['gas', `${result.gasUsed} used of ${result.gasWanted}`],
            ['fee', body?.fee ?? '-'],
            ['nonce', body?.nonce ?? '-'],
            ['memo', body?.memo || '-'],
            ['messages', body?.messages.map((m) => m.type).join(', ') || '-'],
          ])}\n\n${table(
            ['event', 'attribute', 'value'],
            result.events.flatMap((e) => e.attributes.map((a) => [e.type, a.key, a.value])),
          )}\n`,
        )
      }),
    )
}

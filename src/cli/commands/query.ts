import type { Command } from 'commander'
import { FedraClient } from '../../client/index.js'
import { FedraError } from '../../errors.js'
import { CliError } from '../errors.js'
import { decodeAddress } from '../../crypto/index.js'
import { resolveNodeUrl } from '../node-url.js'
import { type NodeOptions as QueryOptions, withNode } from './node-option.js'
import { registerDistributionQuery } from './distribution.js'
import { fields, printJson, table, time } from './output.js'
import { registerSlashingQuery } from './slashing.js'
import { registerStakingQuery } from './staking.js'
import { registerTrainingQuery } from './training-query.js'
import { registerContributionQuery } from './contribution-query.js'
import { registerDatanetQuery } from './datanet-query.js'
import { registerGovQuery } from './gov.js'
import { registerDisputeQuery } from './dispute.js'

async function withClient(options: QueryOptions, run: (client: FedraClient) => Promise<void>): Promise<void> {
  const client = new FedraClient({ url: resolveNodeUrl(options) })
  try {
    await run(client)
  } finally {
    client.close()
  }
}

/** The same check `tx bank send` makes, before anything is sent. */
export function checkAddress(text: string): Uint8Array {
  try {
    return decodeAddress(text)
  } catch (error) {
    throw new CliError(
      'USAGE',
      `"${text}" is not a fedra1… address: ${error instanceof FedraError ? error.plainMessage : (error as Error).message}`,
      {},
    )
  }
}

export function registerQueryCommand(program: Command): void {
  const query = program.command('query').description('read accounts, blocks and transactions from a node')

  withNode(query.command('account <address>'))
    .description('an account: nonce, public key, balances')
    .action((address: string, options: QueryOptions) =>
      withClient(options, async (client) => {
        checkAddress(address)
        const account = await client.account(address)
        if (options.json) return printJson(account)
        process.stdout.write(
          `${fields([
            ['address', account.address],
            ['height', String(account.height)],
            ['nonce', account.nonce],
            ['public key', account.publicKey ?? '(has not signed yet)'],
          ])}\n\n${table(
            ['denom', 'amount'],
            account.balances.map((c) => [c.denom, c.amount]),
          )}\n`,
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

  registerStakingQuery(query)
  registerSlashingQuery(query)
  registerDistributionQuery(query)
  registerTrainingQuery(query)
  registerContributionQuery(query)
  registerDatanetQuery(query)
  registerGovQuery(query)
  registerDisputeQuery(query)
}

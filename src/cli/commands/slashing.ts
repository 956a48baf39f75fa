import type { Command } from 'commander'
import { messages } from '../../client/index.js'
import { checkConsensus, msText, withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { type SendOptions, sendTx, withTxOptions } from './tx-send.js'

/** `fedra tx slashing unjail`. */
export function registerSlashingTx(tx: Command): void {
  const slashing = tx.command('slashing').description('slashing module transactions')
  withTxOptions(withNode(slashing.command('unjail <from-key>')))
    .description("let the key's validator back into the set once its jail time has passed")
    .action((from: string, options: SendOptions) => sendTx(from, options, () => [messages.slashingUnjail()]))
}

const jailed = (until: string) => (until === '0' ? '-' : msText(until))

/** `fedra query slashing …`. */
export function registerSlashingQuery(query: Command): void {
  const slashing = query.command('slashing').description('signing infos and params of the slashing module')

  withNode(slashing.command('signing-info <address>'))
    .description("a validator's liveness record, by consensus address (fedravalcons1… or hex) or operator (fedravaloper1… or fedra1…)")
    .action((address: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const info = await client.call('slashing_signingInfo', { address: checkConsensus(address) })
        if (options.json) return printJson(info)
        process.stdout.write(
          `${fields([
            ['address', info.address],
            ['start height', info.start_height],
            ['index offset', info.index_offset],
            ['missed blocks', info.missed_blocks_counter],
            ['jailed until', jailed(info.jailed_until)],
            ['tombstoned', info.tombstoned ? 'yes' : 'no'],
            ['height', String(info.height)],
          ])}\n`,
        )
      }),
    )

  withNode(slashing.command('signing-infos'))
    .description('every signing info')
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('slashing_signingInfos')
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['address', 'start height', 'missed', 'jailed until', 'tombstoned'],
            answer.signing_infos.map((i) => [
              i.address,
              i.start_height,
              i.missed_blocks_counter,
              jailed(i.jailed_until),
              i.tombstoned ? 'yes' : 'no',
            ]),
          )}\n`,
        )
      }),
    )

  withNode(slashing.command('params'))
    .description("slashing's parameters")
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('slashing_params')
        if (options.json) return printJson(p)
        process.stdout.write(
          `${fields([
            ['signed blocks window', p.signed_blocks_window],
            ['min signed per window', p.min_signed_per_window],
            ['downtime jail duration', `${p.downtime_jail_duration} ms`],
            ['slash fraction double sign', p.slash_fraction_double_sign],
            ['slash fraction downtime', p.slash_fraction_downtime],
            ['height', String(p.height)],
          ])}\n`,
        )
      }),
    )
}

import type { Command } from 'commander'
import { ClientError } from '../../client/index.js'
import { decodeAddress } from '../../crypto/address.js'
import { CliError } from '../errors.js'
import { withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { checkId } from './training-args.js'

function checkAccount(text: string): string {
  try {
    decodeAddress(text)
    return text
  } catch {
    throw new CliError('USAGE', `trainer "${text.slice(0, 90)}" is not a fedra1… address`, {})
  }
}

/**
 * `fedra query reputation SUBNET [TRAINER]` and `fedra query contribution SUBNET ROUND TRAINER
 * [--verify] [--height H]`: reputations and the proof of contribution. With --verify the CLI
 * checks the receipt itself (its bytes against the state root of a header whose commit it
 * checked against the validator set) and says VERIFIED or exits 1.
 */
export function registerContributionQuery(query: Command): void {
  withNode(query.command('reputation <subnet> [trainer]'))
    .description("trainers' reputation in a subnet (one trainer's history with TRAINER)")
    .action((subnet: string, trainer: string | undefined, options: NodeOptions) =>
      withClient(options, async (client) => {
        const id = checkId(subnet, 'subnet')
        if (trainer === undefined) {
          const answer = await client.call('reputation_list', { subnet: id })
          if (options.json) return printJson(answer)
          process.stdout.write(
            `${table(
              ['trainer', 'reputation', 'rounds', 'last round'],
              answer.reputations.map((r) => [r.trainer, r.reputation, String(r.rounds), r.last_round ?? '-']),
            )}\n`,
          )
          return
        }
        const address = checkAccount(trainer)
        const [rep, history] = await Promise.all([
          client.call('reputation_get', { subnet: id, trainer: address }),
          client.call('reputation_history', { subnet: id, trainer: address }),
        ])
        if (options.json) return printJson({ ...rep, history: history.history })
        process.stdout.write(
          `${fields([
            ['trainer', rep.trainer],
            ['reputation', rep.reputation],
            ['rounds scored', String(rep.rounds)],
          ])}\n\n`,
        )
        process.stdout.write(
          `${table(
            ['round', 'version', 'consensus score', 'reputation after', 'scored'],
            history.history.map((h) => [h.round, h.version, h.consensus_score, h.reputation_after, String(h.scored)]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('contribution <subnet> <round> <trainer>'))
    .description(
      "a trainer's receipt of a scored round (consensus score, reward, slash); --verify checks its proof against a verified header",
    )
    .option('--verify', 'check the receipt against the state root of a header verified against the validator set', false)
    .option('--height <h>', 'prove it at this height (default: the latest)')
    .action((subnet: string, round: string, trainer: string, options: NodeOptions & { verify: boolean; height?: string }) =>
      withClient(options, async (client) => {
        const id = checkId(subnet, 'subnet')
        const number = checkId(round, 'round')
        const address = checkAccount(trainer)
        const height = options.height === undefined ? undefined : Number(checkId(options.height, 'height'))
        if (!options.verify) {
          const receipt = await client.call('contribution_receipt', { subnet: id, round: number, trainer: address })
          if (options.json) return printJson(receipt)
          process.stdout.write(`${fields(Object.entries(receipt).map(([k, v]) => [k.replace(/_/g, ' '), String(v)]))}\n`)
          return
        }
        try {
          const { receipt, header } = await client.verifiedContribution(id, number, address, height)
          if (options.json)
            return printJson({
              verified: true,
              height: header.height,
              receipt:
                receipt === null
                  ? null
                  : {
                      ...receipt,
                      trainer: address,
                      consensusScore: receipt.consensusScore.toString(),
                      reputationAfter: receipt.reputationAfter.toString(),
                      reward: String(receipt.reward),
                      slashed: String(receipt.slashed),
                      subnet: String(receipt.subnet),
                      round: String(receipt.round),
                      version: String(receipt.version),
                      height: String(receipt.height),
                    },
            })
          if (receipt === null) {
            process.stdout.write(
              `VERIFIED: no receipt of round ${number} of subnet ${id} for ${address} at height ${header.height} (the proof shows its absence)\n`,
            )
            process.exitCode = 1
            return
          }
          process.stdout.write(
            `${fields([
              ['verified', `yes, against the state root of height ${header.height} (commit checked against its validator set)`],
              ['trainer', address],
              ['update', receipt.updateCid],
              ['consensus score', receipt.consensusScore.toString()],
              ['reputation after', receipt.reputationAfter.toString()],
              ['reward', String(receipt.reward)],
              ['slashed', String(receipt.slashed)],
              ['settled at', String(receipt.height)],
            ])}\n`,
          )
        } catch (error) {
          if (error instanceof ClientError && error.code === 'VERIFICATION_FAILED')
            throw new CliError('VERIFICATION_FAILED', error.plainMessage, {})
          throw error
        }
      }),
    )
}

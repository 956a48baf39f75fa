import type { Command } from 'commander'
import { type FedraClient, messages } from '../../client/index.js'
import { withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { checkAddress } from './query.js'
import { checkId } from './training-args.js'
import { type SendOptions, sendTx, usage, withTxOptions } from './tx-send.js'

interface OpenOptions extends SendOptions {
  claim: string
  bond: string
}

/**
 * The blobs the chain's recomputation of `target`'s rejected aggregate reads, from the node: the
 * round's base model, its updates and the rejected result and model. None when the target has no
 * rejection there (the chain then refuses the dispute UNKNOWN_TARGET).
 */
async function rejectionEvidence(client: FedraClient, subnet: string, round: string, target: string): Promise<string[]> {
  const r = await client.call('round_get', { subnet, round })
  const rejection = r.rejections.find((x) => x.aggregator === target)
  if (rejection === undefined) return []
  const { updates } = await client.call('round_updates', { subnet, round })
  return [r.base_global_cid, ...updates.map((u) => u.update_cid), rejection.result_cid, rejection.new_global_cid]
}

/** `fedra tx dispute open`. */
export function registerDisputeTx(tx: Command): void {
  const dispute = tx.command('dispute').description('disputes module transactions')
  withTxOptions(withNode(dispute.command('open <from-key> <subnet> <round> <target>')))
    .description(
      'dispute the slash TARGET (fedra1…) took in ROUND of SUBNET, escrowing --bond; the chain decides a checkable claim in the same tx (the blobs it recomputes from are looked up on the node)',
    )
    .requiredOption(
      '--claim <kind>',
      "the claim: wrong_rejection (TARGET's rejected aggregate was right: decided by the chain) or wrong_verdict (TARGET's update judged a free-rider's was honest: voted by the subnet's members, the disputer paying the proposal's deposit)",
    )
    .requiredOption('--bond <amount>', 'the bond escrowed, e.g. 5000ufdr (at least the min_bond param)')
    .action(async (from: string, subnet: string, round: string, target: string, options: OpenOptions) => {
      checkId(subnet, 'subnet')
      checkId(round, 'round')
      checkAddress(target)
      // every usage error before the node is asked for the evidence
      usage(() => messages.disputeOpen({ subnet, round, target, claim: options.claim, bond: options.bond, evidence: [] }))
      let evidence: string[] = []
      await withClient(options, async (client) => {
        if (options.claim === 'wrong_rejection') evidence = await rejectionEvidence(client, subnet, round, target)
      })
      await sendTx(from, options, () => [
        messages.disputeOpen({ subnet, round, target, claim: options.claim, bond: options.bond, evidence }),
      ])
    })
}

/** `fedra query dispute ID`, `fedra query disputes SUBNET`. */
export function registerDisputeQuery(query: Command): void {
  withNode(query.command('dispute <id>'))
    .description('a dispute of a slash: its claim, bond, status and what moved when it was resolved')
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const d = await client.call('dispute_get', { id: checkId(id, 'id') })
        if (options.json) return printJson(d)
        process.stdout.write(
          `${fields([
            ['id', d.id],
            ['subnet', d.subnet],
            ['round', d.round],
            ['target', d.target],
            ['claim', d.claim],
            ['disputer', d.disputer],
            ['bond', d.bond],
            ['status', d.status],
            ['slashed', d.slashed],
            ['refunded', d.refunded],
            ['burned', d.burned],
            ['opened height', d.opened_height],
            ['resolved height', d.resolved_height],
            ['proposal', d.proposal ?? '-'],
            ['height', String(d.height)],
          ])}\n`,
        )
      }),
    )

  withNode(query.command('disputes <subnet>'))
    .description("a subnet's disputes")
    .action((subnet: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('dispute_list', { subnet: checkId(subnet, 'subnet') })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['id', 'round', 'target', 'claim', 'status', 'bond', 'refunded', 'burned'],
            answer.disputes.map((d) => [d.id, d.round, d.target, d.claim, d.status, d.bond, d.refunded, d.burned]),
          )}\n`,
        )
      }),
    )
}

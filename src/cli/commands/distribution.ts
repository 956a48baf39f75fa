import type { Command } from 'commander'
import { messages } from '../../client/index.js'
import { checkAccount, checkValidator, decCoinsText, withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { type SendOptions, sendTx, withTxOptions } from './tx-send.js'

interface WithdrawOptions extends SendOptions {
  commission: boolean
}

const txCommand = (group: Command, spec: string) => withTxOptions(withNode(group.command(spec)))

/** `fedra tx distribution …`. */
export function registerDistributionTx(tx: Command): void {
  const distribution = tx.command('distribution').description('distribution module transactions: rewards, commission, community pool')

  txCommand(distribution, 'withdraw-rewards <from-key> [validator]')
    .description(
      "withdraw the key's rewards from one validator, or from every delegation without one; --commission also withdraws its validator's commission",
    )
    .option('--commission', 'also withdraw the commission of the validator the key operates', false)
    .action((from: string, validator: string | undefined, options: WithdrawOptions) =>
      sendTx(from, options, () => [
        validator === undefined ? messages.distributionWithdrawAll() : messages.distributionWithdrawRewards(validator),
        ...(options.commission ? [messages.distributionWithdrawCommission()] : []),
      ]),
    )

  txCommand(distribution, 'set-withdraw-addr <from-key> <address>')
    .description("where the key's rewards (and commission) are paid from now on (fedra1…)")
    .action((from: string, address: string, options: SendOptions) =>
      sendTx(from, options, () => [messages.distributionSetWithdrawAddress(address)]),
    )

  txCommand(distribution, 'fund-community-pool <from-key> <amount>')
    .description('give coins (e.g. 1000ufdr or 10ufdr,5uabc) to the community pool')
    .action((from: string, amount: string, options: SendOptions) =>
      sendTx(from, options, () => [messages.distributionFundCommunityPool(amount)]),
    )
}

/** `fedra query distribution …`. */
export function registerDistributionQuery(query: Command): void {
  const distribution = query
    .command('distribution')
    .description('rewards, commission, community pool and params of the distribution module')

  withNode(distribution.command('rewards <delegator> [validator]'))
    .description("a delegator's pending rewards, per validator and in total")
    .action((delegator: string, validator: string | undefined, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkAccount(delegator)
        const answer = await client.call(
          'distribution_rewards',
          validator === undefined ? { delegator } : { delegator, validator: checkValidator(validator) },
        )
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['validator', 'reward'],
            answer.rewards.map((r) => [r.validator, decCoinsText(r.reward)]),
          )}\n\n${fields([
            ['total', decCoinsText(answer.total)],
            ['height', String(answer.height)],
          ])}\n`,
        )
      }),
    )

  withNode(distribution.command('commission <validator>'))
    .description("a validator's commission not yet withdrawn")
    .action((validator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('distribution_commission', { validator: checkValidator(validator) })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${fields([
            ['validator', answer.validator],
            ['commission', decCoinsText(answer.commission)],
            ['height', String(answer.height)],
          ])}\n`,
        )
      }),
    )

  withNode(distribution.command('outstanding <validator>'))
    .description("a validator's outstanding rewards (its delegators' and its commission)")
    .action((validator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('distribution_outstanding', { validator: checkValidator(validator) })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${fields([
            ['validator', answer.validator],
            ['outstanding', decCoinsText(answer.rewards)],
            ['height', String(answer.height)],
          ])}\n`,
        )
      }),
    )

  withNode(distribution.command('community-pool'))
    .description('the community pool')
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('distribution_communityPool')
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${fields([
            ['pool', decCoinsText(answer.pool)],
            ['height', String(answer.height)],
          ])}\n`,
        )
      }),
    )

  withNode(distribution.command('withdraw-addr <delegator>'))
    .description("where a delegator's rewards are paid")
    .action((delegator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('distribution_withdrawAddress', { delegator: checkAccount(delegator) })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${fields([
            ['delegator', answer.delegator],
            ['withdraw address', answer.withdraw_address],
            ['height', String(answer.height)],
          ])}\n`,
        )
      }),
    )

  withNode(distribution.command('params'))
    .description("distribution's parameters")
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('distribution_params')
        if (options.json) return printJson(p)
        process.stdout.write(
          `${fields([
            ['community tax', p.community_tax],
            ['base proposer reward', p.base_proposer_reward],
            ['bonus proposer reward', p.bonus_proposer_reward],
            ['emission per block', p.emission_per_block],
            ['withdraw addr enabled', p.withdraw_addr_enabled ? 'yes' : 'no'],
            ['height', String(p.height)],
          ])}\n`,
        )
      }),
    )
}

import type { Command } from 'commander'
import { messages } from '../../client/index.js'
import { registerDatanetTx } from './datanet-tx.js'
import { registerDisputeTx } from './dispute.js'
import { registerDistributionTx } from './distribution.js'
import { registerGovTx } from './gov.js'
import { withNode } from './node-option.js'
import { checkAddress } from './query.js'
import { registerSlashingTx } from './slashing.js'
import { registerStakingTx } from './staking.js'
import { registerSubnetTx } from './subnet.js'
import { registerTrainingTx } from './training-tx.js'
import { type SendOptions, amounts, sendTx, withTxOptions } from './tx-send.js'

export function registerTxCommand(program: Command): void {
  const tx = program.command('tx').description('sign and broadcast transactions')
  const bank = tx.command('bank').description('bank module transactions')

  withTxOptions(withNode(bank.command('send <from-key> <to-address> <amount>')))
    .description('send coins (e.g. 1000ufdr or 10ufdr,5uabc) from a keyring key to an address')
    .action((from: string, to: string, amount: string, options: SendOptions) =>
      sendTx(from, options, () => {
        checkAddress(to)
        return [messages.bankSend(to, amounts(amount))]
      }),
    )

  registerStakingTx(tx)
  registerSlashingTx(tx)
  registerDistributionTx(tx)
  registerSubnetTx(tx)
  registerTrainingTx(tx)
  registerDatanetTx(tx)
  registerGovTx(tx)
  registerDisputeTx(tx)
}

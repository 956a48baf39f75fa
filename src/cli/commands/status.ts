import type { Command } from 'commander'
import { FedraClient } from '../../client/index.js'
import { resolveNodeUrl } from '../node-url.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, time } from './output.js'

export function registerStatusCommand(program: Command): void {
  withNode(program.command('status'))
    .description("show a node's chain, latest block and sync state")
    .action(async (options: NodeOptions) => {
      const client = new FedraClient({ url: resolveNodeUrl(options) })
      try {
        const status = await client.status()
        if (options.json) return printJson(status)
        const { nodeInfo, syncInfo, validatorInfo } = status
        process.stdout.write(
          `${fields([
            ['chain', nodeInfo.network],
            ['moniker', nodeInfo.moniker],
            ['node id', nodeInfo.nodeId],
            ['version', nodeInfo.version],
            ['height', String(syncInfo.latestHeight)],
            ['block id', syncInfo.latestBlockId ?? '-'],
            ['block time', time(syncInfo.latestBlockTime)],
            ['state root', syncInfo.latestStateRoot],
            ['catching up', syncInfo.catchingUp ? 'yes' : 'no'],
            ['validator', validatorInfo === null ? 'no' : `${validatorInfo.address} (power ${validatorInfo.votingPower})`],
          ])}\n`,
        )
      } finally {
        client.close()
      }
    })
}

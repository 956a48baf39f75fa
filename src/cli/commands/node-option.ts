import type { Command } from 'commander'
import { DEFAULT_HOME } from '../node-url.js'

export interface NodeOptions {
  node?: string
  home: string
  json: boolean
}

/** --node, --home (where a devnet or node home tells the address) and --json, for every command that calls a node. */
export const withNode = (cmd: Command): Command =>
  cmd
    .option('--node <url>', 'JSON-RPC address of the node (env FEDRA_NODE; default: from --home, else 127.0.0.1:26657)')
    .option(
      '--home <dir>',
      'node home or devnet directory (env FEDRA_HOME): its keyring, and its node address when --node is not given',
      DEFAULT_HOME,
    )
    .option('--json', 'print JSON', false)

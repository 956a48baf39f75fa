import { Command, CommanderError } from 'commander'
import { CryptoError } from '../crypto/index.js'
import { FedraError } from '../errors.js'
import { VERSION } from '../version.js'
import { registerClientCommands } from './commands/index.js'
import { registerKeysCommand } from './commands/keys.js'
import { printJson } from './commands/output.js'
import { registerStart } from './commands/start.js'
import { registerRoleCommands } from './commands/roles.js'
import { CliError } from './errors.js'
import { initHome } from '../node/home.js'
import { DEFAULT_HOME } from './node-url.js'

/**
 * Commander reads `-5ufdr` as an unknown option `-5`: say what is really wrong. Nothing Fedra
 * takes is negative, and no option of ours is a digit.
 */
function explainError(text: string): string {
  const negative = /unknown option '(-\d[^']*)'/.exec(text)
  if (negative !== null) return `error: "${negative[1]}" is negative; amounts, heights and counts are whole numbers ≥ 0 (e.g. 1000ufdr)\n`
  return text
}

const program = new Command('fedra')
  .description('Fedra: a proof-of-contribution chain node')
  .version(VERSION, '-V, --version', 'print the version')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(explainError(s)) })

program
  .command('version')
  .description('print the version of fedra and of its runtime')
  .option('--json', 'print JSON', false)
  .action((options: { json: boolean }) => {
    const info = { fedra: VERSION, node: process.versions.node }
    if (options.json) printJson(info)
    else process.stdout.write(`fedra ${VERSION} (node ${info.node})\n`)
  })

program
  .command('init')
  .description('create a node home: config, node key, validator key and a genesis template')
  .option('--home <dir>', 'node home directory (env FEDRA_HOME)', DEFAULT_HOME)
  .option('--chain-id <id>', 'chain id', 'fedra-devnet-1')
  .option('--moniker <name>', 'human name of this node', 'node0')
  .option('--force', 'overwrite an existing home', false)
  .option('--json', 'print JSON', false)
  .action((options: { home: string; chainId: string; moniker: string; force: boolean; json: boolean }) => {
    const { validatorKey, files } = initHome(options.home, {
      chainId: options.chainId,
      moniker: options.moniker,
      force: options.force,
      genesisTime: new Date(),
    })
    const value = { home: options.home, validator: validatorKey.publicKey.address, files }
    if (options.json) printJson(value)
    else process.stdout.write(`initialised ${options.home}\nvalidator ${validatorKey.publicKey.address}\n${files.join('\n')}\n`)
  })

registerKeysCommand(program)
registerStart(program, DEFAULT_HOME)
registerClientCommands(program)
registerRoleCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2
  } else if (error instanceof CliError || error instanceof CryptoError || error instanceof FedraError) {
    process.stderr.write(`error: ${error.message}\n`)
    process.exitCode = error instanceof CliError && error.code === 'USAGE' ? 2 : 1
  } else {
    throw error
  }
}

import assert from 'node:assert/strict'
import { Command } from 'commander'
import { registerKeysCommand } from '../../../../src/cli/commands/keys.js'
import { registerQueryCommand } from '../../../../src/cli/commands/query.js'
import { registerRoleCommands } from '../../../../src/cli/commands/roles.js'
import { registerTxCommand } from '../../../../src/cli/commands/tx.js'
import { CliError } from '../../../../src/cli/errors.js'

/** `fedra` with its keys, tx, query and role commands, throwing instead of exiting and printing nothing. */
export function cliProgram(): Command {
  const p = new Command('fedra').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
  registerKeysCommand(p)
  registerTxCommand(p)
  registerQueryCommand(p)
  registerRoleCommands(p)
  return p
}

/** Runs `fedra ARGS` in process against `home` and `node` (`keys` commands take no `--node`); the error it ends in, or undefined. */
export async function runCli(args: string[], home: string, node: string): Promise<unknown> {
  try {
    await cliProgram().parseAsync(['node', 'fedra', ...args, '--home', home, ...(args[0] === 'keys' ? [] : ['--node', node])])
    return undefined
  } catch (error) {
    return error
  }
}

/**
 * Asserts that `args` is refused as a usage error (CliError USAGE, exit 2) matching `message`,
 * run in process against `home` (no keyring) and `node` (a closed port): a refusal must come
 * before any keyring is opened or node called.
 */
export async function assertUsage(args: string[], message: RegExp, home: string, node: string): Promise<void> {
  const error = await runCli(args, home, node)
  assert.ok(error instanceof CliError, `${args.join(' ')}: expected a CliError, got ${String(error)}`)
  assert.equal(error.code, 'USAGE', `${args.join(' ')}: ${error.message}`)
  assert.match(error.message, message, args.join(' '))
}

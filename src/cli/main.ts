import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command, CommanderError } from 'commander'
import { CryptoError, type KeystoreFile, decryptKey, newMnemonic, privateKeyFromMnemonic } from '../crypto/index.js'
import { FedraError } from '../errors.js'
import { CliError } from './errors.js'
import { initHome } from './home.js'
import { Keyring } from './keyring.js'
import { registerClientCommands } from './commands/index.js'
import { registerStart } from './commands/start.js'

const DEFAULT_HOME = process.env.FEDRA_HOME ?? resolve(process.env.HOME ?? '.', '.fedra')

/** Passphrases come from a file or FEDRA_PASSPHRASE, so scripts and tests need no terminal. */
function passphrase(options: { passphraseFile?: string }): string {
  if (options.passphraseFile !== undefined) return readFileSync(options.passphraseFile, 'utf8').replace(/\r?\n$/, '')
  const fromEnv = process.env.FEDRA_PASSPHRASE
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv
  throw new CliError('NO_PASSPHRASE', 'give a passphrase with --passphrase-file FILE or the FEDRA_PASSPHRASE environment variable', {})
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`)
}

const program = new Command('fedra')
  .description('Fedra: a proof-of-contribution chain node')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })

program
  .command('init')
  .description('create a node home: config, node key, validator key and a genesis template')
  .option('--home <dir>', 'node home directory', DEFAULT_HOME)
  .option('--chain-id <id>', 'chain id', 'fedra-devnet-1')
  .option('--moniker <name>', 'human name of this node', 'node0')
  .option('--force', 'overwrite an existing home', false)
  .option('--json', 'print JSON', false)
  .action((options) => {
    const { validatorKey, files } = initHome(options.home, { chainId: options.chainId, moniker: options.moniker, force: options.force, genesisTime: new Date() })
    print(options.json, { home: options.home, validator: validatorKey.publicKey.address, files }, `initialised ${options.home}\nvalidator ${validatorKey.publicKey.address}\n${files.join('\n')}`)
  })

const keys = program.command('keys').description('manage encrypted account keys in <home>/keyring')
const withKeyring = (cmd: Command) => cmd.option('--home <dir>', 'node home directory', DEFAULT_HOME).option('--json', 'print JSON', false)

withKeyring(keys.command('add <name>'))
  .description('create a key (prints its mnemonic once) or, with --recover, restore one from a mnemonic on stdin')
  .option('--recover', 'read a BIP-39 mnemonic from stdin', false)
  .option('--account <n>', 'account index in the derivation path', '0')
  .option('--passphrase-file <file>', 'file holding the keystore passphrase')
  .action((name: string, options) => {
    const keyring = new Keyring(options.home)
    if (keyring.has(name)) throw new CliError('KEY_EXISTS', `a key named "${name}" exists`, { name })
    const mnemonic = options.recover ? readFileSync(0, 'utf8').trim() : newMnemonic()
    const account = Number(options.account)
    if (!Number.isInteger(account) || account < 0 || account >= 2 ** 31) throw new CliError('USAGE', '--account must be an integer in 0..2^31-1', {})
    const key = privateKeyFromMnemonic(mnemonic, account)
    keyring.add(name, key, passphrase(options))
    const shown = options.recover ? undefined : mnemonic
    print(options.json, { name, address: key.publicKey.address, publicKey: key.publicKey.hex, mnemonic: shown }, `${name}  ${key.publicKey.address}${shown ? `\n\nWrite down this mnemonic; it is the only way to recover the key:\n${shown}` : ''}`)
  })

withKeyring(keys.command('list'))
  .description('list keys')
  .action((options) => {
    const list = new Keyring(options.home).list()
    print(options.json, list, list.map((k) => `${k.name.padEnd(20)} ${k.address}`).join('\n') || '(no keys)')
  })

withKeyring(keys.command('show <name>'))
  .description('show a key\'s address and public key')
  .action((name: string, options) => {
    const file = new Keyring(options.home).file(name)
    print(options.json, { name, address: file.address, publicKey: file.publicKey }, `${name}  ${file.address}\npublic key ${file.publicKey}`)
  })

withKeyring(keys.command('export <name>'))
  .description('print the encrypted keystore file of a key')
  .action((name: string, options) => {
    process.stdout.write(`${JSON.stringify(new Keyring(options.home).file(name), null, 2)}\n`)
  })

withKeyring(keys.command('import <name> <file>'))
  .description('import an encrypted keystore file (checked by opening it with its passphrase)')
  .option('--passphrase-file <file>', 'file holding the keystore passphrase')
  .action((name: string, path: string, options) => {
    let file: KeystoreFile
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as KeystoreFile
    } catch (error) {
      throw new CliError('BAD_FILE', `${path}: ${(error as Error).message}`, { path })
    }
    const key = decryptKey(file, passphrase(options))
    new Keyring(options.home).importFile(name, file)
    print(options.json, { name, address: key.publicKey.address }, `imported ${name}  ${key.publicKey.address}`)
  })

registerStart(program, DEFAULT_HOME)

registerClientCommands(program)

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

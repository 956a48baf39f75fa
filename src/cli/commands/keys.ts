import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { newMnemonic, privateKeyFromMnemonic } from '../../crypto/index.js'
import { decryptKey } from '../../crypto/keystore.js'
import { CliError } from '../errors.js'
import { parseKeyMaterial } from '../key-material.js'
import { Keyring } from '../../crypto/keyring.js'
import { DEFAULT_HOME } from '../node-url.js'
import { readPassphrase } from '../passphrase.js'
import { printJson } from './output.js'
import { registerShowValidator } from './staking.js'

interface KeyringOptions {
  home: string
  json: boolean
  passphraseFile?: string
}

const withKeyring = (cmd: Command) =>
  cmd.option('--home <dir>', 'node home directory (env FEDRA_HOME)', DEFAULT_HOME).option('--json', 'print JSON', false)

function print(json: boolean, value: unknown, text: string): void {
  if (json) printJson(value)
  else process.stdout.write(`${text}\n`)
}

function accountIndex(value: string): number {
  const account = Number(value)
  if (!/^\d+$/.test(value) || account >= 2 ** 31) throw new CliError('USAGE', '--account must be an integer in 0..2^31-1', {})
  return account
}

/** `fedra keys …`: encrypted account keys in <home>/keyring (Cosmos' `keys` with the file backend). */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage encrypted account keys in <home>/keyring')

  withKeyring(keys.command('add <name>'))
    .description('create a key (prints its mnemonic once) or, with --recover, restore one from a mnemonic on stdin')
    .option('--recover', 'read a BIP-39 mnemonic from stdin', false)
    .option('--account <n>', 'account index in the derivation path', '0')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .action((name: string, options: KeyringOptions & { recover: boolean; account: string }) => {
      const keyring = new Keyring(options.home)
      if (keyring.has(name)) throw new CliError('KEY_EXISTS', `a key named "${name}" exists`, { name })
      const account = accountIndex(options.account)
      const mnemonic = options.recover ? readFileSync(0, 'utf8').trim() : newMnemonic()
      const key = privateKeyFromMnemonic(mnemonic, account)
      keyring.add(name, key, readPassphrase(options))
      const shown = options.recover ? undefined : mnemonic
      print(
        options.json,
        { name, address: key.publicKey.address, publicKey: key.publicKey.hex, mnemonic: shown },
        `${name}  ${key.publicKey.address}${shown ? `\n\nWrite down this mnemonic; it is the only way to recover the key:\n${shown}` : ''}`,
      )
    })

  withKeyring(keys.command('list'))
    .description('list keys')
    .action((options: KeyringOptions) => {
      const list = new Keyring(options.home).list()
      print(options.json, list, list.map((k) => `${k.name.padEnd(20)} ${k.address}`).join('\n') || '(no keys)')
    })

  withKeyring(keys.command('show <name>'))
    .description("show a key's address and public key")
    .option('-a, --address', 'print the address alone (for scripts)', false)
    .action((name: string, options: KeyringOptions & { address: boolean }) => {
      const file = new Keyring(options.home).file(name)
      if (options.address) return void process.stdout.write(`${file.address}\n`)
      print(
        options.json,
        { name, address: file.address, publicKey: file.publicKey },
        `${name}  ${file.address}\npublic key ${file.publicKey}`,
      )
    })

  withKeyring(keys.command('export <name>'))
    .description('print the encrypted keystore file of a key')
    .action((name: string, options: KeyringOptions) => {
      printJson(new Keyring(options.home).file(name))
    })

  withKeyring(keys.command('import <name> <file>'))
    .description(
      'import a key from FILE (- for stdin): an encrypted keystore file (checked with its passphrase), a 64-hex-digit seed or a BIP-39 mnemonic (encrypted with the passphrase)',
    )
    .option('--account <n>', 'for a mnemonic: account index in the derivation path', '0')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .action((name: string, path: string, options: KeyringOptions & { account: string }) => {
      const keyring = new Keyring(options.home)
      if (keyring.has(name)) throw new CliError('KEY_EXISTS', `a key named "${name}" exists`, { name })
      let text: string
      try {
        text = readFileSync(path === '-' ? 0 : path, 'utf8')
      } catch (error) {
        throw new CliError('BAD_FILE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
          path,
        })
      }
      const material = parseKeyMaterial(text, path === '-' ? 'stdin' : path, accountIndex(options.account))
      const passphrase = readPassphrase(options)
      const key = material.kind === 'keystore' ? decryptKey(material.file, passphrase) : material.key
      if (material.kind === 'keystore') keyring.importFile(name, material.file)
      else keyring.add(name, key, passphrase)
      print(
        options.json,
        { name, address: key.publicKey.address, from: material.kind },
        `imported ${name}  ${key.publicKey.address} (from a ${material.kind})`,
      )
    })

  withKeyring(keys.command('delete <name>'))
    .description('delete a key from the keyring (it cannot be undone: keep its mnemonic or an export)')
    .option('-y, --yes', 'confirm the deletion', false)
    .action((name: string, options: KeyringOptions & { yes: boolean }) => {
      const keyring = new Keyring(options.home)
      const { address } = keyring.file(name)
      if (!options.yes) throw new CliError('USAGE', `deleting "${name}" (${address}) cannot be undone; run again with --yes`, {})
      keyring.delete(name)
      print(options.json, { name, address, deleted: true }, `deleted ${name}  ${address}`)
    })

  registerShowValidator(keys, DEFAULT_HOME)
}

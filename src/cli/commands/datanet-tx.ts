import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { messages } from '../../client/index.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { checkAccount } from './module-args.js'
import { withNode } from './node-option.js'
import { checkId, putBlob, u32Option } from './training-args.js'
import { type SendOptions, amounts, sendTx, withTxOptions } from './tx-send.js'

const txCommand = (group: Command, spec: string, gas?: string) =>
  withTxOptions(withNode(group.command(spec)), gas === undefined ? {} : { gas })
const required = <T>(value: T | undefined, option: string, hint: string): T => {
  if (value === undefined) throw new CliError('USAGE', `${option} is required (${hint})`, {})
  return value
}

/** A file named on the command line, read whole; unreadable is a usage error. */
function readFileArg(path: string, option: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path))
  } catch (error) {
    throw new CliError('USAGE', `${option}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      path,
    })
  }
}

interface CreateOptions extends SendOptions {
  name?: string
  domain?: string
  description: string
  schema?: string
  licence?: string
  curators?: string
  approvals?: string
  bond?: string
  rejectSlash: string
  privacy: string
}

interface ContributeOptions extends SendOptions {
  file?: string
  hash?: string
  size?: string
  bond?: string
  licence: string
  metadata: string
}

/** `fedra tx datanet …` and `fedra tx model …`: the datanets and lineage modules' transactions. */
export function registerDatanetTx(tx: Command): void {
  const datanet = tx
    .command('datanet')
    .description('datanets module transactions: create a Datanet, contribute and curate records, publish versions')

  txCommand(datanet, 'create <from-key>')
    .description(
      'create a Datanet owned by the key (paying the creation deposit), curated by --curators of whom --approvals must approve a record',
    )
    .option('--name <name>', "the Datanet's name")
    .option('--domain <domain>', 'its domain, like vision/digits')
    .option('--description <text>', 'what it holds', '')
    .option('--schema <file>', 'a file describing what one record holds (a JSON schema, a column list)')
    .option('--licence <licence>', 'the licence every record carries (an SPDX id like CC-BY-4.0)')
    .option('--curators <addresses>', 'fedra1… addresses of the curators (comma-separated, 1..32)')
    .option('--approvals <k>', 'approvals that accept a record (1..number of curators)')
    .option('--bond <amount>', 'the least bond of a record, in the bond denomination (a whole number)')
    .option('--reject-slash <fraction>', "the part of a rejected record's bond the Datanet's treasury keeps", '0.5')
    .option(
      '--privacy <mode>',
      'public (records are blobs on the nodes) or private (records stay with their contributors; the chain holds their SHA-256)',
      'private',
    )
    .action((from: string, o: CreateOptions) =>
      sendTx(from, o, () => {
        const curators = required(o.curators, '--curators', 'fedra1… addresses, comma-separated')
          .split(',')
          .map((a) => checkAccount(a.trim()))
        if (o.privacy !== 'public' && o.privacy !== 'private')
          throw new CliError('USAGE', `--privacy is public or private, not "${o.privacy.slice(0, 20)}"`, {})
        return [
          messages.datanetsCreate({
            name: required(o.name, '--name', "the Datanet's name"),
            domain: required(o.domain, '--domain', 'like vision/digits'),
            description: o.description,
            recordSchema: o.schema === undefined ? '' : new TextDecoder().decode(readFileArg(o.schema, '--schema')),
            licence: required(o.licence, '--licence', 'an SPDX id like CC-BY-4.0'),
            curators,
            approvals: u32Option(required(o.approvals, '--approvals', 'k of the curators'), '--approvals'),
            contributionBond: required(o.bond, '--bond', 'a whole number of the bond denomination'),
            rejectSlashFraction: o.rejectSlash,
            privacy: o.privacy,
          }),
        ]
      }),
    )

  txCommand(datanet, 'contribute <from-key> <datanet>')
    .description(
      'contribute one record: --file of a public Datanet is stored on the node and named by its CID; of a private one only its SHA-256 leaves this machine (or give --hash and --size)',
    )
    .option('--file <file>', 'the record')
    .option('--public', 'the Datanet is public: store --file on the node and contribute its CID (default: private, hash only)')
    .option('--hash <hex>', "a private record's SHA-256 (64 hex digits), instead of --file")
    .option('--size <bytes>', "with --hash: the record's size in bytes")
    .option('--bond <amount>', "the record's bond, e.g. 1000000ufdr (at least the Datanet's)")
    .option('--licence <licence>', "the record's licence (empty: the Datanet's)", '')
    .option('--metadata <text>', 'free text about the record (≤ 1 KiB)', '')
    .action(async (from: string, id: string, o: ContributeOptions & { public?: boolean }) => {
      checkId(id, 'datanet')
      const bond = required(o.bond, '--bond', 'e.g. 1000000ufdr')
      let content: { kind: 'cid' | 'hash'; id: string; size: bigint }
      if (o.file !== undefined) {
        if (o.hash !== undefined) throw new CliError('USAGE', 'give --file or --hash, not both', {})
        const bytes = readFileArg(o.file, '--file')
        content =
          o.public === true
            ? { kind: 'cid', id: '', size: BigInt(bytes.length) }
            : { kind: 'hash', id: createHash('sha256').update(bytes).digest('hex'), size: BigInt(bytes.length) }
        if (content.kind === 'cid') {
          if (amounts(bond).length !== 1) throw new CliError('USAGE', '--bond: one amount like 1000000ufdr', {})
          content.id = await putBlob(resolveNodeUrl(o), bytes) // checked first: nothing is stored for a command that cannot be sent
        }
      } else {
        const hash = required(o.hash, '--file or --hash', 'the record, or its SHA-256')
        if (o.public === true) throw new CliError('USAGE', '--public needs --file (a public record is stored on the node)', {})
        content = {
          kind: 'hash',
          id: hash.toLowerCase(),
          size: BigInt(checkId(required(o.size, '--size', "with --hash, the record's bytes"), '--size')),
        }
      }
      return sendTx(
        from,
        o,
        () => [
          messages.datanetsContribute({
            datanet: id,
            contentKind: content.kind,
            contentId: content.id,
            size: content.size,
            licence: o.licence,
            metadata: o.metadata,
            bond,
          }),
        ],
        () => [['content', `${content.kind} ${content.id}`]],
      )
    })

  txCommand(datanet, 'curate <from-key> <datanet> <record>')
    .description('a curator approves a pending record, or rejects it with a reason code')
    .option('--approve', 'approve it')
    .option('--reject <reason>', "reject it with this non-zero reason code (the Datanet's own codes)")
    .action((from: string, id: string, record: string, o: SendOptions & { approve?: boolean; reject?: string }) =>
      sendTx(from, o, () => {
        if ((o.approve === true) === (o.reject !== undefined))
          throw new CliError('USAGE', 'give --approve or --reject REASON (one of them)', {})
        const reason = o.reject === undefined ? 0 : u32Option(o.reject, '--reject')
        return [
          messages.datanetsCurate({
            datanet: checkId(id, 'datanet'),
            record: checkId(record, 'record'),
            approve: o.approve === true,
            reason,
          }),
        ]
      }),
    )

  txCommand(datanet, 'publish <from-key> <datanet>', '1000000')
    .description("publish the Datanet's next version: the Merkle root of every record accepted so far (its owner or a curator)")
    .action((from: string, id: string, o: SendOptions) => sendTx(from, o, () => [messages.datanetsPublish(checkId(id, 'datanet'))]))

  const model = tx
    .command('model')
    .description(
      'lineage module transactions: fork a shared model into a subnet, use a model (its fee paid along its lineage), withdraw attribution',
    )

  txCommand(model, 'fork <from-key> <source-subnet> <source-version> <target-subnet>')
    .description(
      "start the target subnet (administered by the key, not trained yet, created with the source's model spec and global model as its initial model) from a shared version",
    )
    .action((from: string, subnet: string, version: string, target: string, o: SendOptions) =>
      sendTx(from, o, () => [
        messages.lineageFork(
          { subnet: checkId(subnet, 'source subnet'), version: checkId(version, 'source version') },
          checkId(target, 'target subnet'),
        ),
      ]),
    )

  txCommand(model, 'use <from-key> <subnet> <version>')
    .description(
      "record a use of a model version, paying --pay along its lineage: trainers, data contributors, aggregator, validators, the subnet's treasury and its ancestors",
    )
    .option('--pay <amount>', 'the use fee, e.g. 1000000ufdr (at least the minimum; --fee stays the transaction fee)')
    .option('--purpose <text>', 'what it is used for (≤ 256 bytes)', '')
    .action((from: string, subnet: string, version: string, o: SendOptions & { pay?: string; purpose: string }) =>
      sendTx(from, o, () => [
        messages.lineageUse({
          subnet: checkId(subnet, 'subnet'),
          version: checkId(version, 'version'),
          fee: required(o.pay, '--pay', 'the use fee, e.g. 1000000ufdr'),
          purpose: o.purpose,
        }),
      ]),
    )

  txCommand(model, 'withdraw <from-key>', '1000000')
    .description('withdraw everything the key is owed across every model version that credits it')
    .action((from: string, o: SendOptions) => sendTx(from, o, () => [messages.lineageWithdraw()]))

  txCommand(model, 'withdraw-treasury <from-key> <subnet>', '1000000')
    .description("withdraw a subnet's treasury share of its models' use fees (its admin)")
    .action((from: string, subnet: string, o: SendOptions) =>
      sendTx(from, o, () => [messages.lineageWithdrawTreasury(checkId(subnet, 'subnet'))]),
    )
}

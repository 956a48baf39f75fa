import type { Command } from 'commander'
import { ClientError, messages } from '../../client/index.js'
import { encodeAddress } from '../../crypto/index.js'
import { loadValidatorKey, validatorKeyPath } from '../../node/keys.js'
import { CliError } from '../errors.js'
import { checkAccount, checkValidator, msText, withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { type SendOptions, sendTx, withTxOptions } from './tx-send.js'

export const VALOPER_PREFIX = 'fedravaloper'
export const VALCONS_PREFIX = 'fedravalcons'

/**
 * The consensus key of the node home `home` (config/priv_validator_key.json, what `fedra init`
 * wrote): its public key and fedravalcons1… address. A home without one is a usage error.
 */
export function nodeConsensusKey(home: string): { pubKey: string; address: string } {
  const key = loadValidatorKey(home)
  if (key === null)
    throw new CliError('USAGE', `${validatorKeyPath(home)} does not exist: --home is not a node home (run fedra init), or give --pubkey`, {
      path: validatorKeyPath(home),
    })
  return { pubKey: key.publicKey.hex, address: encodeAddress(key.publicKey.addressBytes, VALCONS_PREFIX) }
}

/** `fedra keys show-validator`: the node's consensus public key, for create-validator --pubkey. */
export function registerShowValidator(keys: Command, defaultHome: string): void {
  keys
    .command('show-validator')
    .description("the node home's consensus public key (hex) and its fedravalcons1… address, as create-validator --pubkey takes it")
    .option('--home <dir>', 'node home directory (env FEDRA_HOME)', defaultHome)
    .option('--json', 'print JSON', false)
    .action((options: { home: string; json: boolean }) => {
      const { pubKey, address } = nodeConsensusKey(options.home)
      if (options.json) return printJson({ pubKey, address })
      process.stdout.write(`${pubKey}\n${address}\n`)
    })
}

interface CreateOptions extends SendOptions {
  amount?: string
  moniker?: string
  commissionRate: string
  commissionMaxRate: string
  commissionMaxChangeRate: string
  minSelfDelegation: string
  pubkey?: string
}

interface EditOptions extends SendOptions {
  moniker?: string
  commissionRate?: string
  minSelfDelegation?: string
}

/** The client's field names in its refusals, as the options a user typed. */
const OPTION_OF: Record<string, string> = {
  commissionMaxChangeRate: '--commission-max-change-rate',
  commissionMaxRate: '--commission-max-rate',
  commissionRate: '--commission-rate',
  minSelfDelegation: '--min-self-delegation',
  pubKey: '--pubkey',
  amount: '--amount',
  moniker: '--moniker',
}

/** Builds a validator message, naming the options in a refusal (ClientError INVALID_INPUT) instead of the client's fields. */
function withOptionNames(build: () => Uint8Array): Uint8Array {
  try {
    return build()
  } catch (error) {
    if (!(error instanceof ClientError) || error.code !== 'INVALID_INPUT') throw error
    const text = error.plainMessage.replace(
      /\b(commissionMaxChangeRate|commissionMaxRate|commissionRate|minSelfDelegation|pubKey|amount|moniker)(?=:| \d)/g,
      (name) => OPTION_OF[name]!,
    )
    throw new CliError('USAGE', text, {})
  }
}

const txCommand = (group: Command, spec: string) => withTxOptions(withNode(group.command(spec)))
const operatorOf = (key: { publicKey: { addressBytes: Uint8Array } }): [string, string][] => [
  ['validator', encodeAddress(key.publicKey.addressBytes, VALOPER_PREFIX)],
]

/** `fedra tx staking …`. */
export function registerStakingTx(tx: Command): void {
  const staking = tx.command('staking').description('staking module transactions: validators and delegations')

  txCommand(staking, 'create-validator <from-key>')
    .description(
      'create a validator operated by the key, self-bonding --amount; its consensus key is --pubkey or the one of the node home --home (fedra keys show-validator)',
    )
    .option('--amount <coin>', 'self-delegation, e.g. 10000000ufdr')
    .option('--moniker <name>', "the validator's name")
    .option('--commission-rate <dec>', 'commission rate', '0.1')
    .option('--commission-max-rate <dec>', 'the most the rate may ever be', '0.2')
    .option('--commission-max-change-rate <dec>', 'the most the rate may change in a day', '0.01')
    .option('--min-self-delegation <n>', 'the self-delegation below which the validator is jailed', '1')
    .option('--pubkey <hex>', "ed25519 consensus public key, 64 hex digits (default: the node home's)")
    .action((from: string, options: CreateOptions) =>
      sendTx(
        from,
        options,
        () => {
          const { amount, moniker } = options
          if (amount === undefined) throw new CliError('USAGE', '--amount is required (the self-delegation, e.g. 10000000ufdr)', {})
          if (moniker === undefined) throw new CliError('USAGE', '--moniker is required', {})
          const pubKey = options.pubkey ?? nodeConsensusKey(options.home).pubKey
          return [
            withOptionNames(() =>
              messages.stakingCreateValidator({
                pubKey,
                moniker,
                amount,
                commissionRate: options.commissionRate,
                commissionMaxRate: options.commissionMaxRate,
                commissionMaxChangeRate: options.commissionMaxChangeRate,
                minSelfDelegation: options.minSelfDelegation,
              }),
            ),
          ]
        },
        operatorOf,
      ),
    )

  txCommand(staking, 'edit-validator <from-key>')
    .description("change the key's validator: moniker, commission rate, minimum self-delegation")
    .option('--moniker <name>', 'new name')
    .option('--commission-rate <dec>', 'new commission rate')
    .option('--min-self-delegation <n>', 'new minimum self-delegation (it may only rise)')
    .action((from: string, options: EditOptions) =>
      sendTx(
        from,
        options,
        () => [
          withOptionNames(() =>
            messages.stakingEditValidator({
              moniker: options.moniker,
              commissionRate: options.commissionRate,
              minSelfDelegation: options.minSelfDelegation,
            }),
          ),
        ],
        operatorOf,
      ),
    )

  txCommand(staking, 'delegate <from-key> <validator> <amount>')
    .description('delegate coins (e.g. 1000000ufdr) to a validator (fedravaloper1…)')
    .action((from: string, validator: string, amount: string, options: SendOptions) =>
      sendTx(from, options, () => [messages.stakingDelegate(validator, amount)]),
    )

  txCommand(staking, 'unbond <from-key> <validator> <amount>')
    .description("undelegate that many tokens' worth from a validator; the coins come back after the unbonding time")
    .action((from: string, validator: string, amount: string, options: SendOptions) =>
      sendTx(from, options, () => [messages.stakingUndelegate(validator, amount)]),
    )

  txCommand(staking, 'redelegate <from-key> <source-validator> <destination-validator> <amount>')
    .description("move that many tokens' worth of a delegation to another validator at once")
    .action((from: string, source: string, destination: string, amount: string, options: SendOptions) =>
      sendTx(from, options, () => [messages.stakingRedelegate(source, destination, amount)]),
    )

  txCommand(staking, 'cancel-unbond <from-key> <validator> <amount> <creation-height>')
    .description('delegate back (part of) the unbonding entry created at a height (fedra query staking unbondings)')
    .action((from: string, validator: string, amount: string, creationHeight: string, options: SendOptions) =>
      sendTx(from, options, () => [messages.stakingCancelUnbonding(validator, creationHeight, amount)]),
    )
}

interface ValidatorsOptions extends NodeOptions {
  status?: string
}

const STATUSES = ['bonded', 'unbonding', 'unbonded']

/** `fedra query staking …`. */
export function registerStakingQuery(query: Command): void {
  const staking = query.command('staking').description('validators, delegations, unbondings, params and pool of the staking module')

  withNode(staking.command('validators'))
    .description('every validator: moniker, operator, status, jailed, power, tokens, commission')
    .option('--status <status>', 'only bonded, unbonding or unbonded ones')
    .action((options: ValidatorsOptions) =>
      withClient(options, async (client) => {
        if (options.status !== undefined && !STATUSES.includes(options.status))
          throw new CliError('USAGE', `--status is one of ${STATUSES.join(', ')}`, {})
        const answer = await client.call('staking_validators', options.status === undefined ? {} : { status: options.status as 'bonded' })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['moniker', 'operator', 'status', 'jailed', 'power', 'tokens', 'commission'],
            answer.validators.map((v) => [v.moniker, v.operator, v.status, v.jailed ? 'yes' : 'no', v.power, v.tokens, v.commission.rate]),
          )}\n`,
        )
      }),
    )

  withNode(staking.command('validator <validator>'))
    .description("one validator (fedravaloper1… or the operator's fedra1…)")
    .action((validator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const v = await client.call('staking_validator', { validator: checkValidator(validator) })
        if (options.json) return printJson(v)
        process.stdout.write(
          `${fields([
            ['moniker', v.moniker],
            ['operator', v.operator],
            ['consensus pubkey', v.consensus_pubkey],
            ['status', v.status],
            ['jailed', v.jailed ? 'yes' : 'no'],
            ['power', v.power],
            ['tokens', v.tokens],
            ['delegator shares', v.delegator_shares],
            ['commission', `${v.commission.rate} (max ${v.commission.max_rate}, max change ${v.commission.max_change_rate})`],
            ['min self-delegation', v.min_self_delegation],
            ['unbonding', v.status === 'unbonding' ? `height ${v.unbonding_height}, until ${msText(v.unbonding_time)}` : '-'],
            ['height', String(v.height)],
          ])}\n`,
        )
      }),
    )

  withNode(staking.command('delegation <delegator> <validator>'))
    .description("a delegator's delegation to a validator")
    .action((delegator: string, validator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkAccount(delegator)
        const d = await client.call('staking_delegation', { delegator, validator: checkValidator(validator) })
        if (options.json) return printJson(d)
        process.stdout.write(
          `${fields([
            ['delegator', d.delegator],
            ['validator', d.validator],
            ['shares', d.shares],
            ['balance', d.balance],
            ['height', String(d.height)],
          ])}\n`,
        )
      }),
    )

  const delegationsTable = (list: { validator: string; delegator: string; shares: string; balance: string }[]) =>
    table(
      ['delegator', 'validator', 'shares', 'balance'],
      list.map((d) => [d.delegator, d.validator, d.shares, d.balance]),
    )

  withNode(staking.command('delegations <delegator>'))
    .description("a delegator's delegations")
    .action((delegator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkAccount(delegator)
        const answer = await client.call('staking_delegations', { delegator })
        if (options.json) return printJson(answer)
        process.stdout.write(`${delegationsTable(answer.delegations)}\n`)
      }),
    )

  withNode(staking.command('validator-delegations <validator>'))
    .description('the delegations to a validator')
    .action((validator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('staking_validatorDelegations', { validator: checkValidator(validator) })
        if (options.json) return printJson(answer)
        process.stdout.write(`${delegationsTable(answer.delegations)}\n`)
      }),
    )

  withNode(staking.command('unbondings <delegator>'))
    .description("a delegator's unbonding entries")
    .action((delegator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkAccount(delegator)
        const answer = await client.call('staking_unbondings', { delegator })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['validator', 'creation height', 'completes', 'initial', 'balance'],
            answer.unbondings.flatMap((u) =>
              u.entries.map((e) => [u.validator, e.creation_height, msText(e.completion_time), e.initial_balance, e.balance]),
            ),
          )}\n`,
        )
      }),
    )

  withNode(staking.command('redelegations <delegator>'))
    .description("a delegator's redelegation entries")
    .action((delegator: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkAccount(delegator)
        const answer = await client.call('staking_redelegations', { delegator })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['source', 'destination', 'creation height', 'completes', 'initial', 'balance'],
            answer.redelegations.flatMap((r) =>
              r.entries.map((e) => [r.source, r.destination, e.creation_height, msText(e.completion_time), e.initial_balance, e.balance]),
            ),
          )}\n`,
        )
      }),
    )

  withNode(staking.command('params'))
    .description("staking's parameters")
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('staking_params')
        if (options.json) return printJson(p)
        process.stdout.write(
          `${fields([
            ['bond denom', p.bond_denom],
            ['unbonding time', `${p.unbonding_time} ms`],
            ['max validators', String(p.max_validators)],
            ['max entries', String(p.max_entries)],
            ['power reduction', p.power_reduction],
            ['min self-delegation', p.min_self_delegation],
            ['height', String(p.height)],
          ])}\n`,
        )
      }),
    )

  withNode(staking.command('pool'))
    .description('bonded and not-bonded tokens')
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('staking_pool')
        if (options.json) return printJson(p)
        process.stdout.write(
          `${fields([
            ['bonded', p.bonded_tokens],
            ['not bonded', p.not_bonded_tokens],
            ['height', String(p.height)],
          ])}\n`,
        )
      }),
    )
}

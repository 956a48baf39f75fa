import { existsSync, readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { CID } from 'multiformats/cid'
import { FedraClient, type SubnetParamsJsonInput, messages } from '../../client/index.js'
import { FlError } from '../../fl/errors.js'
import { type ModelSpec, trainableSize } from '../../fl/model/spec.js'
import { decodeUpdateBlob } from '../../fl/update/blob.js'
import { canonicalModelSpec } from '../../modules/subnets/subnet-params.js'
import { blobCid } from '../../modules/training/blob-cid.js'
import { MODEL_DTYPE } from '../../modules/training/model.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { checkId, putBlob, readJsonFile, u32Option } from './training-args.js'
import { withNode } from './node-option.js'
import { checkAccount } from './module-args.js'
import { type SendOptions, bigintOption, sendTx, usage, withTxOptions } from './tx-send.js'

/** The param options of create and update-params: each overrides the --params file's field. */
interface ParamOptions {
  params?: string
  validationSet?: string
  rule?: string
  submitWindow?: string
  aggregateWindow?: string
  gap?: string
  sampleCap?: string
  maxTrainers?: string
  minTrainerBond?: string
  minAggregatorBond?: string
  membership?: string
}

interface CreateOptions extends SendOptions, ParamOptions {
  spec?: string
  initialModel?: string
  name?: string
  domain?: string
  description: string
  allow?: string
}

const withParamOptions = (cmd: Command): Command =>
  cmd
    .option(
      '--params <file>',
      "params as JSON, in subnet_get's `params` form (fields left out: defaults, or the subnet's current ones for update-params)",
    )
    .option('--validation-set <ref>', 'CID of the validation data, or a reference like datanet:3@2')
    .option('--rule <name>', 'aggregation rule: fedavg, median, trimmed:0.2, krum:…, …+nnm')
    .option('--submit-window <blocks>', 'blocks trainers have to submit')
    .option('--aggregate-window <blocks>', 'blocks aggregators have to aggregate')
    .option('--gap <blocks>', 'blocks between a round closing and the next opening')
    .option('--sample-cap <n>', "cap on an update's sample count (its weight)")
    .option('--max-trainers <n>', 'most updates a round takes')
    .option('--min-trainer-bond <amount>', 'least bond of a trainer, in the bond denomination')
    .option('--min-aggregator-bond <amount>', 'least bond of an aggregator')
    .option('--membership <mode>', 'open | allow-list')

type JsonObject = Record<string, unknown>
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `base` (a file's or the chain's params, JSON form) with the options given on the command line over it. */
function paramsWithOptions(base: JsonObject, o: ParamOptions): JsonObject {
  const timing: JsonObject = isObject(base.timing) ? { ...base.timing } : {}
  const p: JsonObject = { ...base }
  if (o.validationSet !== undefined) p.validation_set = o.validationSet
  if (o.rule !== undefined) p.aggregation_rule = o.rule
  if (o.submitWindow !== undefined) timing.submit_window = u32Option(o.submitWindow, '--submit-window')
  if (o.aggregateWindow !== undefined) timing.aggregate_window = u32Option(o.aggregateWindow, '--aggregate-window')
  if (o.gap !== undefined) timing.gap = u32Option(o.gap, '--gap')
  if (o.sampleCap !== undefined) p.sample_cap = u32Option(o.sampleCap, '--sample-cap')
  if (o.maxTrainers !== undefined) p.max_trainers = u32Option(o.maxTrainers, '--max-trainers')
  if (o.minTrainerBond !== undefined) p.min_trainer_bond = String(bigintOption(o.minTrainerBond, 'min-trainer-bond'))
  if (o.minAggregatorBond !== undefined) p.min_aggregator_bond = String(bigintOption(o.minAggregatorBond, 'min-aggregator-bond'))
  if (o.membership !== undefined) p.membership = o.membership
  if (Object.keys(timing).length > 0) p.timing = timing
  return p
}

/** The --params file, an object. */
function paramsFile(path: string | undefined): JsonObject {
  if (path === undefined) return {}
  const json = readJsonFile(path, '--params')
  if (!isObject(json)) throw new CliError('USAGE', `--params: ${path} must hold a JSON object`, { path })
  return json
}

/** The --spec file as canonical text, and its parameter count (a fine-tune's: its adapter's). */
function modelSpecFile(path: string): { text: string; parameters: number } {
  const json = readJsonFile(path, '--spec')
  try {
    const parameters = trainableSize(json as ModelSpec)
    return { text: canonicalModelSpec(json as ModelSpec), parameters }
  } catch (error) {
    if (error instanceof FlError) throw new CliError('USAGE', `--spec: ${path} is not a model spec: ${error.plainMessage}`, { path })
    throw error
  }
}

/**
 * --initial-model: a CID, or a file holding the model blob (int32 fixed point of shape
 * [parameters], src/modules/training/model.ts), checked against the spec before anything is sent.
 */
function initialModel(value: string, parameters: number): { cid: string } | { bytes: Uint8Array } {
  if (!existsSync(value)) {
    try {
      return { cid: CID.parse(value).toString() }
    } catch {
      throw new CliError('USAGE', `--initial-model: "${value.slice(0, 100)}" is neither a file nor a CID`, {})
    }
  }
  const bytes = new Uint8Array(readFileSync(value))
  let model
  try {
    model = decodeUpdateBlob(bytes)
  } catch (error) {
    if (error instanceof FlError)
      throw new CliError('USAGE', `--initial-model: ${value} is not a model blob: ${error.plainMessage}`, { path: value })
    throw error
  }
  if (model.dtype !== MODEL_DTYPE || model.shape.length !== 1 || model.shape[0] !== parameters) {
    throw new CliError(
      'USAGE',
      `--initial-model: ${value} is ${model.dtype} [${model.shape.join(', ')}]; the spec's model is ${MODEL_DTYPE} [${parameters}]`,
      { path: value },
    )
  }
  return { bytes }
}

/** The tx options sendTx checks, checked first here: create stores the initial model before it signs. */
function checkTxOptions(options: SendOptions): void {
  if (!['async', 'sync', 'commit'].includes(options.mode)) throw new CliError('USAGE', '--mode is async, sync or commit', {})
  bigintOption(options.fee, 'fee')
  bigintOption(options.gas, 'gas')
  if (options.nonce !== undefined) bigintOption(options.nonce, 'nonce')
  if (!/^[1-9][0-9]{0,8}$/.test(options.timeout)) throw new CliError('USAGE', '--timeout must be a positive number of milliseconds', {})
}

const ROLE_HELP = 'trainer | aggregator'
const checkRoleOption = (value: string | undefined): string => {
  if (value !== 'trainer' && value !== 'aggregator')
    throw new CliError('USAGE', `--role is trainer or aggregator${value === undefined ? '' : `, not "${value.slice(0, 20)}"`}`, {})
  return value
}
const addressList = (text: string | undefined): string[] => (text === undefined ? [] : text.split(',').map((a) => checkAccount(a.trim())))

const txCommand = (group: Command, spec: string) => withTxOptions(withNode(group.command(spec)))

/** `fedra tx subnet …`. */
export function registerSubnetTx(tx: Command): void {
  const subnet = tx.command('subnet').description('subnets module transactions: create a subnet, join and leave it, administer it')

  withParamOptions(txCommand(subnet, 'create <from-key>'))
    .description(
      'create a subnet administered by the key (paying the creation deposit); a file --initial-model is stored on the node first',
    )
    .option('--spec <file>', 'the model spec, JSON (src/fl/model/spec.ts ModelSpec); sent canonical')
    .option('--initial-model <file|cid>', 'the initial global model: a model blob file, or the CID of one on the node')
    .option('--name <name>', "the subnet's name")
    .option('--domain <domain>', 'its domain, like vision/digits')
    .option('--description <text>', 'what it trains', '')
    .option('--allow <addresses>', 'fedra1… addresses to allow-list (comma-separated); membership then defaults to allow-list')
    .action(async (from: string, options: CreateOptions) => {
      if (options.spec === undefined) throw new CliError('USAGE', '--spec is required (the model spec, a JSON file)', {})
      if (options.initialModel === undefined) throw new CliError('USAGE', '--initial-model is required (a model blob file, or its CID)', {})
      if (options.name === undefined) throw new CliError('USAGE', '--name is required', {})
      if (options.domain === undefined) throw new CliError('USAGE', '--domain is required (like vision/digits)', {})
      checkTxOptions(options)
      const spec = modelSpecFile(options.spec)
      const model = initialModel(options.initialModel, spec.parameters)
      const input = {
        name: options.name,
        domain: options.domain,
        description: options.description,
        modelSpec: spec.text,
        allowList: addressList(options.allow),
        params: paramsWithOptions(paramsFile(options.params), options) as SubnetParamsJsonInput,
      }
      const cid = 'cid' in model ? model.cid : blobCid(model.bytes)
      const build = () => [messages.subnetsCreate({ ...input, initialModelCid: cid })]
      usage(build) // every field checked before the node stores anything
      if ('bytes' in model) {
        await putBlob(resolveNodeUrl(options), model.bytes)
        if (options.json) process.stderr.write(`initial model stored as ${cid}\n`)
      }
      return sendTx(from, options, build, () => [['initial model', cid]])
    })

  txCommand(subnet, 'join <from-key> <subnet>')
    .description('join a subnet as trainer or aggregator, bonding --bond')
    .option('--role <role>', ROLE_HELP)
    .option('--bond <amount>', "the bond, e.g. 1000000ufdr (at least the subnet's minimum for the role)")
    .action((from: string, id: string, options: SendOptions & { role?: string; bond?: string }) =>
      sendTx(from, options, () => {
        const role = checkRoleOption(options.role)
        if (options.bond === undefined) throw new CliError('USAGE', '--bond is required (e.g. 1000000ufdr)', {})
        return [messages.subnetsJoin(checkId(id, 'subnet'), role, options.bond)]
      }),
    )

  txCommand(subnet, 'leave <from-key> <subnet>')
    .description('leave a role of a subnet: membership ends at once, the bond starts unbonding')
    .option('--role <role>', ROLE_HELP)
    .action((from: string, id: string, options: SendOptions & { role?: string }) =>
      sendTx(from, options, () => [messages.subnetsLeave(checkId(id, 'subnet'), checkRoleOption(options.role))]),
    )

  txCommand(subnet, 'top-up <from-key> <subnet>')
    .description('add to the bond of a role the key holds')
    .option('--role <role>', ROLE_HELP)
    .option('--amount <amount>', 'what to add, e.g. 500000ufdr')
    .action((from: string, id: string, options: SendOptions & { role?: string; amount?: string }) =>
      sendTx(from, options, () => {
        const role = checkRoleOption(options.role)
        if (options.amount === undefined) throw new CliError('USAGE', '--amount is required (e.g. 500000ufdr)', {})
        return [messages.subnetsTopUp(checkId(id, 'subnet'), role, options.amount)]
      }),
    )

  txCommand(subnet, 'allow <from-key> <subnet>')
    .description("add and remove addresses of a subnet's allow-list (its admin only)")
    .option('--add <addresses>', 'fedra1… addresses to allow (comma-separated)')
    .option('--remove <addresses>', 'fedra1… addresses to remove (comma-separated)')
    .action((from: string, id: string, options: SendOptions & { add?: string; remove?: string }) =>
      sendTx(from, options, () => {
        if (options.add === undefined && options.remove === undefined) throw new CliError('USAGE', 'give --add or --remove (or both)', {})
        return [
          messages.subnetsUpdateAllowList(checkId(id, 'subnet'), { add: addressList(options.add), remove: addressList(options.remove) }),
        ]
      }),
    )

  withParamOptions(txCommand(subnet, 'update-params <from-key> <subnet>'))
    .description(
      "change a subnet's params from its next round on (its admin only): the current ones (or the pending ones), with the --params file's fields and the options over them",
    )
    .action(async (from: string, id: string, options: SendOptions & ParamOptions) => {
      checkId(id, 'subnet')
      checkTxOptions(options)
      const file = paramsFile(options.params)
      const overrides = paramsWithOptions({}, options)
      if (Object.keys(file).length === 0 && Object.keys(overrides).length === 0)
        throw new CliError('USAGE', 'nothing to change: give --params FILE or a param option (--rule, --submit-window, …)', {})
      const client = new FedraClient({ url: resolveNodeUrl(options) })
      let current: JsonObject
      try {
        const answer = await client.call('subnet_get', { id })
        current = answer.pending_params ?? answer.params
      } finally {
        client.close()
      }
      const merged = mergeParams(mergeParams(current, file), overrides)
      return sendTx(from, options, () => [messages.subnetsUpdateParams(id, merged as SubnetParamsJsonInput)])
    })
}

/** `over`'s fields replace `base`'s, one level into the nested groups (timing, quantization, sharing, reward_split). */
function mergeParams(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const inner = base[key]
    out[key] = isObject(value) && isObject(inner) ? { ...inner, ...value } : value
  }
  return out
}

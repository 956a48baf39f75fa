import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { type SubnetParamsJsonInput, messages } from '../../client/index.js'
import { FlError } from '../../fl/errors.js'
import { type ModelSpec, adapterLayout, parameterLayout, parseModelSpec } from '../../fl/model/spec.js'
import { canonicalModelSpec } from '../../modules/subnets/subnet-params.js'
import { blobCid } from '../../modules/training/blob-cid.js'
import { encodeModel } from '../../roles/model-codec.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { type FactoryJob, jobLine, parseFactoryJob, roundsOf } from './factory-job.js'
import { withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson } from './output.js'
import { checkId, putBlob } from './training-args.js'
import { type SendOptions, sendTx, withTxOptions } from './tx-send.js'

function readJob(path: string): FactoryJob {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CliError('USAGE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { path })
  }
  return parseFactoryJob(text, path)
}

/** The job's model spec: the base subnet's layers and the job's adapter; CliError USAGE naming `adapter` when they do not fit. */
function tunedSpec(job: FactoryJob, baseSpecText: string, file: string): ModelSpec {
  const base = parseModelSpec(baseSpecText)
  if (base.adapter !== undefined)
    throw new CliError('USAGE', `${file}: base: subnet ${job.base.subnet} is a fine-tune itself; tune its base instead`, {
      path: file,
      name: 'base',
    })
  const spec: ModelSpec = { inputShape: base.inputShape, layers: base.layers, adapter: { base: job.base, ...job.adapter } }
  try {
    adapterLayout(spec)
  } catch (error) {
    if (error instanceof FlError)
      throw new CliError('USAGE', `${file}: adapter: ${error.plainMessage.replace(/^adapter: /, '')}`, { path: file, name: 'adapter' })
    throw error
  }
  return spec
}

/**
 * `fedra factory create JOB.json --from KEY` and `fedra factory status SUBNET` (docs/factory.md):
 * a fine-tune job is a subnet whose model spec is its base's layers plus a LoRA adapter over the
 * base version; trainers train the adapter alone, lineage records the base as its parent.
 */
export function registerFactoryCommand(program: Command): void {
  const factory = program
    .command('factory')
    .description('fine-tune jobs: LoRA adapters trained over a base model version (docs/factory.md)')

  withTxOptions(withNode(factory.command('create <job>')), { gas: '2000000' })
    .description(
      'create the subnet of a fine-tune job file (base, validation Datanet version, adapter, rule, rounds, reward split, membership); the key pays the deposit and administers it',
    )
    .option('--from <key>', 'the key that creates and administers the job')
    .action(async (file: string, options: SendOptions & { from?: string }) => {
      const job = readJob(file)
      if (options.from === undefined)
        throw new CliError('USAGE', '--from KEY is required (the key that creates the job and pays its deposit)', {})
      let built: { spec: ModelSpec; blob: Uint8Array; baseCid: string } | undefined
      await withClient(options, async (client) => {
        const baseSubnet = await client.call('subnet_get', { id: job.base.subnet })
        const baseVersion = await client.call('model_version', { subnet: job.base.subnet, version: job.base.version })
        const spec = tunedSpec(job, baseSubnet.model_spec, file)
        const { initialAdapter } = await import('../../fl/model/lora.js')
        built = { spec, blob: encodeModel(initialAdapter(spec)), baseCid: baseVersion.global_cid }
      })
      const { spec, blob, baseCid } = built!
      const input = {
        name: job.name,
        domain: job.domain,
        description: job.description === '' ? jobLine(job) : `${job.description}\n${jobLine(job)}`,
        modelSpec: canonicalModelSpec(spec),
        allowList: job.allow,
        params: {
          validation_set: `datanet:${job.validation.datanet}@${job.validation.version}`,
          aggregation_rule: job.rule,
          membership: job.membership,
          sharing: { mode: 'public' },
          ...(job.rewardSplit === undefined ? {} : { reward_split: job.rewardSplit }),
          ...(job.timing === undefined ? {} : { timing: job.timing }),
        } as SubnetParamsJsonInput,
      }
      const cid = blobCid(blob)
      const build = () => [messages.subnetsCreate({ ...input, initialModelCid: cid })]
      try {
        build()
      } catch (error) {
        // the client's own checks (rule name, reward split sum): name the job field they came from
        const message = (error as Error).message
        const field = /aggregation_rule/.test(message)
          ? 'rule'
          : /reward_split/.test(message)
            ? 'reward_split'
            : /timing/.test(message)
              ? 'timing'
              : /name/.test(message)
                ? 'name'
                : 'job'
        throw new CliError('USAGE', `${file}: ${field}: ${message.replace(/^[A-Z_]+: /, '')}`, { path: file, name: field })
      }
      await putBlob(resolveNodeUrl(options), blob)
      const layout = adapterLayout(spec)
      return sendTx(options.from, options, build, () => [
        ['job', `${job.name}: ${job.rounds} rounds`],
        ['base', `subnet ${job.base.subnet} version ${job.base.version}, ${baseCid}`],
        [
          'adapter',
          `rank ${job.adapter.rank} on layers ${job.adapter.layers.join(', ')}: ${layout.size} parameters (${((100 * layout.size) / layout.base.size).toFixed(1)}% of the base's ${layout.base.size})`,
        ],
        ['initial adapter', cid],
        ['validation', `datanet ${job.validation.datanet} version ${job.validation.version}`],
      ])
    })

  withNode(factory.command('status <job>'))
    .description("a fine-tune job's progress: its base, adapter, rounds done of those asked, latest version and its lineage")
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkId(id, 'job (a subnet id)')
        const subnet = await client.call('subnet_get', { id })
        const spec = parseModelSpec(subnet.model_spec)
        if (spec.adapter === undefined)
          throw new CliError('USAGE', `subnet ${id} is not a fine-tune job: its model spec declares no adapter`, {})
        const latest = await client.call('model_latest', { subnet: id })
        const lineage = await client.call('lineage_version', { subnet: id, version: latest.version })
        const asked = roundsOf(subnet.description)
        const done = Number(latest.version)
        const base = spec.adapter.base
        const status = {
          job: id,
          name: subnet.name,
          base,
          adapter: {
            rank: spec.adapter.rank,
            alpha: spec.adapter.alpha,
            layers: spec.adapter.layers,
            parameters: adapterLayout(spec).size,
            base_parameters: parameterLayout(spec).size,
          },
          validation_set: subnet.params.validation_set,
          rule: subnet.params.aggregation_rule,
          rounds: { done, asked, finished: asked !== null && done >= asked },
          latest: {
            version: latest.version,
            global_cid: latest.global_cid,
            kind: lineage.kind,
            status: lineage.status,
            parents: lineage.parents,
          },
          members: { trainers: subnet.trainers, aggregators: subnet.aggregators },
        }
        if (options.json) return printJson(status)
        process.stdout.write(
          `${fields([
            ['job', `subnet ${id} "${subnet.name}"`],
            ['base', `subnet ${base.subnet} version ${base.version}`],
            [
              'adapter',
              `rank ${status.adapter.rank}, alpha ${status.adapter.alpha}, layers ${status.adapter.layers.join(', ')}: ${status.adapter.parameters} of ${status.adapter.base_parameters} parameters`,
            ],
            ['validation', status.validation_set],
            ['rule', status.rule],
            ['rounds', `${done} done${asked === null ? '' : ` of ${asked}`}${status.rounds.finished ? ' (finished)' : ''}`],
            ['latest', `version ${latest.version} (${lineage.kind}, ${lineage.status}), ${latest.global_cid}`],
            ['parents', lineage.parents.map((p) => `${p.subnet}/${p.version}`).join(', ') || '-'],
            ['members', `${subnet.trainers} trainers, ${subnet.aggregators} aggregators`],
          ])}\n`,
        )
      }),
    )
}

import type { Command } from 'commander'
import type { Result } from '../../client/index.js'
import { CliError } from '../errors.js'
import { withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { checkId } from './training-args.js'

type SubnetParamsJson = Result<'subnet_get'>['params']
type VersionJson = Result<'model_version'>

const orDash = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? '-' : value)

/** A subnet's params as label/value rows (for `query subnet`). */
function paramRows(p: SubnetParamsJson): [string, string][] {
  const q = p.quantization
  const split = p.reward_split
  return [
    ['rule', p.aggregation_rule],
    ['validation set', p.validation_set],
    ['timing', `submit ${p.timing.submit_window}, aggregate ${p.timing.aggregate_window}, gap ${p.timing.gap} blocks`],
    ['quantization', `${q.dtype}, scale ${q.scale}, max abs ${q.max_abs}, clip norm ${q.clip_norm}`],
    ['sample cap', String(p.sample_cap)],
    ['max trainers', String(p.max_trainers)],
    ['min bonds', `trainer ${p.min_trainer_bond}, aggregator ${p.min_aggregator_bond}`],
    ['membership', p.membership],
    ['sharing', p.sharing.mode === 'subnets' ? `subnets ${p.sharing.subnets.join(', ')}` : p.sharing.mode],
    ['reward split', `trainers ${split.trainers}, aggregator ${split.aggregator}, scorers ${split.scorers}, data ${split.data}`],
    ['aggregator slash', p.aggregator_slash_fraction],
  ]
}

function versionRows(v: VersionJson): [string, string][] {
  return [
    ['subnet', v.subnet],
    ['version', v.version],
    ['round', orDash(v.round)],
    ['parent', orDash(v.parent)],
    ['global model', v.global_cid],
    ['aggregate', orDash(v.aggregate_cid)],
    ['rule', orDash(v.rule)],
    ['aggregator', orDash(v.aggregator)],
    ['contributors', String(v.included.length)],
    ['recorded at', v.recorded_height],
    ['height', String(v.height)],
  ]
}

/** `fedra query subnet|subnets|members|allow-list|round|updates|model|models`: the subnets and training modules over subnet_*, round_*, model_*. */
export function registerTrainingQuery(query: Command): void {
  withNode(query.command('subnet <id>'))
    .description('one subnet: model, admin, members, params in force and pending')
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const s = await client.call('subnet_get', { id: checkId(id, 'subnet') })
        if (options.json) return printJson(s)
        process.stdout.write(
          `${fields([
            ['id', s.id],
            ['name', s.name],
            ['domain', s.domain],
            ['description', orDash(s.description)],
            ['admin', s.admin],
            ['model spec', s.model_spec],
            ['parameters', s.parameter_count],
            ['initial model', s.initial_model_cid],
            ['deposit', s.deposit],
            ['created at', s.created_height],
            ['members', `${s.trainers} trainers, ${s.aggregators} aggregators`],
            ...paramRows(s.params),
            ['params from round', orDash(s.params_from_round)],
            [
              'pending params',
              s.pending_params === null ? '-' : `set at height ${s.pending_since_height}, apply at the next round (--json shows them)`,
            ],
            ['height', String(s.height)],
          ])}\n`,
        )
      }),
    )

  withNode(query.command('subnets'))
    .description('every subnet: id, name, domain, admin, parameters, rule, membership, members')
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('subnet_list')
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['id', 'name', 'domain', 'admin', 'parameters', 'rule', 'membership', 'trainers', 'aggregators'],
            answer.subnets.map((s) => [
              s.id,
              s.name,
              s.domain,
              s.admin,
              s.parameter_count,
              s.params.aggregation_rule,
              s.params.membership,
              String(s.trainers),
              String(s.aggregators),
            ]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('members <subnet>'))
    .description("a subnet's members and their bonds")
    .option('--role <role>', 'only trainers or only aggregators')
    .action((subnet: string, options: NodeOptions & { role?: string }) =>
      withClient(options, async (client) => {
        checkId(subnet, 'subnet')
        const { role } = options
        if (role !== undefined && role !== 'trainer' && role !== 'aggregator')
          throw new CliError('USAGE', `--role is trainer or aggregator, not "${role.slice(0, 20)}"`, {})
        const answer = await client.call('subnet_members', role === undefined ? { subnet } : { subnet, role })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['address', 'role', 'bond', 'joined at'],
            answer.members.map((m) => [m.address, m.role, m.bond, m.joined_height]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('allow-list <subnet>'))
    .description("a subnet's allow-listed addresses")
    .action((subnet: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('subnet_allowList', { subnet: checkId(subnet, 'subnet') })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['address'],
            answer.allow_list.map((a) => [a]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('round <subnet> [round]'))
    .description("a subnet's round (default: the current one): phase, windows, base model, updates, rejected aggregates")
    .action((subnet: string, round: string | undefined, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkId(subnet, 'subnet')
        const r = await client.call('round_get', round === undefined ? { subnet } : { subnet, round: checkId(round, 'round') })
        if (options.json) return printJson(r)
        const q = r.quantization
        process.stdout.write(
          `${fields([
            ['subnet', r.subnet],
            ['round', r.round],
            ['phase', `${r.phase} (at the next block, ${BigInt(r.at_height) + 1n})`],
            ['submit', `heights ${r.open_height}..${BigInt(r.submit_end_height) - 1n}`],
            ['aggregate', `heights ${r.submit_end_height}..${BigInt(r.aggregate_end_height) - 1n}`],
            ['closes at', r.close_height],
            ['next opens at', orDash(r.next_open_height)],
            ['base model', `version ${r.base_version}, ${r.base_global_cid}`],
            ['rule', r.rule],
            ['quantization', `${q.dtype}, scale ${q.scale}, max abs ${q.max_abs}`],
            ['sample cap', String(r.sample_cap)],
            ['updates', `${r.updates} of at most ${r.max_updates}`],
            ['version made', orDash(r.version)],
            ['rejected aggregates', String(r.rejections.length)],
            ['height', String(r.height)],
          ])}\n${
            r.rejections.length === 0
              ? ''
              : `\n${table(
                  ['aggregator', 'submitted', 'expected', 'slashed', 'height'],
                  r.rejections.map((x) => [x.aggregator, x.result_cid, x.expected_result_cid, x.slashed, x.height]),
                )}\n`
          }`,
        )
      }),
    )

  withNode(query.command('updates <subnet> <round>'))
    .description("a round's accepted updates, in trainer order")
    .action((subnet: string, round: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('round_updates', { subnet: checkId(subnet, 'subnet'), round: checkId(round, 'round') })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['trainer', 'update', 'samples', 'weight', 'bytes', 'height'],
            answer.updates.map((u) => [u.trainer, u.update_cid, String(u.sample_count), String(u.weight), u.byte_size, u.height]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('model <subnet> [version]'))
    .description('a model version of a subnet (default: the latest): global model CID, parent, round, contributors')
    .action((subnet: string, version: string | undefined, options: NodeOptions) =>
      withClient(options, async (client) => {
        checkId(subnet, 'subnet')
        const v =
          version === undefined
            ? await client.call('model_latest', { subnet })
            : await client.call('model_version', { subnet, version: checkId(version, 'version') })
        if (options.json) return printJson(v)
        process.stdout.write(
          `${fields(versionRows(v))}\n${
            v.included.length === 0
              ? ''
              : `\n${table(
                  ['trainer', 'update', 'samples'],
                  v.included.map((c) => [c.trainer, c.update_cid, String(c.sample_count)]),
                )}\n`
          }`,
        )
      }),
    )

  withNode(query.command('models <subnet>'))
    .description('every model version of a subnet (0 = the initial model)')
    .action((subnet: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('model_versions', { subnet: checkId(subnet, 'subnet') })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['version', 'round', 'parent', 'global model', 'rule', 'contributors', 'recorded at'],
            answer.versions.map((v) => [
              v.version,
              orDash(v.round),
              orDash(v.parent),
              v.global_cid,
              orDash(v.rule),
              String(v.included.length),
              v.recorded_height,
            ]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('secagg-round <subnet> <round>'))
    .description(
      'a secure-aggregation round: its graph, and per roster member the status (survivor, dropped, absent, pending), weight, contribution share and shares revealed (key shares of dropped trainers, self shares of survivors)',
    )
    .action((subnet: string, round: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const r = await client.call('round_secagg', { subnet: checkId(subnet, 'subnet'), round: checkId(round, 'round') })
        if (options.json) return printJson(r)
        if (r.roster === null) {
          const why = r.rule === 'secagg-fedavg' ? 'no trainer has set up yet' : `the round aggregates with ${r.rule}`
          process.stdout.write(
            `${fields([
              ['rule', r.rule],
              ['roster', `none: ${why}`],
            ])}\n`,
          )
          return
        }
        process.stdout.write(
          `${fields([
            ['rule', r.rule],
            ['round id', orDash(r.round_id)],
            ['updates from height', orDash(r.setup_end_height)],
            ['graph', `degree ${r.degree}, threshold ${r.threshold}`],
          ])}\n\n${table(
            ['#', 'trainer', 'status', 'weight', 'contribution', 'key shares', 'self shares'],
            r.roster.map((m) => [
              String(m.index),
              m.trainer,
              m.status,
              String(m.weight),
              m.contribution,
              String(m.revealed_key),
              String(m.revealed_self),
            ]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('envelope-keys <subnet>'))
    .description(
      "a private subnet's envelope key set (the latest epoch's by default): what trainers seal to, its recipients, whether it is stale",
    )
    .option('--epoch <n>', 'the key epoch (default: the latest)')
    .action((subnet: string, options: NodeOptions & { epoch?: string }) =>
      withClient(options, async (client) => {
        const params = {
          subnet: checkId(subnet, 'subnet'),
          ...(options.epoch === undefined ? {} : { epoch: checkId(options.epoch, 'epoch') }),
        }
        const k = await client.call('subnet_envelopeKeys', params)
        if (options.json) return printJson(k)
        process.stdout.write(
          `${fields([
            ['private', k.private ? 'yes' : 'no'],
            ['latest epoch', orDash(k.latest_epoch === null ? null : String(k.latest_epoch))],
            ['stale', k.stale === null ? '-' : k.stale ? 'yes: its admin must rotate' : 'no'],
            ['epoch', k.key_set === null ? '-' : String(k.key_set.epoch)],
            ['public key', k.key_set?.public_key ?? '-'],
            ['recipients', k.key_set === null ? '-' : k.key_set.wraps.map((w) => w.id).join(', ')],
          ])}\n`,
        )
      }),
    )

  withNode(query.command('dp-ledger <subnet>'))
    .description("a subnet's DP policy and privacy budget ledger: rounds charged, ρ and ε spent, rounds left")
    .action((subnet: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const l = await client.call('subnet_dpLedger', { subnet: checkId(subnet, 'subnet') })
        if (options.json) return printJson(l)
        const p = l.policy
        process.stdout.write(
          `${fields([
            [
              'policy',
              p === null ? 'none' : `clip norm ${p.clip_norm}, noise multiplier ${p.noise_multiplier}, sampling rate ${p.sampling_rate}`,
            ],
            ['budget', p === null ? '-' : `ε ${p.target_epsilon} at δ ${p.delta}, from round ${p.from_round}`],
            ['rounds charged', l.rounds],
            ['ρ spent', l.rho],
            ['ε spent', l.epsilon],
            ['rounds left', orDash(l.rounds_left)],
          ])}\n`,
        )
      }),
    )
}

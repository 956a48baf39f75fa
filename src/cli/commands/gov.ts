import type { Command } from 'commander'
import { govContent, messages } from '../../client/index.js'
import { CliError } from '../errors.js'
import { checkAccount, withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { checkId, readJsonFile } from './training-args.js'
import { type SendOptions, sendTx, withTxOptions } from './tx-send.js'

const txCommand = (group: Command, spec: string) => withTxOptions(withNode(group.command(spec)), { gas: '1000000' })
type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A proposal file (`fedra tx gov submit-proposal KEY FILE`):
 *   { "title": "…", "summary": "…", "metadata": "…", "deposit": "10000000ufdr", "expedited": false,
 *     "messages": [ { "type": "update-params", "module": "training", "params": { …every field… } },
 *                   { "type": "software-upgrade", "name": "v2", "height": "1200", "info": "…" },
 *                   { "type": "cancel-upgrade" } ] }
 * No messages: a text proposal. Every field is checked before the keyring is opened.
 */
export function proposalFromFile(path: string): Uint8Array {
  const file = readJsonFile(path, 'proposal file')
  if (!isObject(file)) throw new CliError('USAGE', `${path}: a proposal file holds a JSON object`, { path })
  const known = ['title', 'summary', 'metadata', 'deposit', 'expedited', 'messages']
  for (const key of Object.keys(file))
    if (!known.includes(key)) throw new CliError('USAGE', `${path}: unknown field "${key}" (fields: ${known.join(', ')})`, { path })
  const list = file.messages ?? []
  if (!Array.isArray(list)) throw new CliError('USAGE', `${path}: messages must be a list`, { path })
  const contents = list.map((m, i) => {
    const at = `${path}: messages[${i}]`
    if (!isObject(m)) throw new CliError('USAGE', `${at} must be an object`, { path })
    switch (m.type) {
      case 'update-params':
        if (typeof m.module !== 'string' || !isObject(m.params))
          throw new CliError('USAGE', `${at}: update-params needs "module" (a name) and "params" (an object)`, { path })
        return govContent.updateParams(m.module, m.params)
      case 'software-upgrade':
        if (typeof m.name !== 'string' || (typeof m.height !== 'string' && typeof m.height !== 'number'))
          throw new CliError('USAGE', `${at}: software-upgrade needs "name" and "height"`, { path })
        return govContent.softwareUpgrade({ name: m.name, height: m.height, ...(typeof m.info === 'string' ? { info: m.info } : {}) })
      case 'cancel-upgrade':
        return govContent.cancelUpgrade()
      default:
        throw new CliError(
          'USAGE',
          `${at}: type is update-params, software-upgrade or cancel-upgrade, not ${JSON.stringify(m.type)?.slice(0, 40)}`,
          { path },
        )
    }
  })
  if (typeof file.deposit !== 'string') throw new CliError('USAGE', `${path}: "deposit" is required, like "10000000ufdr"`, { path })
  if (typeof file.title !== 'string') throw new CliError('USAGE', `${path}: "title" is required`, { path })
  if (typeof file.summary !== 'string')
    throw new CliError('USAGE', `${path}: "summary" is required (what the proposal does and why)`, { path })
  return messages.govSubmitProposal({
    messages: contents,
    title: file.title,
    summary: file.summary,
    ...(typeof file.metadata === 'string' ? { metadata: file.metadata } : {}),
    deposit: file.deposit,
    expedited: file.expedited === true,
  })
}

/**
 * A scoped proposal file (`fedra tx gov scoped-proposal KEY FILE`):
 *   { "subnet": "3" | "datanet": "1", "title": "…", "summary": "…", "deposit": "1000ufdr",
 *     "messages": [ { "type": "allow-list", "add": ["fedra1…"], "remove": [] },          (subnet)
 *                   { "type": "subnet-params", "params": { …as subnet_get prints them… } }, (subnet)
 *                   { "type": "curators", "curators": ["fedra1…"], "approvals": 2 } ] }   (datanet)
 * Every field is checked before the keyring is opened.
 */
export function scopedProposalFromFile(path: string): Uint8Array {
  const file = readJsonFile(path, 'proposal file')
  if (!isObject(file)) throw new CliError('USAGE', `${path}: a proposal file holds a JSON object`, { path })
  const known = ['subnet', 'datanet', 'title', 'summary', 'deposit', 'messages']
  for (const key of Object.keys(file))
    if (!known.includes(key)) throw new CliError('USAGE', `${path}: unknown field "${key}" (fields: ${known.join(', ')})`, { path })
  const idOf = (v: unknown, what: string) =>
    typeof v === 'number' ? checkId(String(v), what) : typeof v === 'string' ? checkId(v, what) : (undefined as never)
  if ((file.subnet === undefined) === (file.datanet === undefined))
    throw new CliError('USAGE', `${path}: give "subnet" or "datanet" (the id the proposal is about), one of them`, { path })
  const scope = file.subnet !== undefined ? 'subnet' : 'datanet'
  const target = idOf(file.subnet ?? file.datanet, scope)
  if (target === undefined) throw new CliError('USAGE', `${path}: "${scope}" is an id`, { path })
  const list = file.messages ?? []
  if (!Array.isArray(list)) throw new CliError('USAGE', `${path}: messages must be a list`, { path })
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')
  const contents = list.map((m, i) => {
    const at = `${path}: messages[${i}]`
    if (!isObject(m)) throw new CliError('USAGE', `${at} must be an object`, { path })
    const kinds = scope === 'subnet' ? ['allow-list', 'subnet-params'] : ['curators']
    if (!kinds.includes(String(m.type)))
      throw new CliError(
        'USAGE',
        `${at}: a ${scope} proposal's message type is ${kinds.join(' or ')}, not ${JSON.stringify(m.type)?.slice(0, 40)}`,
        { path },
      )
    switch (m.type) {
      case 'allow-list':
        if (!strings(m.add ?? []) || !strings(m.remove ?? []))
          throw new CliError('USAGE', `${at}: allow-list takes "add" and "remove", lists of fedra1… addresses`, { path })
        return messages.subnetsUpdateAllowList(target, {
          add: ((m.add ?? []) as string[]).map(checkAccount),
          remove: ((m.remove ?? []) as string[]).map(checkAccount),
        })
      case 'subnet-params':
        if (!isObject(m.params))
          throw new CliError('USAGE', `${at}: subnet-params needs "params" (an object, as subnet_get prints them)`, { path })
        return messages.subnetsUpdateParams(target, m.params as never)
      default:
        if (!strings(m.curators) || typeof m.approvals !== 'number')
          throw new CliError('USAGE', `${at}: curators needs "curators" (fedra1… addresses) and "approvals" (a number)`, { path })
        return govContent.setDatanetCurators(target, (m.curators as string[]).map(checkAccount), m.approvals)
    }
  })
  if (typeof file.deposit !== 'string') throw new CliError('USAGE', `${path}: "deposit" is required, like "1000ufdr"`, { path })
  if (typeof file.title !== 'string') throw new CliError('USAGE', `${path}: "title" is required`, { path })
  if (typeof file.summary !== 'string')
    throw new CliError('USAGE', `${path}: "summary" is required (what the proposal does and why)`, { path })
  const body = { messages: contents, title: file.title, summary: file.summary, deposit: file.deposit }
  return messages.govSubmitScopedProposal(scope === 'subnet' ? { ...body, subnet: target } : { ...body, datanet: target })
}

/** `yes=0.6,no=0.4` → weighted options. */
function weightedOptions(text: string): { option: string; weight: string }[] {
  return text.split(',').map((part) => {
    const [option, weight] = part.split('=')
    if (option === undefined || weight === undefined || option === '' || weight === '')
      throw new CliError('USAGE', `"${part.slice(0, 40)}" is not OPTION=WEIGHT (e.g. yes=0.6,no=0.4)`, {})
    return { option: option.trim(), weight: weight.trim() }
  })
}

/** `fedra tx gov …`. */
export function registerGovTx(tx: Command): void {
  const gov = tx.command('gov').description('gov module transactions: submit proposals, deposit, vote')

  txCommand(gov, 'submit-proposal <from-key> <file>')
    .description(
      'submit a proposal described by a JSON file (title, summary, deposit, expedited, messages: update-params | software-upgrade | cancel-upgrade)',
    )
    .action((from: string, file: string, o: SendOptions) => sendTx(from, o, () => [proposalFromFile(file)]))

  txCommand(gov, 'deposit <from-key> <proposal> <amount>')
    .description("add to a proposal's deposit in its deposit period")
    .action((from: string, id: string, amount: string, o: SendOptions) =>
      sendTx(from, o, () => [messages.govDeposit(checkId(id, 'proposal'), amount)]),
    )

  txCommand(gov, 'vote <from-key> <proposal> <option>')
    .description(
      "vote yes, abstain, no or no_with_veto with all the key's bonded power (a delegator's vote overrides its validator's for its share)",
    )
    .action((from: string, id: string, option: string, o: SendOptions) =>
      sendTx(from, o, () => [messages.govVote(checkId(id, 'proposal'), option)]),
    )

  txCommand(gov, 'enable-governance <from-key> <scope> <id>')
    .description(
      "put a subnet (its admin signs; gov becomes its admin) or a Datanet (its owner signs) under its members' or curators' vote",
    )
    .option('--quorum <dec>', 'turnout needed, of the whole voting weight', '0.334')
    .option('--threshold <dec>', 'yes needed, of the non-abstaining turnout (above it)', '0.5')
    .option('--veto-threshold <dec>', 'no_with_veto above which a proposal is vetoed (deposit burned)', '0.334')
    .requiredOption('--voting-period <ms>', 'voting period in ms of block time')
    .requiredOption('--min-deposit <amount>', 'the deposit a proposal pays, in the bond denomination (a whole number, e.g. 1000000)')
    .action(
      (
        from: string,
        scope: string,
        id: string,
        o: SendOptions & { quorum: string; threshold: string; vetoThreshold: string; votingPeriod: string; minDeposit: string },
      ) =>
        sendTx(from, o, () => {
          if (scope !== 'subnet' && scope !== 'datanet')
            throw new CliError('USAGE', `scope is subnet or datanet, not "${scope.slice(0, 20)}"`, {})
          const rules = {
            quorum: o.quorum,
            threshold: o.threshold,
            vetoThreshold: o.vetoThreshold,
            votingPeriodMs: checkId(o.votingPeriod, '--voting-period'),
            minDeposit: checkId(o.minDeposit, '--min-deposit'),
          }
          const target = checkId(id, scope)
          return [
            scope === 'subnet' ? messages.govEnableSubnetGovernance(target, rules) : messages.govEnableDatanetGovernance(target, rules),
          ]
        }),
    )

  txCommand(gov, 'scoped-proposal <from-key> <file>')
    .description(
      'submit a proposal about a governed subnet or Datanet, described by a JSON file (subnet | datanet, title, summary, deposit, messages: allow-list | subnet-params | curators)',
    )
    .action((from: string, file: string, o: SendOptions) => sendTx(from, o, () => [scopedProposalFromFile(file)]))

  txCommand(gov, 'scoped-vote <from-key> <proposal> <option>')
    .description('vote once on a scoped proposal: a subnet member (weighted by its bonds there) or a Datanet curator (one vote)')
    .action((from: string, id: string, option: string, o: SendOptions) =>
      sendTx(from, o, () => [messages.govScopedVote(checkId(id, 'proposal'), option)]),
    )

  txCommand(gov, 'weighted-vote <from-key> <proposal> <options>')
    .description('split the vote: e.g. yes=0.6,no=0.4 (weights summing to exactly 1)')
    .action((from: string, id: string, options: string, o: SendOptions) =>
      sendTx(from, o, () => [messages.govVoteWeighted(checkId(id, 'proposal'), weightedOptions(options))]),
    )
}

/** `fedra query gov …`. */
export function registerGovQuery(query: Command): void {
  const gov = query.command('gov').description('gov module queries: proposals, votes, tallies, params, the upgrade plan')

  withNode(gov.command('proposals'))
    .description('proposals by id (--status, --voter, --depositor filter)')
    .option('--status <status>', 'deposit_period | voting_period | passed | rejected | failed')
    .option('--voter <address>', 'only those this address voted on')
    .option('--depositor <address>', 'only those this address deposited to')
    .action((options: NodeOptions & { status?: string; voter?: string; depositor?: string }) =>
      withClient(options, async (client) => {
        const statuses = ['deposit_period', 'voting_period', 'passed', 'rejected', 'failed']
        if (options.status !== undefined && !statuses.includes(options.status))
          throw new CliError('USAGE', `--status is one of ${statuses.join(', ')}`, {})
        const params = {
          ...(options.status === undefined ? {} : { status: options.status as 'passed' }),
          ...(options.voter === undefined ? {} : { voter: checkAccount(options.voter) }),
          ...(options.depositor === undefined ? {} : { depositor: checkAccount(options.depositor) }),
        }
        const answer = await client.call('gov_proposals', params)
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['id', 'status', 'title', 'messages', 'deposit', 'voting ends', 'outcome'],
            answer.proposals.map((p) => [
              p.id,
              p.status,
              p.title,
              String(p.messages.length),
              p.total_deposit,
              p.voting_end_time ?? '-',
              p.outcome || '-',
            ]),
          )}\n`,
        )
      }),
    )

  withNode(gov.command('proposal <id>'))
    .description('one proposal: messages, status, periods, deposit, tally and outcome')
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('gov_proposal', { id: checkId(id, 'proposal') })
        if (options.json) return printJson(p)
        const tally =
          p.final_tally === null
            ? '-'
            : `yes ${p.final_tally.yes}, no ${p.final_tally.no}, abstain ${p.final_tally.abstain}, no_with_veto ${p.final_tally.no_with_veto}`
        process.stdout.write(
          `${fields([
            ['id', p.id],
            ['title', p.title],
            ['proposer', p.proposer],
            ['status', p.status],
            ['expedited', p.expedited ? 'yes' : 'no'],
            ['messages', p.messages.map((m) => m.type).join(', ') || 'none (text proposal)'],
            ['deposit', `${p.total_deposit} (${p.deposits})`],
            ['deposit ends', p.deposit_end_time],
            ['voting', p.voting_start_time === null ? '-' : `${p.voting_start_time} → ${p.voting_end_time}`],
            ['final tally', tally],
            ['outcome', p.outcome || '-'],
            ['failed because', p.failed_reason || '-'],
          ])}\n`,
        )
      }),
    )

  withNode(gov.command('tally <id>'))
    .description("a proposal's tally in bonded tokens (running while voted, final after)")
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const t = await client.call('gov_tally', { proposal: checkId(id, 'proposal') })
        if (options.json) return printJson(t)
        process.stdout.write(
          `${fields([
            ['yes', t.yes],
            ['no', t.no],
            ['abstain', t.abstain],
            ['no_with_veto', t.no_with_veto],
            ['final', t.final ? 'yes' : 'no (running)'],
          ])}\n`,
        )
      }),
    )

  withNode(gov.command('votes <id>'))
    .description('every vote on a proposal')
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('gov_votes', { proposal: checkId(id, 'proposal') })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['voter', 'options'],
            answer.votes.map((v) => [v.voter, v.options.map((o) => `${o.option} ${o.weight}`).join(', ')]),
          )}\n`,
        )
      }),
    )

  withNode(gov.command('scope <scope> <id>'))
    .description('whether a subnet or Datanet is under governance, and its rules')
    .action((scope: string, id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        if (scope !== 'subnet' && scope !== 'datanet')
          throw new CliError('USAGE', `scope is subnet or datanet, not "${scope.slice(0, 20)}"`, {})
        const g = await client.call('gov_scope', { scope, target: checkId(id, scope) })
        if (options.json) return printJson(g)
        const r = g.rules
        process.stdout.write(
          `${fields([
            ['scope', `${g.scope} ${g.target}`],
            ['governed', g.governed ? `yes, since height ${g.since_height}` : 'no'],
            ...(r === null
              ? []
              : ([
                  ['quorum', r.quorum],
                  ['threshold', r.threshold],
                  ['veto threshold', r.veto_threshold],
                  ['voting period', `${r.voting_period} ms`],
                  ['min deposit', r.min_deposit],
                ] as [string, string][])),
          ])}\n`,
        )
      }),
    )

  withNode(gov.command('scoped-proposals'))
    .description('scoped proposals by id (--scope, --target filter)')
    .option('--scope <scope>', 'subnet | datanet')
    .option('--target <id>', 'the subnet or Datanet id')
    .action((options: NodeOptions & { scope?: string; target?: string }) =>
      withClient(options, async (client) => {
        if (options.scope !== undefined && options.scope !== 'subnet' && options.scope !== 'datanet')
          throw new CliError('USAGE', '--scope is subnet or datanet', {})
        const params = {
          ...(options.scope === undefined ? {} : { scope: options.scope as 'subnet' }),
          ...(options.target === undefined ? {} : { target: checkId(options.target, '--target') }),
        }
        const answer = await client.call('gov_scopedProposals', params)
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['id', 'scope', 'status', 'title', 'messages', 'voting ends', 'outcome'],
            answer.proposals.map((p) => [
              p.id,
              `${p.scope} ${p.target}`,
              p.status,
              p.title,
              String(p.messages.length),
              p.voting_end_time,
              p.outcome || '-',
            ]),
          )}\n`,
        )
      }),
    )

  withNode(gov.command('scoped-tally <id>'))
    .description("a scoped proposal's tally (bond units in a subnet, curators in a Datanet; running while voted, final after)")
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const t = await client.call('gov_scopedTally', { proposal: checkId(id, 'proposal') })
        if (options.json) return printJson(t)
        process.stdout.write(
          `${fields([
            ['yes', t.yes],
            ['no', t.no],
            ['abstain', t.abstain],
            ['no_with_veto', t.no_with_veto],
            ['whole weight', t.total],
            ['final', t.final ? 'yes' : 'no (running)'],
          ])}\n`,
        )
      }),
    )

  withNode(gov.command('params'))
    .description("the gov module's params")
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('gov_params')
        if (options.json) return printJson(p)
        const { height, ...rest } = p
        process.stdout.write(`${fields(Object.entries(rest).map(([k, v]) => [k, String(v)]))}\n`)
        void height
      }),
    )
}

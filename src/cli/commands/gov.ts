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
  for (const key of Object.keys(file)) if (!known.includes(key)) throw new CliError('USAGE', `${path}: unknown field "${key}" (fields: ${known.join(', ')})`, { path })
  const list = file.messages ?? []
  if (!Array.isArray(list)) throw new CliError('USAGE', `${path}: messages must be a list`, { path })
  const contents = list.map((m, i) => {
    const at = `${path}: messages[${i}]`
    if (!isObject(m)) throw new CliError('USAGE', `${at} must be an object`, { path })
    switch (m.type) {
      case 'update-params':
        if (typeof m.module !== 'string' || !isObject(m.params)) throw new CliError('USAGE', `${at}: update-params needs "module" (a name) and "params" (an object)`, { path })
        return govContent.updateParams(m.module, m.params)
      case 'software-upgrade':
        if (typeof m.name !== 'string' || (typeof m.height !== 'string' && typeof m.height !== 'number')) throw new CliError('USAGE', `${at}: software-upgrade needs "name" and "height"`, { path })
        return govContent.softwareUpgrade({ name: m.name, height: m.height, ...(typeof m.info === 'string' ? { info: m.info } : {}) })
      case 'cancel-upgrade':
        return govContent.cancelUpgrade()
      default:
        throw new CliError('USAGE', `${at}: type is update-params, software-upgrade or cancel-upgrade, not ${JSON.stringify(m.type)?.slice(0, 40)}`, { path })
    }
  })
  if (typeof file.deposit !== 'string') throw new CliError('USAGE', `${path}: "deposit" is required, like "10000000ufdr"`, { path })
  if (typeof file.title !== 'string') throw new CliError('USAGE', `${path}: "title" is required`, { path })
  if (typeof file.summary !== 'string') throw new CliError('USAGE', `${path}: "summary" is required (what the proposal does and why)`, { path })
  return messages.govSubmitProposal({
    messages: contents,
    title: file.title,
    summary: file.summary,
    ...(typeof file.metadata === 'string' ? { metadata: file.metadata } : {}),
    deposit: file.deposit,
    expedited: file.expedited === true,
  })
}

/** `yes=0.6,no=0.4` → weighted options. */
function weightedOptions(text: string): { option: string; weight: string }[] {
  return text.split(',').map((part) => {
    const [option, weight] = part.split('=')
    if (option === undefined || weight === undefined || option === '' || weight === '') throw new CliError('USAGE', `"${part.slice(0, 40)}" is not OPTION=WEIGHT (e.g. yes=0.6,no=0.4)`, {})
    return { option: option.trim(), weight: weight.trim() }
  })
}

/** `fedra tx gov …`. */
export function registerGovTx(tx: Command): void {
  const gov = tx.command('gov').description('gov module transactions: submit proposals, deposit, vote')

  txCommand(gov, 'submit-proposal <from-key> <file>')
    .description('submit a proposal described by a JSON file (title, summary, deposit, expedited, messages: update-params | software-upgrade | cancel-upgrade)')
    .action((from: string, file: string, o: SendOptions) => sendTx(from, o, () => [proposalFromFile(file)]))

  txCommand(gov, 'deposit <from-key> <proposal> <amount>')
    .description("add to a proposal's deposit in its deposit period")
    .action((from: string, id: string, amount: string, o: SendOptions) => sendTx(from, o, () => [messages.govDeposit(checkId(id, 'proposal'), amount)]))

  txCommand(gov, 'vote <from-key> <proposal> <option>')
    .description("vote yes, abstain, no or no_with_veto with all the key's bonded power (a delegator's vote overrides its validator's for its share)")
    .action((from: string, id: string, option: string, o: SendOptions) => sendTx(from, o, () => [messages.govVote(checkId(id, 'proposal'), option)]))

  txCommand(gov, 'weighted-vote <from-key> <proposal> <options>')
    .description('split the vote: e.g. yes=0.6,no=0.4 (weights summing to exactly 1)')
    .action((from: string, id: string, options: string, o: SendOptions) => sendTx(from, o, () => [messages.govVoteWeighted(checkId(id, 'proposal'), weightedOptions(options))]))
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
        if (options.status !== undefined && !statuses.includes(options.status)) throw new CliError('USAGE', `--status is one of ${statuses.join(', ')}`, {})
        const params = {
          ...(options.status === undefined ? {} : { status: options.status as 'passed' }),
          ...(options.voter === undefined ? {} : { voter: checkAccount(options.voter) }),
          ...(options.depositor === undefined ? {} : { depositor: checkAccount(options.depositor) }),
        }
        const answer = await client.call('gov_proposals', params)
        if (options.json) return printJson(answer)
        process.stdout.write(`${table(['id', 'status', 'title', 'messages', 'deposit', 'voting ends', 'outcome'], answer.proposals.map((p) => [p.id, p.status, p.title, String(p.messages.length), p.total_deposit, p.voting_end_time ?? '-', p.outcome || '-']))}\n`)
      }),
    )

  withNode(gov.command('proposal <id>'))
    .description('one proposal: messages, status, periods, deposit, tally and outcome')
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const p = await client.call('gov_proposal', { id: checkId(id, 'proposal') })
        if (options.json) return printJson(p)
        const tally = p.final_tally === null ? '-' : `yes ${p.final_tally.yes}, no ${p.final_tally.no}, abstain ${p.final_tally.abstain}, no_with_veto ${p.final_tally.no_with_veto}`
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
        process.stdout.write(`${fields([['yes', t.yes], ['no', t.no], ['abstain', t.abstain], ['no_with_veto', t.no_with_veto], ['final', t.final ? 'yes' : 'no (running)']])}\n`)
      }),
    )

  withNode(gov.command('votes <id>'))
    .description('every vote on a proposal')
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('gov_votes', { proposal: checkId(id, 'proposal') })
        if (options.json) return printJson(answer)
        process.stdout.write(`${table(['voter', 'options'], answer.votes.map((v) => [v.voter, v.options.map((o) => `${o.option} ${o.weight}`).join(', ')]))}\n`)
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

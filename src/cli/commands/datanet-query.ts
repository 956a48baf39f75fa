import type { Command } from 'commander'
import type { Result } from '../../client/index.js'
import { fromHex, verifyMerkleProof } from '../../crypto/index.js'
import { CliError } from '../errors.js'
import { checkAccount, withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'
import { checkId } from './training-args.js'

const orDash = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? '-' : value)
const percent = (part: string, whole: string): string =>
  BigInt(whole) === 0n ? '-' : `${(Number((BigInt(part) * 1_000_000n) / BigInt(whole)) / 10_000).toFixed(2)} %`

type Walk = Result<'lineage_getAncestry'>

/**
 * The ancestry as an indented tree, the version first and each parent one level in: a node
 * reached again through a merge is named once more with "(above)" instead of its parents.
 */
export function ancestryTree(walk: Walk, root: { subnet: string; version: string }): string {
  const key = (r: { subnet: string; version: string }) => `${r.subnet}/${r.version}`
  const nodes = new Map(walk.nodes.map((n) => [key(n), n]))
  const parents = new Map<string, string[]>()
  for (const e of walk.edges) parents.set(key(e.child), [...(parents.get(key(e.child)) ?? []), key(e.parent)])
  const lines: string[] = []
  const shown = new Set<string>()
  const visit = (name: string, indent: string) => {
    const n = nodes.get(name)
    const [subnet, version] = name.split('/')
    const what = n === undefined ? '' : ` (${n.round === null ? 'initial model' : `round ${n.round}`}, ${n.status}) ${n.global_cid}`
    if (shown.has(name)) {
      lines.push(`${indent}subnet ${subnet} version ${version} (above)`)
      return
    }
    shown.add(name)
    lines.push(`${indent}subnet ${subnet} version ${version}${what}`)
    for (const parent of parents.get(name) ?? []) visit(parent, `${indent}  `)
  }
  visit(key(root), '')
  if (walk.truncated) lines.push('… (deeper ancestors left out: --depth)')
  return lines.join('\n')
}

/** `fedra query datanet|datanets|record|lineage|contributors|owed|usage`: the datanets and lineage modules over datanet_*, lineage_*, usage_*. */
export function registerDatanetQuery(query: Command): void {
  withNode(query.command('datanet <id>'))
    .description('one Datanet: owner, curators and rule, licence, privacy, treasury, its versions (and --records)')
    .option('--records', 'also list its records')
    .action((id: string, options: NodeOptions & { records?: boolean }) =>
      withClient(options, async (client) => {
        const d = await client.call('datanet_get', { id: checkId(id, 'datanet') })
        const { versions } = await client.call('datanet_versions', { datanet: id })
        const records =
          options.records === true ? (await client.call('datanet_records', { datanet: id, limit: '1000' })).records : undefined
        if (options.json) return printJson({ ...d, versions, ...(records === undefined ? {} : { records }) })
        process.stdout.write(
          `${fields([
            ['id', d.id],
            ['name', d.name],
            ['domain', d.domain],
            ['description', orDash(d.description)],
            ['owner', d.owner],
            ['curators', `${d.approvals} of ${d.curators.join(', ')}`],
            ['licence', d.licence],
            ['privacy', d.privacy],
            ['record bond', d.contribution_bond],
            ['reject slash', d.reject_slash_fraction],
            ['records', `${d.records} contributed, ${d.accepted} accepted`],
            ['treasury', d.treasury],
            ['created at', d.created_height],
            ['height', String(d.height)],
          ])}\n\n${table(
            ['version', 'records', 'root', 'publisher', 'published at'],
            versions.map((v) => [v.version, v.record_count, v.root, v.publisher, v.published_height]),
          )}\n`,
        )
        if (records !== undefined) {
          process.stdout.write(
            `\n${table(
              ['record', 'status', 'quality', 'contributor', 'content', 'size', 'contributed at'],
              records.map((r) => [
                r.record,
                r.status,
                r.status === 'accepted' ? String(r.quality / 10_000) + ' %' : '-',
                r.contributor,
                `${r.content_kind} ${r.content_id}`,
                r.size,
                r.contributed_height,
              ]),
            )}\n`,
          )
        }
      }),
    )

  withNode(query.command('datanets'))
    .description('every Datanet (the first 1000)')
    .action((options: NodeOptions) =>
      withClient(options, async (client) => {
        const answer = await client.call('datanet_list', { limit: '1000' })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['id', 'name', 'domain', 'privacy', 'owner', 'records', 'accepted', 'version'],
            answer.datanets.map((d) => [d.id, d.name, d.domain, d.privacy, d.owner, d.records, d.accepted, d.versions]),
          )}\n`,
        )
      }),
    )

  withNode(query.command('record <datanet> <record>'))
    .description("one record's provenance and curation; --proof VERSION fetches its inclusion proof in that version and checks it here")
    .option('--proof <version>', "check the record's inclusion in this version against the version's root")
    .action((datanet: string, id: string, options: NodeOptions & { proof?: string }) =>
      withClient(options, async (client) => {
        if (options.proof !== undefined) checkId(options.proof, '--proof version')
        const r = await client.call('datanet_record', { datanet: checkId(datanet, 'datanet'), record: checkId(id, 'record') })
        let verified: string | undefined
        if (options.proof !== undefined) {
          const version = await client.call('datanet_version', { datanet, version: options.proof })
          const proof = await client.call('datanet_getRecordProof', { datanet, version: options.proof, record: id })
          // The root is the version's, read apart from the proof: a proof for another tree does not pass.
          const ok =
            proof.root === version.root &&
            verifyMerkleProof(
              fromHex(version.root),
              fromHex(proof.leaf),
              proof.index,
              Number(version.record_count),
              proof.proof.map(fromHex),
            )
          if (!ok)
            throw new CliError(
              'VERIFICATION_FAILED',
              `the node's proof of record ${id} does not verify against version ${options.proof}'s root ${version.root}`,
              {},
            )
          verified = `yes: leaf ${proof.index} of ${version.record_count} under root ${version.root} (version ${options.proof})`
        }
        if (options.json) return printJson(verified === undefined ? r : { ...r, verified: true })
        process.stdout.write(
          `${fields([
            ['datanet', r.datanet],
            ['record', r.record],
            ['contributor', r.contributor],
            ['content', `${r.content_kind} ${r.content_id}`],
            ['size', r.size],
            ['licence', r.licence],
            ['metadata', orDash(r.metadata)],
            ['status', r.status],
            ['quality', r.status === 'accepted' ? `${r.quality} ppm` : '-'],
            ['votes', `${r.approvals} approve, ${r.rejections} reject`],
            ['bond', `${r.bond}${r.slashed === '0' ? '' : `, ${r.slashed} kept by the treasury`}`],
            ['contributed at', r.contributed_height],
            ['decided at', orDash(r.decided_height)],
            ...(verified === undefined ? [] : ([['verified', verified]] as [string, string][])),
          ])}\n${
            r.curations.length === 0
              ? ''
              : `\n${table(
                  ['curator', 'vote', 'reason', 'at'],
                  r.curations.map((c) => [c.curator, c.approve ? 'approve' : 'reject', String(c.reason), c.voted_height]),
                )}\n`
          }`,
        )
      }),
    )

  withNode(query.command('lineage <subnet> <version>'))
    .description(
      "a model version's ancestry across subnets as an indented tree (--json: the DAG's nodes and edges), with the Datanet versions it used",
    )
    .option('--depth <n>', 'generations to walk (≤ 64)')
    .action((subnet: string, version: string, options: NodeOptions & { depth?: string }) =>
      withClient(options, async (client) => {
        const ref = { subnet: checkId(subnet, 'subnet'), version: checkId(version, 'version') }
        const walk = await client.call('lineage_getAncestry', {
          ...ref,
          ...(options.depth === undefined ? {} : { depth: checkId(options.depth, '--depth') }),
        })
        if (options.json) return printJson(walk)
        const record = await client.call('lineage_version', ref)
        const data = record.datanet_versions.map((d) => `datanet ${d.datanet} version ${d.version}`).join(', ')
        process.stdout.write(`${ancestryTree(walk, ref)}\n\ndata: ${data === '' ? 'none declared' : data}\n`)
      }),
    )

  withNode(query.command('contributors <subnet> <version>'))
    .description('everyone credited for a version, through its ancestors with the decay: the share of a use fee each gets')
    .action((subnet: string, version: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const r = await client.call('lineage_getContributors', { subnet: checkId(subnet, 'subnet'), version: checkId(version, 'version') })
        if (options.json) return printJson(r)
        const rows = [...r.contributors]
          .sort((a, b) => (BigInt(b.weight) > BigInt(a.weight) ? 1 : BigInt(b.weight) < BigInt(a.weight) ? -1 : 0))
          .map((c) => [c.contributor, percent(c.weight, r.scale), String(c.versions)])
        process.stdout.write(
          `${table(['contributor', 'share of a fee', 'versions'], rows)}\n\nvalidators ${percent(r.validators, r.scale)}, pending ${percent(r.pending, r.scale)}, dust ${percent(r.dust, r.scale)}; ${r.versions} versions reached\n`,
        )
      }),
    )

  withNode(query.command('owed <who>'))
    .description('what an address (or treasury:SUBNET) can withdraw of use fees, per version')
    .action((who: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const treasury = /^treasury:(0|[1-9][0-9]{0,19})$/.exec(who)
        const answer = await client.call('usage_owed', treasury === null ? { address: checkAccount(who) } : { treasury: treasury[1]! })
        if (options.json) return printJson(answer)
        process.stdout.write(
          `${table(
            ['subnet', 'version', 'weight', 'accrued', 'entitled', 'paid', 'owed'],
            answer.versions.map((v) => [v.subnet, v.version, `${v.weight} / ${v.total_weight}`, v.accrued, v.entitled, v.paid, v.owed]),
          )}\n\ntotal ${answer.total}${answer.denom}\n`,
        )
      }),
    )

  withNode(query.command('usage <id>'))
    .description("a model use's receipt: user, version, fee and its split")
    .action((id: string, options: NodeOptions) =>
      withClient(options, async (client) => {
        const r = await client.call('usage_receipt', { id: checkId(id, 'receipt id') })
        if (options.json) return printJson(r)
        process.stdout.write(
          `${fields([
            ['receipt', r.id],
            ['user', r.user],
            ['model', `subnet ${r.subnet} version ${r.version}`],
            ['fee', `${r.fee}${r.denom}`],
            ['purpose', orDash(r.purpose)],
            ['to its parents', r.parents_part],
            ['to validators', `${r.validators_part} (ancestors' ${r.ancestors_validators})`],
            ['pooled', `${r.pooled} (ancestors' ${r.ancestors_pooled})`],
            ['versions credited', String(r.credited)],
            ['used at', r.used_height],
            ['state key', r.state_key],
          ])}\n`,
        )
      }),
    )
}

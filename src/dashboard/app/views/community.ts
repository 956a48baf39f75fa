import type { View } from '../context.js'
import { addr, badge, fdr, h, kv, link, mono, section, table } from '../dom.js'

export const datanets: View = async (ctx) => {
  const { datanets } = await ctx.client.call('datanet_list', {})
  return h(
    'div',
    null,
    h('h1', null, 'Datanets'),
    table(
      ['id', 'name', 'domain', 'privacy', 'records', 'accepted', 'latest version', 'curators'],
      datanets.map((d) => [
        link(`#/datanet/${d.id}`, d.id),
        link(`#/datanet/${d.id}`, d.name),
        d.domain,
        d.privacy,
        d.records,
        d.accepted,
        d.versions,
        d.curators.length,
      ]),
      { id: 'datanets' },
    ),
  )
}

export const datanet: View = async (ctx, [id]) => {
  const { client } = ctx
  const [d, records, versions] = await Promise.all([
    client.call('datanet_get', { id: id! }),
    client.call('datanet_records', { datanet: id! }),
    client.call('datanet_versions', { datanet: id! }),
  ])
  return h(
    'div',
    null,
    h('h1', null, `Datanet ${d.id}: ${d.name}`),
    kv([
      ['domain', d.domain],
      ['owner', addr(d.owner)],
      ['licence', d.licence],
      ['privacy', d.privacy],
      ['curation', `${d.approvals} of ${d.curators.length} curators`],
      ['bond', fdr(d.contribution_bond)],
      ['treasury', fdr(d.treasury)],
    ]),
    section(
      'Records',
      table(
        ['record', 'contributor', 'content', 'status', 'approvals', 'rejections', 'quality', 'bond'],
        records.records.map((r) => [
          r.record,
          addr(r.contributor),
          mono(r.content_id, 14),
          badge(r.status, r.status === 'accepted' ? 'ok' : r.status === 'rejected' ? 'bad' : 'warn'),
          r.approvals,
          r.rejections,
          `${(r.quality / 10_000).toFixed(2)} %`,
          fdr(r.bond),
        ]),
      ),
    ),
    section(
      'Versions',
      table(
        ['version', 'root', 'records', 'publisher', 'published'],
        versions.versions.map((x) => [x.version, mono(x.root, 16), x.record_count, addr(x.publisher), x.published_height]),
      ),
    ),
  )
}

export const gov: View = async (ctx) => {
  const { proposals } = await ctx.client.call('gov_proposals', {})
  if (proposals.some((p) => p.status === 'voting_period' || p.status === 'deposit_period')) ctx.liveRefresh(3000)
  const rows = await Promise.all(
    proposals.map(async (p) => {
      const t = p.final_tally ?? (await ctx.client.call('gov_tally', { proposal: p.id }))
      return [
        p.id,
        p.title,
        badge(p.status, p.status === 'passed' ? 'ok' : p.status === 'voting_period' ? 'warn' : ''),
        fdr(p.total_deposit),
        `yes ${fdr(t.yes)} · no ${fdr(t.no)} · veto ${fdr(t.no_with_veto)} · abstain ${fdr(t.abstain)}`,
        p.outcome || '—',
      ]
    }),
  )
  return h(
    'div',
    null,
    h('h1', null, 'Governance'),
    table(['id', 'title', 'status', 'deposit', 'tally (bonded stake voting)', 'outcome'], rows, { id: 'proposals' }),
  )
}

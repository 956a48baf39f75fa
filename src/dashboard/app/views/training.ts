import type { View } from '../context.js'
import { accuracyChart, heatmap, lineageGraph } from '../charts.js'
import { addr, badge, dec, fdr, h, kv, link, mono, section, short, table } from '../dom.js'

export const subnets: View = async (ctx) => {
  const { subnets } = await ctx.client.call('subnet_list', {})
  return h(
    'div',
    null,
    h('h1', null, 'Subnets'),
    table(
      ['id', 'name', 'domain', 'rule', 'trainers', 'aggregators', 'parameters'],
      subnets.map((s) => [
        link(`#/subnet/${s.id}`, s.id),
        link(`#/subnet/${s.id}`, s.name),
        s.domain,
        s.params.aggregation_rule,
        s.trainers,
        s.aggregators,
        s.parameter_count,
      ]),
      { id: 'subnets' },
    ),
  )
}

export const subnet: View = async (ctx, [id]) => {
  const { client } = ctx
  const [s, members, versions] = await Promise.all([
    client.call('subnet_get', { id: id! }),
    client.call('subnet_members', { subnet: id! }),
    client.call('model_versions', { subnet: id! }),
  ])
  const live = h('div', { id: 'live-round' })
  const renderRound = async () => {
    try {
      const r = await client.call('round_get', { subnet: id! })
      const commitments =
        r.phase === 'score' || r.closed ? (await client.call('reputation_commitments', { subnet: id!, round: r.round })).commitments : []
      const revealed = commitments.filter((c) => c.status === 'revealed').length
      live.replaceChildren(
        kv([
          ['round', link(`#/round/${id}/${r.round}`, r.round)],
          ['phase', badge(r.phase, r.phase === 'closed' ? 'ok' : 'warn')],
          ['updates in', `${r.updates} of at most ${r.max_updates}`],
          ['aggregate verified', r.version === null ? 'not yet' : badge(`yes: version ${r.version}`, 'ok')],
          ['scores revealed', `${revealed} of ${commitments.length} committed`],
          [
            'windows',
            `submit to ${r.submit_end_height}, aggregate to ${r.aggregate_end_height}, close at ${r.close_height} (now ${r.height})`,
          ],
          ['rejected aggregates', r.rejections.length],
        ]),
      )
    } catch (error) {
      live.replaceChildren(h('p', null, (error as Error).message))
    }
  }
  await renderRound()
  let busy = false
  ctx.onBlock(() => {
    if (busy) return
    busy = true
    void renderRound().finally(() => (busy = false))
  })
  const p = s.params
  return h(
    'div',
    null,
    h('h1', null, `Subnet ${s.id}: ${s.name}`),
    h('p', null, s.description),
    section('Current round (live)', live),
    section(
      'Parameters',
      kv([
        ['domain', s.domain],
        ['admin', addr(s.admin)],
        ['rule', p.aggregation_rule],
        ['validation set', p.validation_set],
        ['timing', `submit ${p.timing.submit_window}, aggregate ${p.timing.aggregate_window}, gap ${p.timing.gap} blocks`],
        ['quantization', `${p.quantization.dtype}, scale ${p.quantization.scale}, clip ${p.quantization.clip_norm}`],
        ['sample cap', p.sample_cap],
        ['max trainers', p.max_trainers],
        ['membership', p.membership],
        ['bonds', `trainer ${fdr(p.min_trainer_bond)}, aggregator ${fdr(p.min_aggregator_bond)}`],
        [
          'reward split',
          `trainers ${p.reward_split.trainers}, aggregator ${p.reward_split.aggregator}, scorers ${p.reward_split.scorers}, data ${p.reward_split.data}`,
        ],
        ['sharing', p.sharing.mode],
        ['parameters', s.parameter_count],
      ]),
    ),
    section(
      'Members',
      table(
        ['address', 'role', 'bond', 'joined'],
        members.members.map((m) => [addr(m.address), m.role, fdr(m.bond), m.joined_height]),
        { id: 'members' },
      ),
    ),
    section(
      'Model versions',
      table(
        ['version', 'round', 'parent', 'global model', 'trainers', 'recorded'],
        [...versions.versions]
          .reverse()
          .map((v) => [
            link(`#/version/${id}/${v.version}`, v.version),
            v.round === null ? '—' : link(`#/round/${id}/${v.round}`, v.round),
            v.parent ?? '—',
            mono(v.global_cid, 16),
            v.included.length,
            v.recorded_height,
          ]),
      ),
    ),
  )
}

export const round: View = async (ctx, [id, number]) => {
  const { client } = ctx
  const [r, updates, receipts, commitments, rejected, versions] = await Promise.all([
    client.call('round_get', { subnet: id!, round: number! }),
    client.call('round_updates', { subnet: id!, round: number! }),
    client.call('contribution_receipts', { subnet: id!, round: number! }),
    client.call('reputation_commitments', { subnet: id!, round: number! }).catch(() => ({ commitments: [] })),
    client.call('round_rejectedUpdates', { subnet: id!, round: number! }),
    client.call('model_versions', { subnet: id! }),
  ])
  let payouts: Awaited<ReturnType<typeof client.call<'rewards_payouts'>>> | null = null
  try {
    payouts = await client.call('rewards_payouts', { subnet: id!, round: number! })
  } catch {}
  const receiptOf = new Map(receipts.receipts.map((x) => [x.trainer, x]))
  const paid = new Map((payouts?.trainers ?? []).map((x) => [x.trainer, x]))
  const rows = updates.updates.map((u) => {
    const rc = receiptOf.get(u.trainer)
    const loss = u.claimed_metrics.find((m) => m.name === 'loss')
    return [
      addr(u.trainer),
      u.sample_count,
      u.weight,
      loss === undefined ? '—' : (Number(loss.value) / 1e6).toFixed(3),
      rc === undefined ? '—' : h('span', { class: 'score' }, dec(rc.consensus_score)),
      rc === undefined ? '—' : dec(rc.reputation_after),
      fdr(paid.get(u.trainer)?.reward ?? rc?.reward ?? '0'),
      fdr(paid.get(u.trainer)?.slashed ?? rc?.slashed ?? '0'),
      link(`/blobs/${u.update_cid}`, short(u.update_cid, 12), { class: 'mono', title: u.update_cid }),
    ]
  })
  const rejectedRows = rejected.rejected_updates.map((x) => [addr(x.trainer), x.reason, x.norm_sq, x.cosine, fdr(x.slashed)])
  const trainerOrder = (versions.versions.find((v) => v.version === r.version)?.included ?? []).map((i) => i.trainer)
  const finished = versions.versions.filter((v) => v.round !== null)
  // Updates, aggregate and score votes arrive while the round is open: follow them.
  if (!r.closed) ctx.liveRefresh(2000)
  const curve = await accuracyChart(
    ctx,
    id!,
    finished.map((v) => ({ round: Number(v.round), version: v.version })),
    Number(number),
  )
  return h(
    'div',
    null,
    h('h1', null, `Subnet ${id} · round ${number}`),
    kv([
      ['phase', badge(r.phase, r.closed ? 'ok' : 'warn')],
      ['base version', r.base_version],
      ['new version', r.version === null ? '—' : link(`#/version/${id}/${r.version}`, r.version)],
      ['rule', r.rule],
      ['updates', r.updates],
      ['opened', r.open_height],
      ['closes', r.close_height],
      ['rejected aggregates', r.rejections.length],
    ]),
    section(
      'Accuracy and loss across rounds',
      h(
        'p',
        { class: 'note' },
        "each finished round's global model evaluated on the 2000 MNIST test digits by the serving node (model_evaluate, not chain state); solid: accuracy, dashed: loss",
      ),
      curve,
    ),
    section(
      'Updates',
      h(
        'p',
        { class: 'note' },
        'norm and cosine to the aggregate are on record only for refused updates (below): the chain keeps no such figures for accepted ones',
      ),
      table(['trainer', 'samples', 'weight', 'claimed loss', 'consensus score', 'reputation after', 'reward', 'slashed', 'update'], rows, {
        id: 'round-updates',
      }),
    ),
    section(
      "Validators' scores",
      heatmap(
        commitments.commitments.map((c) => ({ validator: c.validator, status: c.status, scores: c.scores, stake: c.stake })),
        trainerOrder,
      ),
    ),
    section('Refused updates (free-riders)', table(['trainer', 'reason', 'norm²', 'cosine', 'slashed'], rejectedRows)),
  )
}

export const version: View = async (ctx, [id, v]) => {
  const rec = await ctx.client.call('lineage_version', { subnet: id!, version: v! })
  const dv = rec.datanet_versions.map((d) => link(`#/datanet/${d.datanet}`, `Datanet ${d.datanet} v${d.version}`))
  return h(
    'div',
    null,
    h('h1', null, `Model version ${id}/${v}`),
    kv([
      ['kind', rec.kind],
      ['round', rec.round === null ? '—' : link(`#/round/${id}/${rec.round}`, rec.round)],
      [
        'parents',
        rec.parents.length === 0
          ? '—'
          : h(
              'span',
              null,
              rec.parents.map((p) => link(`#/version/${p.subnet}/${p.version}`, `${p.subnet}/${p.version} `)),
            ),
      ],
      ['global model', mono(rec.global_cid, 60)],
      ['aggregator', addr(rec.aggregator)],
      ['Datanet versions', dv.length === 0 ? '—' : h('span', null, dv)],
      ['status', rec.status],
      ['pool', `${fdr(rec.pool.accrued)} accrued, ${fdr(rec.pool.paid)} paid`],
    ]),
    section(
      'Trainers',
      table(
        ['trainer', 'samples', 'consensus score', 'weight'],
        rec.trainers.map((t) => [addr(t.trainer), t.sample_count, t.consensus_score ?? '—', t.weight]),
      ),
    ),
    section(
      'Credits',
      table(
        ['contributor', 'trainer', 'data', 'aggregator', 'treasury', 'weight', 'paid'],
        rec.credits.map((c) => [
          c.contributor.startsWith('fedra1') ? addr(c.contributor) : c.contributor,
          c.trainer,
          c.data,
          c.aggregator,
          c.treasury,
          c.weight,
          fdr(c.paid),
        ]),
      ),
    ),
    section('Lineage', h('p', null, link(`#/lineage/${id}/${v}`, 'the DAG of this version'))),
  )
}

export const lineage: View = async (ctx, [id, v]) => {
  const { subnets } = await ctx.client.call('subnet_list', {})
  if (subnets.length === 0) return h('div', null, h('h1', null, 'Lineage'), h('p', null, 'no subnet yet'))
  const subnetId = id ?? subnets[0]!.id
  const latest = v ?? (await ctx.client.call('model_latest', { subnet: subnetId })).version
  const dag = await ctx.client.call('lineage_getAncestry', { subnet: subnetId, version: latest })
  // The Datanet versions each version trained on (a few dozen versions at most on one page).
  const records = await Promise.all(
    dag.nodes.slice(0, 40).map((n) => ctx.client.call('lineage_version', { subnet: n.subnet, version: n.version }).catch(() => null)),
  )
  const datanetVersions = new Map(
    records.flatMap((r) =>
      r === null || r.datanet_versions.length === 0 ? [] : [[`${r.subnet}/${r.version}`, r.datanet_versions] as const],
    ),
  )
  const picker = h(
    'p',
    null,
    'subnets: ',
    subnets.map((s) => link(`#/lineage/${s.id}`, `${s.id} ${s.name} `)),
  )
  const list = h(
    'ul',
    { id: 'lineage-versions' },
    dag.nodes.map((n) =>
      h(
        'li',
        { 'data-version': `${n.subnet}/${n.version}` },
        link(`#/version/${n.subnet}/${n.version}`, `${n.subnet}/${n.version}`),
        ` ${n.kind}, `,
        n.round === null ? 'initial model' : link(`#/round/${n.subnet}/${n.round}`, `round ${n.round}`),
        ` · ${n.status}`,
      ),
    ),
  )
  return h(
    'div',
    null,
    h('h1', null, `Lineage of ${subnetId}/${latest}`),
    picker,
    lineageGraph(dag, datanetVersions),
    section('Versions', list),
    dag.truncated ? h('p', { class: 'note' }, 'truncated at the depth bound') : null,
  )
}

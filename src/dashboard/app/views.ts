import type { BlockJsonValue } from '../../rpc/shapes.js'
import { fromHex, toHex } from '../../client/index.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Ctx } from './context.js'
import { accuracyChart, heatmap, lineageGraph } from './charts.js'
import { addr, badge, dec, fdr, h, kv, link, mono, pct, section, short, table } from './dom.js'

export type View = (ctx: Ctx, args: string[]) => Promise<HTMLElement>

const txHashOf = (hex: string) => toHex(sha256(fromHex(hex)))
const fmtTime = (ms: number | string | null) =>
  ms === null
    ? '—'
    : new Date(Number(ms))
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')

/** Block time and tx/s over the last `n` blocks (from their headers). */
async function recentBlocks(ctx: Ctx, latest: number, n: number): Promise<BlockJsonValue[]> {
  const heights = Array.from({ length: Math.min(n, latest) }, (_, i) => latest - i).filter((x) => x >= 1)
  return Promise.all(heights.map((x) => ctx.client.block(x)))
}

function rates(blocks: BlockJsonValue[]): { blockMs: number | null; tps: number | null } {
  if (blocks.length < 2) return { blockMs: null, tps: null }
  const span = blocks[0]!.header.time - blocks.at(-1)!.header.time
  const txs = blocks.slice(0, -1).reduce((sum, b) => sum + b.txs.length, 0)
  return { blockMs: span / (blocks.length - 1), tps: span > 0 ? (txs * 1000) / span : null }
}

function blockRow(b: BlockJsonValue) {
  return [
    link(`#/block/${b.header.height}`, b.header.height),
    mono(b.blockId),
    fmtTime(b.header.time),
    b.txs.length,
    addr(b.header.proposer),
  ]
}

export const overview: View = async (ctx) => {
  const { client } = ctx
  const [status, net, set, staking, infos, slashing] = await Promise.all([
    client.status(),
    client.netInfo(),
    client.validators(),
    client.stakingValidators(),
    client.call('slashing_signingInfos', {}),
    client.call('slashing_params'),
  ])
  const latest = status.syncInfo.latestHeight
  const blocks = await recentBlocks(ctx, latest, 20)
  const { blockMs, tps } = rates(blocks)
  const height = h('strong', { id: 'height', 'data-height': latest }, latest)
  const stats = h(
    'div',
    { class: 'cards' },
    h('div', { class: 'card' }, h('span', null, 'height'), height),
    h(
      'div',
      { class: 'card' },
      h('span', null, 'block time'),
      h('strong', { id: 'block-time' }, blockMs === null ? '—' : `${(blockMs / 1000).toFixed(2)} s`),
    ),
    h('div', { class: 'card' }, h('span', null, 'tx/s'), h('strong', { id: 'tps' }, tps === null ? '—' : tps.toFixed(2))),
    h('div', { class: 'card' }, h('span', null, 'peers'), h('strong', { id: 'peers' }, net.peerCount)),
    h('div', { class: 'card' }, h('span', null, 'validators'), h('strong', null, set.validators.length)),
  )
  const window = BigInt(slashing.signed_blocks_window)
  const byCons = new Map(infos.signing_infos.map((i) => [i.address_hex, i]))
  const { decodeAddress } = await import('../../crypto/address.js')
  const consHex = (consensusAddress: string) => toHex(decodeAddress(consensusAddress))
  const power = new Map(set.validators.map((v) => [v.publicKey, v.votingPower]))
  const rows = staking.validators.map((v) => {
    const info = byCons.get(consHex(v.consensus_address))
    const missed = info === undefined ? 0n : BigInt(info.missed_blocks_counter)
    const uptime = window > 0n ? 1 - Number(missed) / Number(window) : null
    const state =
      info?.tombstoned === true
        ? badge('tombstoned', 'bad')
        : v.jailed
          ? badge('jailed', 'warn')
          : badge(v.status, v.status === 'bonded' ? 'ok' : '')
    return [v.moniker || short(v.operator), mono(v.operator, 16), power.get(v.consensus_pubkey) ?? '0', fdr(v.tokens), pct(uptime), state]
  })
  const recent = table(['height', 'block id', 'time', 'txs', 'proposer'], blocks.slice(0, 10).map(blockRow), { id: 'recent-blocks' })
  const view = h(
    'div',
    null,
    h('h1', null, `${status.nodeInfo.network} · ${status.nodeInfo.moniker}`),
    stats,
    section(
      'Validators',
      h('p', { class: 'note' }, `uptime over the slashing window of ${window} blocks (missed blocks counted by the slashing module)`),
      table(['moniker', 'operator', 'power', 'bonded', 'uptime', 'status'], rows, { id: 'validators' }),
    ),
    section('Latest blocks', recent),
  )
  const times = blocks.map((b) => b.header.time)
  ctx.onBlock((b) => {
    height.textContent = String(b.header.height)
    height.dataset.height = String(b.header.height)
    times.unshift(b.header.time)
    times.length = Math.min(times.length, 20)
    if (times.length > 1)
      view.querySelector('#block-time')!.textContent = `${((times[0]! - times.at(-1)!) / (times.length - 1) / 1000).toFixed(2)} s`
    const body = recent.tBodies[0]!
    body.prepend(
      h(
        'tr',
        null,
        blockRow(b).map((c) => h('td', null, c)),
      ),
    )
    while (body.rows.length > 10) body.deleteRow(-1)
  })
  return view
}

export const blocks: View = async (ctx) => {
  const status = await ctx.client.status()
  const list = await recentBlocks(ctx, status.syncInfo.latestHeight, 25)
  const t = table(['height', 'block id', 'time', 'txs', 'proposer'], list.map(blockRow), { id: 'blocks' })
  ctx.onBlock((b) =>
    t.tBodies[0]!.prepend(
      h(
        'tr',
        null,
        blockRow(b).map((c) => h('td', null, c)),
      ),
    ),
  )
  return h('div', null, h('h1', null, 'Blocks'), t)
}

export const block: View = async (ctx, [at]) => {
  const b = await ctx.client.block(/^\d+$/.test(at!) ? Number(at) : at!)
  const results = await ctx.client.blockResults(b.header.height)
  const hd = b.header
  const rows = b.txs.map((tx, i) => {
    const r = results.txResults[i]
    const hash = r?.hash ?? txHashOf(tx)
    return [
      i,
      link(`#/tx/${hash}`, short(hash, 16), { class: 'mono' }),
      r === undefined ? '—' : r.code === 0 ? badge('ok', 'ok') : badge(`${r.codespace}/${r.code}`, 'bad'),
      r?.gasUsed ?? '—',
      r === undefined ? '' : r.events.map((e) => e.type).join(', '),
    ]
  })
  return h(
    'div',
    null,
    h('h1', null, `Block ${hd.height}`),
    kv([
      ['block id', mono(b.blockId, 64)],
      ['time', fmtTime(hd.time)],
      ['proposer', addr(hd.proposer)],
      ['state root', mono(hd.stateRoot, 64)],
      ['previous', hd.prevBlockId === null ? '—' : link(`#/block/${hd.height - 1}`, short(hd.prevBlockId, 16))],
      ['next', link(`#/block/${hd.height + 1}`, hd.height + 1)],
      ['signatures', b.lastCommit?.signatures.length ?? 0],
      ['evidence', b.evidence.length],
    ]),
    section('Transactions', table(['#', 'hash', 'result', 'gas used', 'events'], rows, { id: 'block-txs' })),
    section('Block events', eventsList([...results.beginBlockEvents, ...results.endBlockEvents])),
  )
}

function eventsList(events: { type: string; attributes: { key: string; value: string }[] }[]): HTMLElement {
  if (events.length === 0) return h('p', { class: 'empty' }, 'none')
  return h(
    'ul',
    { class: 'events' },
    events.map((e) =>
      h(
        'li',
        null,
        h('b', null, e.type),
        ' ',
        e.attributes.map((a) => h('span', { class: 'attr' }, `${a.key}=${short(a.value, 24)}`)),
      ),
    ),
  )
}

export const tx: View = async (ctx, [hash]) => {
  const t = await ctx.client.tx(hash!)
  const r = t.result
  return h(
    'div',
    null,
    h('h1', null, 'Transaction'),
    kv(
      [
        ['hash', mono(t.hash, 64)],
        ['block', link(`#/block/${t.height}`, `${t.height} (#${t.index})`)],
        ['signer', addr(t.signer)],
        [
          'result',
          r.code === 0
            ? badge('ok', 'ok')
            : h('span', { id: 'tx-failure' }, badge(`failed: ${r.codespace} code ${r.code}`, 'bad'), ' ', r.log),
        ],
        ['gas', `${r.gasUsed} used of ${r.gasWanted}`],
        ['fee', t.body === null ? '—' : fdr(t.body.fee)],
        ['nonce', t.body?.nonce ?? '—'],
        ['memo', t.body?.memo || '—'],
      ],
      { id: 'tx' },
    ),
    section(
      'Messages',
      t.body === null
        ? h('p', null, 'the transaction could not be decoded (on record with its failure code)')
        : h(
            'ol',
            { class: 'messages' },
            t.body.messages.map((m) => h('li', null, h('b', null, m.type), h('pre', null, JSON.stringify(m.value, null, 2)))),
          ),
    ),
    section('Events', eventsList(r.events)),
  )
}

function bankPath(addressHex: string, denom: string): string {
  return `bank/62${addressHex}${toHex(new TextEncoder().encode(denom))}`
}

export const account: View = async (ctx, [address]) => {
  const { client } = ctx
  const [acct, delegations, rewards, subnets] = await Promise.all([
    client.account(address!),
    client.delegations(address!),
    client.rewards(address!),
    client.call('subnet_list', {}),
  ])
  const { decodeAddress } = await import('../../crypto/address.js')
  const addressHex = toHex(decodeAddress(address!))
  const receipts = (
    await Promise.all(
      subnets.subnets.map(async (s) => {
        const { history } = await client.call('reputation_history', { subnet: s.id, trainer: address! })
        // Each receipt's reward and slash (the history has the scores only).
        const full = await Promise.all(
          history.map((entry) =>
            client.call('contribution_receipt', { subnet: s.id, round: entry.round, trainer: address! }).catch(() => null),
          ),
        )
        return history.map((entry, i) => ({ subnet: s.id, ...entry, reward: full[i]?.reward ?? null, slashed: full[i]?.slashed ?? null }))
      }),
    )
  ).flat()
  const balanceRows = acct.balances.map((b) => {
    const out = h('span', { class: 'verify-out' })
    const verify = async () => {
      out.textContent = 'checking…'
      try {
        const v = await client.verifiedQuery(bankPath(addressHex, b.denom))
        // The balance as the proven bytes say (big-endian, src/modules/bank/coins.ts), not as the node's JSON says.
        const proven = v.value === null || v.value.length === 0 ? 0n : BigInt(`0x${toHex(v.value)}`)
        out.replaceChildren(
          badge('verified', 'ok'),
          ` ${fdr(proven, b.denom)} proven against the state root of block ${v.header.height}, whose commit was checked against its validator set`,
        )
      } catch (error) {
        out.replaceChildren(badge('verification failed', 'bad'), ` ${(error as Error).message}`)
      }
    }
    return [b.denom, fdr(b.amount, b.denom), h('span', null, h('button', { onclick: verify }, 'verify'), ' ', out)]
  })
  const receiptRows = receipts.map((r) => {
    const out = h('span', { class: 'verify-out' })
    const verify = async () => {
      out.textContent = 'checking…'
      out.dataset.state = 'checking'
      try {
        const v = await client.verifiedContribution(r.subnet, r.round, address!)
        out.dataset.state = 'verified'
        out.replaceChildren(
          badge('verified', 'ok'),
          ` score ${v.receipt === null ? '—' : dec(v.receipt.consensusScore.toString())} · reward ${v.receipt === null ? '—' : fdr(BigInt(v.receipt.reward))} · proven against block ${v.header.height}`,
        )
      } catch (error) {
        out.dataset.state = 'failed'
        out.replaceChildren(badge('verification failed', 'bad'), ` ${(error as Error).message}`)
      }
    }
    return [
      link(`#/subnet/${r.subnet}`, r.subnet),
      link(`#/round/${r.subnet}/${r.round}`, r.round),
      r.version,
      dec(r.consensus_score),
      dec(r.reputation_after),
      r.scored ? 'yes' : 'no',
      r.reward === null ? '—' : fdr(r.reward),
      r.slashed === null ? '—' : fdr(r.slashed),
      h('span', { class: 'receipt', 'data-subnet': r.subnet, 'data-round': r.round }, h('button', { onclick: verify }, 'verify'), ' ', out),
    ]
  })
  return h(
    'div',
    null,
    h('h1', null, 'Account'),
    kv([
      ['address', mono(address!, 64)],
      ['nonce', acct.nonce],
      ['public key', acct.publicKey === null ? '— (never signed)' : mono(acct.publicKey, 64)],
      ['read at', `block ${acct.height}`],
    ]),
    section('Balances', table(['denom', 'amount', 'proof'], balanceRows, { id: 'balances' })),
    section(
      'Delegations',
      table(
        ['validator', 'shares', 'balance'],
        delegations.delegations.map((d) => [mono(d.validator, 16), d.shares, fdr(d.balance)]),
      ),
    ),
    section(
      'Rewards',
      table(
        ['validator', 'reward'],
        rewards.rewards.map((r) => [mono(r.validator, 16), r.reward.map((c) => `${c.amount} ${c.denom}`).join(', ')]),
      ),
    ),
    section(
      'Contribution receipts',
      h(
        'p',
        { class: 'note' },
        "verify checks the receipt in this page, not the node: its bytes against the state root of a header whose commit (ed25519, noble) carries +2/3 of the validator set that hashes to the header's validatorsHash; that set is read from this node (a light client would carry a trusted one forward)",
      ),
      table(['subnet', 'round', 'version', 'consensus score', 'reputation after', 'scored', 'reward', 'slashed', 'proof'], receiptRows, {
        id: 'receipts',
      }),
    ),
    section('Transactions', await accountTxs(ctx, address!)),
  )
}

async function accountTxs(ctx: Ctx, address: string): Promise<HTMLElement> {
  try {
    const { txs } = await ctx.client.searchTxs({ signer: address, limit: 20, order: 'desc' })
    return table(
      ['hash', 'block', 'messages', 'result'],
      txs.map((t) => [
        link(`#/tx/${t.hash}`, short(t.hash, 16), { class: 'mono' }),
        link(`#/block/${t.height}`, t.height),
        t.body?.messages.map((m) => m.type).join(', ') ?? '—',
        t.result.code === 0 ? badge('ok', 'ok') : badge(`${t.result.codespace}/${t.result.code}`, 'bad'),
      ]),
    )
  } catch (error) {
    return h('p', { class: 'note' }, `no transaction index on this node (${(error as Error).message})`)
  }
}

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

export const ROUTES: Record<string, View> = {
  '': overview,
  blocks,
  block,
  tx,
  account,
  subnets,
  subnet,
  round,
  version,
  lineage,
  datanets,
  datanet,
  gov,
}

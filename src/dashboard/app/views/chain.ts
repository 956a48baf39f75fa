// The chain's pages: overview, blocks, a block, a transaction, an account.
import type { BlockJsonValue } from '../../../rpc/shapes.js'
import { fromHex, toHex } from '../../../client/index.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Ctx, View } from '../context.js'
import { addr, badge, dec, fdr, h, kv, link, mono, pct, section, short, table } from '../dom.js'

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
  const { decodeAddress } = await import('../../../crypto/address.js')
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
  const { decodeAddress } = await import('../../../crypto/address.js')
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

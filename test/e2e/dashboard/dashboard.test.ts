import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { ClientError, buildTx, messages } from '../../../src/client/index.js'
import { devnetAccount, devnetOperator } from '../../../src/devnet/layout.js'
import { waitFor } from '../../../src/devnet/process.js'
import { fdr } from '../../../src/dashboard/app/dom.js'
import { type DashboardDevnet, startDashboardDevnet } from './support/harness.js'

/**
 * The dashboard (issue 25) in a real headless Chromium against a short training devnet of real
 * processes (one validator serving the page at / of its RPC port, two trainers, an aggregator,
 * a scorer, a curated Datanet): the overview's height advances without a reload, a round page
 * draws a point per finished round and shows the trainers' consensus scores, the lineage view
 * lists the versions, a contribution receipt verifies in the page and a tampered one fails, and
 * no page logs a console error. Each view's screenshot goes to FEDRA_DASHBOARD_SHOTS
 * (`npm run docs:dashboard` writes docs/img/dashboard).
 */
describe('the dashboard in Chromium against a training devnet (real processes)', function () {
  this.timeout(300_000)
  let net: DashboardDevnet
  let page: Page
  /** A chain round that has closed with scored receipts, and its trainers. */
  let scored: { round: string; trainers: string[] }

  before(async () => {
    net = await startDashboardDevnet()
    const { client } = net
    // Two finished rounds (versions 1 and 2), the first scored and settled (its receipts in state).
    scored = await waitFor(
      'round 0 of subnet 0 scored and a second round finished',
      async () => {
        const { receipts } = await client.call('contribution_receipts', { subnet: '0', round: '0' }).catch(() => ({ receipts: [] }))
        const { versions } = await client.call('model_versions', { subnet: '0' }).catch(() => ({ versions: [] }))
        return receipts.length === 2 && receipts.every((r) => r.scored) && versions.length >= 3
          ? { round: '0', trainers: receipts.map((r) => r.trainer) }
          : undefined
      },
      200_000,
      300,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${net.output()}`)
    })
    page = await net.page()
  })

  after(async () => {
    await net?.stop()
  })

  afterEach(function () {
    // Every case also checks that nothing went wrong in the page while it ran.
    if (this.currentTest?.state === 'passed') assert.deepEqual(net.problems, [], 'console or page errors')
  })

  it('overview: the height advances without a reload, with the validator set, its power and uptime, over a live WebSocket', async () => {
    await net.open(page, '#/')
    const first = Number(await page.getAttribute('#height', 'data-height'))
    assert.ok(first > 0)
    await page.waitForFunction((h) => Number(document.getElementById('height')?.dataset.height) >= h + 2, first, { timeout: 20_000 })
    assert.equal(await page.getAttribute('#conn', 'data-state'), 'live')
    const validators = await page.locator('#validators tbody tr').allInnerTexts()
    assert.equal(validators.length, 1)
    assert.match(validators[0]!, /^validator0\s+fedravaloper1\S+\s+10\s+10 FDR\s+100\.0 %\s+bonded$/)
    assert.ok((await page.locator('#recent-blocks tbody tr').count()) >= 2)
    assert.notEqual(await page.textContent('#block-time'), '—')
    await net.shot(page, 'overview')
  })

  it("round page: the accuracy curve has a point per finished round, and each trainer's consensus score is the chain's", async () => {
    const { client } = net
    const finished = (await client.call('model_versions', { subnet: '0' })).versions.filter((v) => v.round !== null)
    await net.open(page, `#/round/0/${scored.round}`)
    const points = Number(await page.getAttribute('#accuracy-chart', 'data-points'))
    assert.ok(points >= finished.length && points >= 2, `${points} points for ${finished.length} finished rounds`)
    assert.equal((await page.locator('#accuracy-chart canvas').count()) >= 1, true, 'uPlot drew a canvas')
    // The points are the node's evaluations of each version, one row each.
    const rows = await page.locator('#accuracy-table tbody tr').allTextContents()
    assert.equal(rows.length, points)
    const evaluation = await fetch(net.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'model_evaluate', params: { subnet: '0', version: finished[0]!.version } }),
    }).then((r) => r.json() as Promise<{ result: { accuracy: number } }>)
    assert.match(rows[0]!, new RegExp(`^${finished[0]!.round}${finished[0]!.version}${evaluation.result.accuracy.toFixed(4)}`))
    assert.ok(evaluation.result.accuracy > 0.5, `round 0's model at ${evaluation.result.accuracy}`)
    const { receipts } = await client.call('contribution_receipts', { subnet: '0', round: scored.round })
    const table = await page.locator('#round-updates tbody tr').allInnerTexts()
    assert.equal(table.length, 2)
    for (const r of receipts) {
      const row = table.find((t) => t.includes(r.trainer.slice(0, 12)))
      assert.ok(row !== undefined, `a row for ${r.trainer}`)
      assert.match(row!, new RegExp(`\\b${Number(r.consensus_score).toFixed(4)}\\b`), `${r.trainer}'s score ${r.consensus_score}`)
    }
    // The score matrix: a row per validator that committed, a cell per trainer.
    const cells = await page.locator('#score-heatmap tbody tr td.cell').allTextContents()
    const { commitments } = await client.call('reputation_commitments', { subnet: '0', round: scored.round })
    assert.deepEqual(
      cells,
      commitments.flatMap((c) => c.scores.map(String)),
    )
    await net.shot(page, 'round')
  })

  it('lineage: the DAG and the list hold every version back to the initial model, and the Datanet version trained on', async () => {
    const { client } = net
    await net.open(page, '#/lineage/0/2')
    const ancestry = await client.call('lineage_getAncestry', { subnet: '0', version: '2' })
    const listed = await page.locator('#lineage-versions li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.version))
    assert.deepEqual(
      listed,
      ancestry.nodes.map((n) => `${n.subnet}/${n.version}`),
    )
    assert.deepEqual(listed, ['0/2', '0/1', '0/0'])
    await page.waitForFunction(() => document.getElementById('lineage-dag')?.dataset.rendered !== undefined, undefined, { timeout: 10_000 })
    const rendered = Number(await page.getAttribute('#lineage-dag', 'data-rendered'))
    const datanetVersions = new Set(
      (await Promise.all(ancestry.nodes.map((n) => client.call('lineage_version', { subnet: n.subnet, version: n.version })))).flatMap(
        (v) => v.datanet_versions.map((d) => `${d.datanet}/${d.version}`),
      ),
    )
    assert.ok(datanetVersions.size >= 1, 'the devnet trains on its Datanet')
    assert.equal(rendered, ancestry.nodes.length + datanetVersions.size, 'a node per version and per Datanet version')
    await net.shot(page, 'lineage')
  })

  it('a contribution receipt verifies in the page; the same receipt tampered in transit is shown as failing', async () => {
    const trainer = scored.trainers[0]!
    await net.open(page, `#/account/${trainer}`)
    const receipt = page.locator(`#receipts .receipt[data-round="${scored.round}"]`)
    await receipt.locator('button').click()
    const out = receipt.locator('.verify-out')
    await page.waitForFunction((el) => el !== null && (el as HTMLElement).dataset.state !== 'checking', await out.elementHandle(), {
      timeout: 20_000,
    })
    assert.equal(await out.getAttribute('data-state'), 'verified', (await out.textContent()) ?? '')
    assert.match((await out.textContent())!, /proven against block \d+/)
    // A balance too: its bank state value proven against a verified header.
    const balance = page.locator('#balances tbody tr').first()
    await balance.locator('button').click()
    await page.waitForFunction(
      (el) => el !== null && /verified|failed/.test(el.textContent ?? ''),
      await balance.locator('.verify-out').elementHandle(),
      { timeout: 20_000 },
    )
    assert.match((await balance.locator('.verify-out').textContent())!, /^verified [\d,.]+ FDR proven against the state root of block \d+/)
    await net.shot(page, 'account')
    // The node's answer changed on its way to the page: the receipt's bytes, one byte flipped.
    await page.route(net.url, async (route) => {
      const body = route.request().postData() ?? ''
      if (!body.includes('contribution_getProof')) return route.continue()
      const response = await route.fetch()
      const json = (await response.json()) as { result: { value: string } }
      const v = json.result.value
      json.result.value = `${v.slice(0, -2)}${v.endsWith('00') ? '01' : '00'}`
      await route.fulfill({ response, body: JSON.stringify(json) })
    })
    try {
      await receipt.locator('button').click()
      await page.waitForFunction((el) => el !== null && (el as HTMLElement).dataset.state !== 'checking', await out.elementHandle(), {
        timeout: 20_000,
      })
      assert.equal(await out.getAttribute('data-state'), 'failed')
      assert.match((await out.textContent())!, /verification failed.*(proof does not match|disagree)/)
      await net.shot(page, 'account-tampered')
    } finally {
      await page.unroute(net.url)
    }
  })

  it('blocks, a transaction decoded with its messages, events and failure code, the subnet with its live round, Datanets, and a proposal with its tally', async () => {
    const { client } = net
    // A transfer that fails in execution (more than the account holds): on record with its code.
    const key = devnetAccount(15)
    const sent = await client.broadcastTx(
      await buildTx(client, key, [messages.bankSend(devnetAccount(14).publicKey.address, [{ denom: 'ufdr', amount: 10n ** 30n }])], {
        fee: 200n,
        gasLimit: 200_000n,
      }),
      'commit',
      30_000,
    )
    assert.notEqual(sent.result?.code, 0)
    await net.open(page, `#/tx/${sent.hash}`)
    assert.match((await page.textContent('#tx-failure'))!, new RegExp(`failed: ${sent.result!.codespace} code ${sent.result!.code}`))
    assert.match((await page.textContent('.messages'))!, /bank\/MsgSend/)
    await net.shot(page, 'tx')
    await net.open(page, `#/block/${sent.height}`)
    assert.match((await page.textContent('#block-txs'))!, new RegExp(sent.hash.slice(0, 16)))
    await net.shot(page, 'block')
    // Search by height and by address lands on those pages.
    await page.fill('#search input', String(sent.height))
    await page.press('#search input', 'Enter')
    await page.waitForFunction(
      (h) => location.hash === `#/block/${h}` && document.getElementById('view')?.dataset.ready === 'true',
      sent.height,
      { timeout: 10_000 },
    )
    // A text proposal at the minimum deposit, voted yes by validator0's operator: listed with its running tally.
    const minDeposit = (await client.call('gov_params')).min_deposit
    const proposed = await client.broadcastTx(
      await buildTx(
        client,
        devnetAccount(15),
        [
          messages.govSubmitProposal({
            messages: [],
            title: 'Dashboard test proposal',
            summary: 'A text proposal the dashboard lists',
            deposit: `${minDeposit}ufdr`,
          }),
        ],
        { fee: 200n, gasLimit: 400_000n },
      ),
      'commit',
      30_000,
    )
    assert.equal(proposed.result?.code, 0, proposed.result?.log)
    const { proposals } = await client.call('gov_proposals', {})
    const proposal = proposals.find((p) => p.title === 'Dashboard test proposal')!
    // validator0's operator key is also its scorer's, whose commit or reveal can take the nonce this
    // vote read: a REPLAYED refusal means "build it again with the next nonce" (at most 5 tries)
    const vote = () =>
      buildTx(client, devnetOperator(0), [messages.govVote(proposal.id, 'yes')], { fee: 200n, gasLimit: 400_000n }).then((tx) =>
        client.broadcastTx(tx, 'commit', 30_000),
      )
    let voted: Awaited<ReturnType<typeof vote>> | undefined
    for (let attempt = 1; voted === undefined; attempt++) {
      try {
        voted = await vote()
      } catch (error) {
        if (attempt >= 5 || !(error instanceof ClientError) || !/REPLAYED/.test(error.message)) throw error
      }
    }
    assert.equal(voted.result?.code, 0, voted.result?.log)
    const tally = await client.call('gov_tally', { proposal: proposal.id })
    assert.ok(BigInt(tally.yes) > 0n)
    for (const [route, selector, name] of [
      ['#/blocks', '#blocks', 'blocks'],
      ['#/subnet/0', '#live-round', 'subnet'],
      ['#/datanets', '#datanets', 'datanets'],
      ['#/gov', '#proposals', 'governance'],
    ] as const) {
      await net.open(page, route)
      assert.equal(await page.locator('#view-error').count(), 0, `${route}: ${await page.textContent('#view')}`)
      assert.equal(await page.locator(selector).count(), 1, route)
      await net.shot(page, name)
    }
    await net.open(page, '#/gov')
    await page.waitForFunction((t) => document.getElementById('proposals')?.textContent?.includes(`yes ${t}`), fdr(tally.yes), {
      timeout: 10_000,
    })
    assert.match((await page.textContent('#proposals'))!, /Dashboard test proposal\s*voting_period/)
    await net.open(page, '#/datanets')
    assert.ok((await page.locator('#datanets tbody tr').count()) >= 1, "the devnet's Datanet")
  })
})

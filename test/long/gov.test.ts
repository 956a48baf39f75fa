import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FedraClient, type PrivateKey, buildTx, messages } from '../../src/client/index.js'
import {
  DEVNET_SELF_BOND,
  devnetAccount,
  devnetAccountName,
  devnetOperator,
  devnetOperatorName,
  loadDevnet,
} from '../../src/devnet/layout.js'
import { waitFor } from '../../src/devnet/process.js'
import { tempDir } from '../helpers/chain.js'
import { fedraCli } from '../helpers/fedra-cli.js'

const REPO = resolve('.')
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const TX_FEE = 200n
const DELEGATION = 5_000_000n

/**
 * Issue 24's chain-scope governance on real processes (`npm run e2e:gov`, about a minute; not in
 * `npm test`): a devnet of two validators with 20-second governance periods (`--gov-period 20`: under load one CLI call took ~7 s, and 8 s ran out before the votes).
 * Three proposals, submitted and voted with the CLI: (A) a params change of the datanets module
 * (its creation deposit), voted yes by both validators' operators while a delegator of
 * validator0 votes no for its own share — the tally the test computes from the bonded tokens is
 * the chain's, A passes, and the next Datanet created pays the new deposit; (B) a text proposal
 * nobody votes on misses quorum and its deposit is refunded (burn_vote_quorum off); (C) one
 * vetoed by validator1 (40 % of the voting power) is rejected and its deposit burned.
 */
describe('governance on a devnet: a params change passes and takes effect, a quorum miss refunds, a veto burns (real processes)', function () {
  this.timeout(300_000)
  const work = tempDir('fedra-e2e-gov-')
  const dir = join(work.path, 'devnet')
  let script: ChildProcess | null = null
  let output = ''
  let client: FedraClient
  let url = ''

  after(async () => {
    client?.close()
    script?.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 3_000))
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  })

  const send = async (key: PrivateKey, msgs: Uint8Array[]) => {
    const answer = await client.broadcastTx(await buildTx(client, key, msgs, { fee: TX_FEE, gasLimit: 1_000_000n }), 'commit', 30_000)
    assert.equal(answer.result?.code, 0, JSON.stringify(answer.result))
  }
  const ufdr = async (address: string) => BigInt((await client.account(address)).balances.find((b) => b.denom === 'ufdr')?.amount ?? '0')
  const cli = (args: string[]) => fedraCli(args, dir, url)
  const proposalFile = (name: string, body: Record<string, unknown>) => {
    const path = join(work.path, `${name}.json`)
    writeFileSync(path, JSON.stringify(body))
    return path
  }

  it('tallies by bonded stake with a delegator overriding its validator, executes the change, refunds a quorum miss and burns a veto', async () => {
    script = spawn(
      process.execPath,
      [
        '--import',
        TSX,
        join(REPO, 'scripts/devnet.ts'),
        '--dir',
        dir,
        '--validators',
        '2',
        '--no-training',
        '--gov-period',
        '20',
        '--rpc-port',
        '0',
      ],
      { cwd: work.path, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('the devnet layout', async () => loadDevnet(dir) !== null && /Ctrl-C stops every node/.test(output), 120_000, 250)
    url = `http://127.0.0.1:${loadDevnet(dir)!.nodes[0]!.rpcPort}/`
    client = new FedraClient({ url, timeoutMs: 60_000 })
    await waitFor('height 3', async () => ((await client.status().catch(() => null))?.syncInfo.latestHeight ?? 0) >= 3, 120_000, 250)
    const gov = await client.call('gov_params')
    assert.equal(gov.voting_period, '20000', output)

    // A delegator of validator0, who will vote against its validator.
    const delegator = devnetAccount(5)
    const [operator0, operator1] = [devnetOperator(0), devnetOperator(1)]
    await send(delegator, [messages.stakingDelegate(operator0.publicKey.address, `${DELEGATION}ufdr`)])

    // A: datanets' creation deposit 1 FDR → 3 FDR, every field of its params listed.
    const { height: _h, ...datanetParams } = await client.call('datanet_params')
    assert.equal(datanetParams.creation_deposit, '1000000')
    const proposer = devnetAccount(1)
    await cli([
      'tx',
      'gov',
      'submit-proposal',
      devnetAccountName(1),
      proposalFile('a', {
        title: 'dearer Datanets',
        summary: 'a creation deposit of 3 FDR',
        deposit: `${gov.min_deposit}ufdr`,
        messages: [{ type: 'update-params', module: 'datanets', params: { ...datanetParams, creation_deposit: '3000000' } }],
      }),
    ])
    const quorumBefore = await ufdr(devnetAccount(2).publicKey.address)
    await cli([
      'tx',
      'gov',
      'submit-proposal',
      devnetAccountName(2),
      proposalFile('b', { title: 'nobody votes', summary: 'a text proposal left to its quorum', deposit: `${gov.min_deposit}ufdr` }),
    ])
    const vetoBefore = await ufdr(devnetAccount(3).publicKey.address)
    await cli([
      'tx',
      'gov',
      'submit-proposal',
      devnetAccountName(3),
      proposalFile('c', { title: 'vetoed', summary: 'a text proposal validator1 vetoes', deposit: `${gov.min_deposit}ufdr` }),
    ])
    const { proposals } = await client.call('gov_proposals', {})
    const [a, b, c] = ['dearer Datanets', 'nobody votes', 'vetoed'].map((title) => proposals.find((p) => p.title === title)!.id)
    assert.deepEqual(
      proposals.map((p) => p.status),
      ['voting_period', 'voting_period', 'voting_period'],
      'the full deposit opens voting at once',
    )

    await cli(['tx', 'gov', 'vote', devnetOperatorName(0), a!, 'yes'])
    await cli(['tx', 'gov', 'vote', devnetOperatorName(1), a!, 'yes'])
    await cli(['tx', 'gov', 'vote', devnetAccountName(5), a!, 'no'])
    await cli(['tx', 'gov', 'vote', devnetOperatorName(0), c!, 'yes'])
    await cli(['tx', 'gov', 'weighted-vote', devnetOperatorName(1), c!, 'no_with_veto=1'])

    // The tally as x/gov computes it: validator0's tokens less the delegator's share, which votes no.
    const running = await client.call('gov_tally', { proposal: a! })
    const v0 = DEVNET_SELF_BOND + DELEGATION
    assert.deepEqual(
      [running.yes, running.no, running.abstain, running.no_with_veto],
      [String(v0 - DELEGATION + DEVNET_SELF_BOND), String(DELEGATION), '0', '0'],
    )

    const ended = await waitFor(
      'the three voting periods to end',
      async () => {
        const all = (await client.call('gov_proposals', {})).proposals
        return all.every((p) => p.status !== 'voting_period' && p.status !== 'deposit_period') ? all : undefined
      },
      120_000,
      250,
    )
    const byId = new Map(ended.map((p) => [p.id, p]))
    assert.equal(byId.get(a!)!.status, 'passed', JSON.stringify(byId.get(a!)))
    assert.deepEqual(byId.get(a!)!.final_tally, {
      yes: String(2n * DEVNET_SELF_BOND),
      no: String(DELEGATION),
      abstain: '0',
      no_with_veto: '0',
    })
    assert.deepEqual([byId.get(b!)!.status, byId.get(b!)!.deposits], ['rejected', 'refunded'], JSON.stringify(byId.get(b!)))
    assert.deepEqual([byId.get(c!)!.status, byId.get(c!)!.deposits], ['rejected', 'burned'], JSON.stringify(byId.get(c!)))
    assert.match(await cli(['query', 'gov', 'proposal', a!]), /status +passed/)

    // The change, in queries and in behaviour: the next Datanet costs 3 FDR.
    assert.equal((await client.call('datanet_params')).creation_deposit, '3000000')
    const before = await ufdr(proposer.publicKey.address)
    await send(proposer, [
      messages.datanetsCreate({
        name: 'after the vote',
        domain: 'tests/gov',
        licence: 'CC0-1.0',
        curators: [proposer.publicKey.address],
        approvals: 1,
        contributionBond: 1n,
        rejectSlashFraction: '0',
        privacy: 'private',
      }),
    ])
    assert.equal(await ufdr(proposer.publicKey.address), before - 3_000_000n - TX_FEE)
    // B's deposit came back; C's did not.
    assert.equal(await ufdr(devnetAccount(2).publicKey.address), quorumBefore - TX_FEE)
    assert.equal(await ufdr(devnetAccount(3).publicKey.address), vetoBefore - BigInt(gov.min_deposit) - TX_FEE)
    void operator1
  })
})

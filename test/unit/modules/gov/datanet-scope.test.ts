import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { Dec } from '../../../../src/state/index.js'
import {
  GOV_ERRORS,
  MsgEnableDatanetGovernance,
  MsgScopedVote,
  MsgSetDatanetCurators,
  MsgSubmitScopedProposal,
  govModule,
} from '../../../../src/modules/gov/index.js'
import { MsgUpdateAllowList } from '../../../../src/modules/subnets/index.js'
import { tempDirs } from '../../../support/chain.js'
import { CURATORS, DatanetsChain, OWNER, TRAINERS, addr, coin, datanetsGenesisJson, hashRecord, who } from '../datanets/harness.js'
import { statelessCode } from './harness.js'

const RULES = {
  quorum: Dec.parse('0.5'),
  threshold: Dec.parse('0.5'),
  vetoThreshold: Dec.parse('0.334'),
  votingPeriod: 3000n,
  minDeposit: 1000n,
}
const [A, B, C] = CURATORS as [number, number, number]
const NEWCOMER = 4
const setCurators = (datanet: bigint, curators: number[], approvals: number) =>
  encode(MsgSetDatanetCurators, { datanet, curators: curators.map(addr), approvals })
const scoped = (datanet: bigint, messages: Uint8Array[], overrides: Record<string, unknown> = {}) => ({
  scope: 'datanet',
  target: datanet,
  messages,
  title: 'new curators',
  summary: 'a fourth expert',
  deposit: coin(1000n),
  ...overrides,
})

function govResult(executed: Awaited<ReturnType<DatanetsChain['block']>>, i = 0): string {
  const r = executed.txResults[i]!
  if (r.code === 0) return 'OK'
  if (r.codespace !== 'gov') return `${r.codespace}/${r.code}`
  return Object.entries(GOV_ERRORS).find(([, n]) => n === r.code)?.[0] ?? String(r.code)
}
const gov = (c: DatanetsChain, name: string, params: Record<string, unknown> = {}) => c.app.query('gov', name, params) as any

describe('gov Datanet scope: its curators vote on its curators', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("a curators' vote replaces a Datanet's curators and approvals; records decided before keep the old rule, the new curators curate", async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create({ privacy: 'private' })
    // A record accepted by 2 of 3 under the rule at creation.
    const r0 = await c.contribute(TRAINERS[0]!, hashRecord(id, 'scan 0'))
    await c.accept(id, r0)

    assert.equal(govResult(await c.block([TRAINERS[0]!, MsgEnableDatanetGovernance, { datanet: id, rules: RULES }])), 'NOT_SCOPE_OWNER')
    assert.equal(govResult(await c.block([OWNER, MsgEnableDatanetGovernance, { datanet: 9n, rules: RULES }])), 'UNKNOWN_SCOPE')
    assert.equal(govResult(await c.block([OWNER, MsgEnableDatanetGovernance, { datanet: id, rules: RULES }])), 'OK')
    assert.equal(govResult(await c.block([OWNER, MsgEnableDatanetGovernance, { datanet: id, rules: RULES }])), 'SCOPE_ALREADY_GOVERNED')
    assert.equal(gov(c, 'scope', { scope: 'datanet', target: String(id) }).governed, true)

    // A record pending with one vote: a curator change now is refused (its vote was cast under the old rule).
    const r1 = await c.contribute(TRAINERS[1]!, hashRecord(id, 'scan 1'))
    await c.curate(id, r1, [[A, true]])
    const early = await c.block([A, MsgSubmitScopedProposal, scoped(id, [setCurators(id, [A, B, C, NEWCOMER], 3)])])
    assert.equal(govResult(early), 'INVALID_PROPOSAL_MESSAGE')
    assert.match(early.txResults[0]!.log, /CURATION_IN_PROGRESS/)
    await c.curate(id, r1, [[B, true]])

    const deposit = c.balance(A)
    assert.equal(govResult(await c.block([A, MsgSubmitScopedProposal, scoped(id, [setCurators(id, [A, B, C, NEWCOMER], 3)])])), 'OK')
    const pid = BigInt(gov(c, 'scoped_proposals', { scope: 'datanet' }).proposals[0].id)
    const votes = await c.block(
      [A, MsgScopedVote, { proposal: pid, option: 'yes' }],
      [B, MsgScopedVote, { proposal: pid, option: 'yes' }],
      [C, MsgScopedVote, { proposal: pid, option: 'no' }],
      [A, MsgScopedVote, { proposal: pid, option: 'no' }],
      [NEWCOMER, MsgScopedVote, { proposal: pid, option: 'yes' }],
    )
    assert.deepEqual(
      votes.txResults.map((_, i) => govResult(votes, i)),
      ['OK', 'OK', 'OK', 'ALREADY_VOTED', 'NOT_A_VOTER'],
    )
    assert.deepEqual(gov(c, 'scoped_tally', { proposal: String(pid) }), {
      yes: '2',
      no: '1',
      abstain: '0',
      no_with_veto: '0',
      total: '3',
      final: false,
    })
    while (gov(c, 'scoped_proposal', { id: String(pid) }).status === 'voting_period') await c.block()
    const ended = gov(c, 'scoped_proposal', { id: String(pid) })
    assert.deepEqual([ended.status, ended.deposits], ['passed', 'refunded'], JSON.stringify(ended))
    assert.equal(c.balance(A), deposit - 200n * 3n, 'deposit back, three fees paid')
    const datanet = c.query<{ curators: string[]; approvals: number }>('datanet', { id: String(id) })
    assert.deepEqual([new Set(datanet.curators), datanet.approvals], [new Set([A, B, C, NEWCOMER].map(who)), 3])

    // Records decided under 2-of-3 stay accepted (the invariants check them against their epoch); the newcomer curates, 3 of 4 now.
    assert.equal(c.query<{ status: string }>('record', { datanet: String(id), record: String(r0) }).status, 'accepted')
    const r2 = await c.contribute(TRAINERS[2]!, hashRecord(id, 'scan 2'))
    await c.curate(id, r2, [
      [NEWCOMER, true],
      [A, true],
    ])
    assert.equal(
      c.query<{ status: string }>('record', { datanet: String(id), record: String(r2) }).status,
      'pending',
      '2 of the 3 approvals now needed',
    )
    await c.curate(id, r2, [[B, true]])
    assert.equal(c.query<{ status: string }>('record', { datanet: String(id), record: String(r2) }).status, 'accepted')

    // Export and re-import with a scoped proposal still open (its deposit held, one vote cast): the same books, every invariant.
    await c.block([A, MsgSubmitScopedProposal, scoped(id, [], { title: 'open at export' })])
    const open = BigInt(gov(c, 'scoped_proposals').proposals.find((p: { title: string }) => p.title === 'open at export').id)
    await c.block([NEWCOMER, MsgScopedVote, { proposal: open, option: 'yes' }])
    const exported = c.app.exportAppState()
    const section = exported.gov as { scopes: unknown[]; scoped_proposals: unknown[]; scoped_votes: unknown[] }
    assert.deepEqual([section.scopes.length, section.scoped_proposals.length, section.scoped_votes.length], [1, 2, 4])
    assert.equal((exported.datanets as { curator_epochs: unknown[] }).curator_epochs.length, 2)
    const fresh = await DatanetsChain.restore(dirs.next(), { ...datanetsGenesisJson(), initial_height: c.height + 1, app_state: exported })
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().gov, exported.gov)
    assert.deepEqual(fresh.app.exportAppState().datanets, exported.datanets)
    await fresh.close()
    const genesisWith = (gov: Record<string, unknown>) => ({
      ...datanetsGenesisJson(),
      initial_height: c.height + 1,
      app_state: { ...exported, gov: { ...(exported.gov as object), ...gov } },
    })
    await assert.rejects(DatanetsChain.restore(dirs.next(), genesisWith({ scopes: [] })), /scoped proposal 1 .*not governed/)
    await assert.rejects(
      DatanetsChain.restore(dirs.next(), genesisWith({ scoped_votes: [{ proposal: String(open), voter: who(A), option: 'maybe' }] })),
      /scoped_votes\[0\]\.option/,
    )
    // Without the epochs, the records decided under 2 of 3 do not fit 3 of 4: refused.
    await assert.rejects(
      DatanetsChain.restore(dirs.next(), {
        ...datanetsGenesisJson(),
        initial_height: c.height + 1,
        app_state: { ...exported, datanets: { ...(exported.datanets as object), curator_epochs: [] } },
      }),
      /record 0\/0 is accepted; its votes make it pending/,
    )
    await c.close()
  })

  it('refuses a message the Datanet scope may not carry, a curator list the datanets module refuses, and a change of another Datanet', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create()
    const other = await c.create({ name: 'other' })
    assert.equal(
      statelessCode(
        MsgSubmitScopedProposal,
        scoped(id, [encode(MsgUpdateAllowList, { subnet: 0n, add: [addr(9)], remove: [] })]),
        govModule,
      ),
      'MESSAGE_NOT_ALLOWED',
    )
    // An empty curator list does not even encode (1..32); truncated bytes do not decode.
    assert.equal(
      statelessCode(MsgSubmitScopedProposal, scoped(id, [setCurators(id, [A], 1).slice(0, -3)]), govModule),
      'INVALID_PROPOSAL_MESSAGE',
    )
    await c.block(
      [OWNER, MsgEnableDatanetGovernance, { datanet: id, rules: RULES }],
      [OWNER, MsgEnableDatanetGovernance, { datanet: other, rules: RULES }],
    )
    const refused = await c.block(
      [A, MsgSubmitScopedProposal, scoped(id, [setCurators(id, [A, B], 3)])], // approvals above the curators
      [A, MsgSubmitScopedProposal, scoped(id, [setCurators(id, [A, A], 1)])], // twice
      [A, MsgSubmitScopedProposal, scoped(id, [setCurators(other, [A], 1)])], // about the other Datanet
    )
    assert.deepEqual(
      refused.txResults.map((_, i) => govResult(refused, i)),
      ['INVALID_PROPOSAL_MESSAGE', 'INVALID_PROPOSAL_MESSAGE', 'SCOPE_MISMATCH'],
    )
    assert.match(refused.txResults[0]!.log, /BAD_APPROVALS/)
    assert.match(refused.txResults[1]!.log, /BAD_CURATORS/)
    assert.deepEqual(gov(c, 'scoped_proposals').proposals, [])
    await c.close()
  })
})

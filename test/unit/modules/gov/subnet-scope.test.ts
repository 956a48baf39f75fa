import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { Dec, moduleAddress } from '../../../../src/state/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import {
  GOV_ERRORS,
  MsgEnableSubnetGovernance,
  MsgScopedVote,
  MsgSubmitScopedProposal,
  MsgUpdateParams,
  govModule,
} from '../../../../src/modules/gov/index.js'
import {
  MsgCreateSubnet as CreateSubnet,
  MsgJoinSubnet,
  MsgUpdateAllowList,
  MsgUpdateSubnetParams,
  SUBNETS_ERRORS,
} from '../../../../src/modules/subnets/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  ADMIN,
  AGGREGATORS,
  AGGREGATOR_BOND,
  OUTSIDER,
  TRAINERS,
  TRAINER_BOND,
  TrainingChain,
  addr,
  coin,
  createTrainingSubnet,
  testSubnetParams,
  updateBlob,
  type Tx,
} from '../training/harness.js'
import { statelessCode } from './harness.js'

const RULES = {
  quorum: Dec.parse('0.5'),
  threshold: Dec.parse('0.5'),
  vetoThreshold: Dec.parse('0.334'),
  votingPeriod: 3000n,
  minDeposit: 1000n,
}
const MEMBERS = [...TRAINERS, ...AGGREGATORS]
/** Account 0 holds nothing in the subnet and administers none. */
const STRANGER = 0

const addSeven = () => encode(MsgUpdateAllowList, { subnet: 0n, add: [addr(OUTSIDER)], remove: [] })
const scoped = (messages: Uint8Array[], overrides: Record<string, unknown> = {}) => ({
  scope: 'subnet',
  target: 0n,
  messages,
  title: 'admit account 7',
  summary: 'a new trainer',
  deposit: coin(1000n),
  ...overrides,
})

/** The tx result as [codespace, code name] ('' / OK on success). */
function result(executed: Awaited<ReturnType<TrainingChain['block']>>, i = 0): [string, string] {
  const r = executed.txResults[i]!
  if (r.code === 0) return ['', 'OK']
  const table: Record<string, Record<string, number>> = { gov: GOV_ERRORS, subnets: SUBNETS_ERRORS }
  return [r.codespace, Object.entries(table[r.codespace] ?? {}).find(([, n]) => n === r.code)?.[0] ?? String(r.code)]
}

/** Subnet 0 with an allow-list of the harness' trainers and aggregators, joined, and put under governance in block 1. */
async function governedChain(dir: string): Promise<TrainingChain> {
  const chain = await TrainingChain.open(dir)
  const created = await chain.block(
    [ADMIN, CreateSubnet, createTrainingSubnet({ allowList: MEMBERS.map(addr) }, { membership: 'allow-list' })],
    ...TRAINERS.map((t): Tx => [t, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }]),
    ...AGGREGATORS.map((a): Tx => [a, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }]),
    [ADMIN, MsgEnableSubnetGovernance, { subnet: 0n, rules: RULES }],
  )
  assert.ok(
    created.txResults.every((r) => r.code === 0),
    JSON.stringify(created.txResults.map((r) => r.log)),
  )
  return chain
}

const balanceOf = (chain: TrainingChain, i: number): bigint =>
  BigInt((chain.app.query('bank', 'balance', { address: encodeAddress(addr(i)), denom: 'ufdr' }) as { amount: string }).amount)
const gov = (chain: TrainingChain, name: string, params: Record<string, unknown> = {}) => chain.app.query('gov', name, params) as any

describe("gov subnet scope: a governed subnet's members vote its allow-list and params, weighted by bond", () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("a members' vote adds a trainer to a private subnet's allow-list, and that trainer submits in the next round", async () => {
    const chain = await governedChain(dirs.next())
    const supply = chain.supply()
    const subnet = chain.app.query('subnets', 'subnet', { id: '0' }) as { admin: string }
    assert.equal(subnet.admin, encodeAddress(moduleAddress('gov')), 'the gov module account administers it')
    assert.deepEqual(gov(chain, 'scope', { scope: 'subnet', target: '0' }).rules, {
      quorum: '0.5',
      threshold: '0.5',
      veto_threshold: '0.334',
      voting_period: '3000',
      min_deposit: '1000',
    })

    // Before the vote: account 7 may not join, and the former admin can no longer change the list.
    const before = await chain.block(
      [OUTSIDER, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }],
      [ADMIN, MsgUpdateAllowList, { subnet: 0n, add: [addr(OUTSIDER)], remove: [] }],
    )
    assert.deepEqual(
      [result(before, 0), result(before, 1)],
      [
        ['subnets', 'NOT_ALLOWED'],
        ['subnets', 'NOT_ADMIN'],
      ],
    )

    const proposer = TRAINERS[0]!
    const held = balanceOf(chain, proposer)
    const submitted = await chain.block([proposer, MsgSubmitScopedProposal, scoped([addSeven()])])
    assert.deepEqual(result(submitted), ['', 'OK'])
    assert.equal(balanceOf(chain, proposer), held - 1000n - 200n, 'deposit and fee paid')
    const id = gov(chain, 'scoped_proposals').proposals[0].id
    // Trainer 2 (1000) and both aggregators (5000 each) vote yes; trainer 3 votes no: 11000 of 13000 yes.
    const voted = await chain.block(
      [proposer, MsgScopedVote, { proposal: BigInt(id), option: 'yes' }],
      [AGGREGATORS[0]!, MsgScopedVote, { proposal: BigInt(id), option: 'yes' }],
      [AGGREGATORS[1]!, MsgScopedVote, { proposal: BigInt(id), option: 'yes' }],
      [TRAINERS[1]!, MsgScopedVote, { proposal: BigInt(id), option: 'no' }],
    )
    assert.ok(voted.txResults.every((r) => r.code === 0))
    assert.deepEqual(gov(chain, 'scoped_tally', { proposal: id }), {
      yes: '11000',
      no: '1000',
      abstain: '0',
      no_with_veto: '0',
      total: '13000',
      final: false,
    })
    const end = BigInt(gov(chain, 'scoped_proposal', { id }).voting_end_time)
    while (chain.app.height < 100 && gov(chain, 'scoped_proposal', { id }).status === 'voting_period') await chain.block()
    const ended = gov(chain, 'scoped_proposal', { id })
    assert.deepEqual([ended.status, ended.deposits, ended.final_tally.yes], ['passed', 'refunded', '11000'], JSON.stringify(ended))
    assert.ok(end > 0n)
    assert.equal(balanceOf(chain, proposer), held - 1000n - 200n - 200n + 1000n, 'deposit back')
    assert.equal(
      (chain.app.query('subnets', 'allowList', { subnet: '0' }) as { allow_list: string[] }).allow_list.includes(
        encodeAddress(addr(OUTSIDER)),
      ),
      true,
    )

    // Account 7 joins, and submits an update in the first round that opens after it joined.
    const joined = await chain.block([OUTSIDER, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }])
    assert.deepEqual(result(joined), ['', 'OK'])
    const joinHeight = chain.height
    let round = chain.query<{ round: string; phase: string; open_height: string }>('round', { subnet: '0' })
    while (!(round.phase === 'submit' && BigInt(round.open_height) > BigInt(joinHeight)) && chain.height < joinHeight + 40) {
      await chain.block()
      round = chain.query('round', { subnet: '0' })
    }
    assert.equal(round.phase, 'submit', JSON.stringify(round))
    const submittedUpdate = await chain.block(chain.submit(OUTSIDER, updateBlob([100, -200, 300, 0, 5, -5]), {}, BigInt(round.round)))
    assert.deepEqual(result(submittedUpdate), ['', 'OK'], submittedUpdate.txResults[0]!.log)
    assert.equal(chain.supply(), supply, 'supply conserved (no emission, nothing burned)')
    await chain.app.db.close()
  })

  it('a governed params change is pending for the next round; the proposal fails, changing nothing, if a message is refused at execution', async () => {
    const chain = await governedChain(dirs.next())
    const change = encode(MsgUpdateSubnetParams, { subnet: 0n, params: testSubnetParams({ membership: 'allow-list', sampleCap: 321 }) })
    await chain.block([TRAINERS[0]!, MsgSubmitScopedProposal, scoped([change])])
    const id = BigInt(gov(chain, 'scoped_proposals').proposals[0].id)
    await chain.block(...AGGREGATORS.map((a): Tx => [a, MsgScopedVote, { proposal: id, option: 'yes' }]))
    while (gov(chain, 'scoped_proposal', { id: String(id) }).status === 'voting_period') await chain.block()
    assert.equal(gov(chain, 'scoped_proposal', { id: String(id) }).status, 'passed')
    assert.equal(
      (chain.app.query('subnets', 'subnet', { id: '0' }) as { pending_params: { sample_cap: number } | null }).pending_params?.sample_cap,
      321,
    )
    await chain.app.db.close()
  })

  it('rejections, each with its code and nothing changed', async () => {
    const chain = await governedChain(dirs.next())
    const other = await chain.block([ADMIN, CreateSubnet, createTrainingSubnet({ name: 'second' })])
    assert.deepEqual(result(other), ['', 'OK'])
    // Stateless (tx INVALID_MESSAGE carrying gov's code).
    assert.equal(statelessCode(MsgSubmitScopedProposal, scoped([], { scope: 'galaxy' }), govModule), 'INVALID_SCOPE')
    assert.equal(
      statelessCode(MsgSubmitScopedProposal, scoped([encode(MsgUpdateParams, { module: 'training', params: '{}' })]), govModule),
      'MESSAGE_NOT_ALLOWED',
    )
    assert.equal(statelessCode(MsgSubmitScopedProposal, scoped([], { title: ' ' }), govModule), 'INVALID_PROPOSAL')
    assert.equal(statelessCode(MsgSubmitScopedProposal, scoped([], { deposit: coin(0n) }), govModule), 'INVALID_AMOUNT')
    assert.equal(
      statelessCode(MsgEnableSubnetGovernance, { subnet: 1n, rules: { ...RULES, threshold: Dec.ZERO } }, govModule),
      'INVALID_RULES',
    )
    assert.equal(
      statelessCode(MsgEnableSubnetGovernance, { subnet: 1n, rules: { ...RULES, votingPeriod: 0n } }, govModule),
      'INVALID_RULES',
    )
    assert.equal(statelessCode(MsgScopedVote, { proposal: 1n, option: 'maybe' }, govModule), 'INVALID_VOTE_OPTION')

    const p = TRAINERS[0]!
    const refusals = await chain.block(
      [p, MsgSubmitScopedProposal, scoped([], { target: 1n })], // subnet 1 is not governed
      [p, MsgSubmitScopedProposal, scoped([], { deposit: coin(999n) })], // below min_deposit
      [p, MsgSubmitScopedProposal, scoped([], { deposit: { denom: 'uother', amount: 1000n } })],
      [p, MsgSubmitScopedProposal, scoped([encode(MsgUpdateAllowList, { subnet: 1n, add: [addr(9)], remove: [] })])], // gov is not subnet 1's admin
      [STRANGER, MsgEnableSubnetGovernance, { subnet: 1n, rules: RULES }], // not its admin
      [ADMIN, MsgEnableSubnetGovernance, { subnet: 0n, rules: RULES }], // governed already
      [ADMIN, MsgEnableSubnetGovernance, { subnet: 7n, rules: RULES }], // no such subnet
      [p, MsgScopedVote, { proposal: 99n, option: 'yes' }],
    )
    assert.deepEqual(
      refusals.txResults.map((_, i) => result(refusals, i)),
      [
        ['gov', 'SCOPE_NOT_GOVERNED'],
        ['gov', 'MIN_INITIAL_DEPOSIT'],
        ['gov', 'BAD_DENOM'],
        ['gov', 'INVALID_PROPOSAL_MESSAGE'],
        ['subnets', 'NOT_ADMIN'],
        ['gov', 'SCOPE_ALREADY_GOVERNED'],
        ['gov', 'UNKNOWN_SCOPE'],
        ['gov', 'UNKNOWN_PROPOSAL'],
      ],
    )
    assert.deepEqual(gov(chain, 'scoped_proposals').proposals, [])
    assert.equal(gov(chain, 'scope', { scope: 'subnet', target: '1' }).governed, false)

    // Subnet 1 governed too: a proposal about 0 carrying a change of 1 is SCOPE_MISMATCH.
    await chain.block([ADMIN, MsgEnableSubnetGovernance, { subnet: 1n, rules: RULES }])
    const mismatch = await chain.block([
      p,
      MsgSubmitScopedProposal,
      scoped([encode(MsgUpdateAllowList, { subnet: 1n, add: [addr(9)], remove: [] })]),
    ])
    assert.deepEqual(result(mismatch), ['gov', 'SCOPE_MISMATCH'])

    await chain.block([p, MsgSubmitScopedProposal, scoped([addSeven()])])
    const id = BigInt(gov(chain, 'scoped_proposals').proposals[0].id)
    const votes = await chain.block(
      [p, MsgScopedVote, { proposal: id, option: 'yes' }],
      [p, MsgScopedVote, { proposal: id, option: 'no' }], // twice
      [STRANGER, MsgScopedVote, { proposal: id, option: 'yes' }], // no bond in subnet 0
    )
    assert.deepEqual(
      votes.txResults.map((_, i) => result(votes, i)),
      [
        ['', 'OK'],
        ['gov', 'ALREADY_VOTED'],
        ['gov', 'NOT_A_VOTER'],
      ],
    )
    while (gov(chain, 'scoped_proposal', { id: String(id) }).status === 'voting_period') await chain.block()
    // 1000 of 13000 turned out: quorum missed, rejected, refunded; the list unchanged.
    const ended = gov(chain, 'scoped_proposal', { id: String(id) })
    assert.deepEqual([ended.status, ended.outcome, ended.deposits], ['rejected', 'quorum_not_met', 'refunded'])
    const late = await chain.block([AGGREGATORS[0]!, MsgScopedVote, { proposal: id, option: 'yes' }])
    assert.deepEqual(result(late), ['gov', 'VOTING_CLOSED'])
    assert.equal(
      (chain.app.query('subnets', 'allowList', { subnet: '0' }) as { allow_list: string[] }).allow_list.includes(
        encodeAddress(addr(OUTSIDER)),
      ),
      false,
    )
    await chain.app.db.close()
  })
})

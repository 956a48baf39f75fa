import assert from 'node:assert/strict'
import { decodeAddress, encodeAddress } from '../../../../src/crypto/index.js'
import { MsgDeposit, MsgSubmitProposal, MsgVote, MsgVoteWeighted, decide, govParams, tally } from '../../../../src/modules/gov/index.js'
import { MsgDelegate } from '../../../../src/modules/staking/index.js'
import { Dec } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { GovChain, addr, coin, eventsOf, proposal } from './harness.js'

const dec = (text: string) => Dec.parse(text)
type Options = { option: string; weight: string }[]

/**
 * The tally recomputed from staking's queries, written apart from src/modules/gov/tally.ts: for
 * each voter, each of its delegations to a bonded validator votes shares × tokens / shares of the
 * validator by the voter's options; a validator that voted votes its remaining shares.
 */
function expectedTally(c: GovChain, id: string): Record<string, bigint> {
  const votes = c.query('votes', { proposal: id }).votes as { voter: string; options: Options }[]
  const validators = c.query('validators', { status: 'bonded' }, 'staking').validators as {
    operator: string
    tokens: string
    delegator_shares: string
  }[]
  const sums: Record<string, Dec> = { yes: Dec.ZERO, abstain: Dec.ZERO, no: Dec.ZERO, no_with_veto: Dec.ZERO }
  const votedShares = new Map<string, Dec>()
  const byOperator = new Map(validators.map((v) => [v.operator, v]))
  const give = (power: Dec, options: Options) => {
    for (const o of options) sums[o.option] = sums[o.option]!.add(power.mul(dec(o.weight)))
  }
  for (const vote of votes) {
    const delegations = c.query('delegations', { delegator: vote.voter }, 'staking').delegations as { validator: string; shares: string }[]
    for (const d of delegations) {
      const v = byOperator.get(d.validator)
      if (v === undefined) continue
      votedShares.set(d.validator, (votedShares.get(d.validator) ?? Dec.ZERO).add(dec(d.shares)))
      give(dec(d.shares).mulInt(BigInt(v.tokens)).quo(dec(v.delegator_shares)), vote.options)
    }
  }
  for (const v of validators) {
    // An operator votes with its account address: the same 20 bytes as its fedravaloper1… address.
    const own = votes.find((vote) => encodeAddress(decodeAddress(vote.voter), 'fedravaloper') === v.operator)
    if (own === undefined) continue
    const left = dec(v.delegator_shares).sub(votedShares.get(v.operator) ?? Dec.ZERO)
    give(left.mulInt(BigInt(v.tokens)).quo(dec(v.delegator_shares)), own.options)
  }
  return Object.fromEntries(Object.entries(sums).map(([k, d]) => [k, d.truncate()]))
}

const asBigints = (t: Record<string, string>) => ({
  yes: BigInt(t.yes!),
  abstain: BigInt(t.abstain!),
  no: BigInt(t.no!),
  no_with_veto: BigInt(t.no_with_veto!),
})

/** Delegations of block 1: 4 → v3 5M and v1 3M, 5 → v0 2M, 6 → v2 1M. Bonded then: v0 12M, v1 23M, v2 31M, v3 45M (111M). */
async function delegated(c: GovChain): Promise<void> {
  await c.block(
    [4, MsgDelegate, { validator: addr(3), amount: coin(5_000_000n) }],
    [4, MsgDelegate, { validator: addr(1), amount: coin(3_000_000n) }],
    [5, MsgDelegate, { validator: addr(0), amount: coin(2_000_000n) }],
    [6, MsgDelegate, { validator: addr(2), amount: coin(1_000_000n) }],
  )
}

describe('gov tally', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('counts bonded stake as x/gov does: delegators who vote take their shares off their validator, silent validators count for nothing', async () => {
    const c = await GovChain.open(dirs.next())
    await delegated(c)
    await c.block([7, MsgSubmitProposal, proposal()])
    await c.block(
      [3, MsgVote, { proposal: 1n, option: 'yes' }],
      [1, MsgVote, { proposal: 1n, option: 'no' }],
      [0, MsgVote, { proposal: 1n, option: 'abstain' }],
      [4, MsgVote, { proposal: 1n, option: 'no' }], // overrides v3's yes for its 5M
      [
        5,
        MsgVoteWeighted,
        {
          proposal: 1n,
          options: [
            { option: 'yes', weight: dec('0.5') },
            { option: 'no_with_veto', weight: dec('0.5') },
          ],
        },
      ],
      [6, MsgVote, { proposal: 1n, option: 'yes' }], // v2 is silent: only 6's own 1M counts
    )
    const running = c.query('tally', { proposal: '1' })
    assert.equal(running.final, false)
    const independent = expectedTally(c, '1')
    assert.deepEqual(asBigints(running), independent)
    // By hand: yes 40M (v3) + 1M (5's half) + 1M (6); no 20M (v1) + 8M (4); abstain 10M (v0); veto 1M.
    assert.deepEqual(independent, { yes: 42_000_000n, abstain: 10_000_000n, no: 28_000_000n, no_with_veto: 1_000_000n })
    const ended = await c.untilTime(BigInt(c.proposal(1).voting_end_time))
    const p = c.proposal(1)
    assert.equal(p.status, 'passed') // 42 / (81 − 10) > 0.5, turnout 81 / 111 ≥ 0.334, veto 1 / 81
    assert.deepEqual(asBigints(p.final_tally), independent)
    assert.deepEqual(c.query('tally', { proposal: '1' }), { ...p.final_tally, final: true })
    assert.equal(eventsOf(ended, 'proposal_passed')[0]!.yes, '42000000')
    assert.equal(eventsOf(ended, 'deposits_refunded')[0]!.amount, '1000ufdr')
    assert.equal(p.deposits, 'refunded')
    await c.close()
  })

  it("a delegator overriding its validator moves exactly its share from the validator's option to its own", async () => {
    const c = await GovChain.open(dirs.next())
    await delegated(c)
    await c.block([7, MsgSubmitProposal, proposal()])
    await c.block([3, MsgVote, { proposal: 1n, option: 'yes' }])
    assert.deepEqual(asBigints(c.query('tally', { proposal: '1' })), { yes: 45_000_000n, abstain: 0n, no: 0n, no_with_veto: 0n })
    await c.block([4, MsgVote, { proposal: 1n, option: 'no' }])
    assert.deepEqual(asBigints(c.query('tally', { proposal: '1' })), { yes: 40_000_000n, abstain: 0n, no: 8_000_000n, no_with_veto: 0n })
    assert.deepEqual(asBigints(c.query('tally', { proposal: '1' })), expectedTally(c, '1'))
    await c.close()
  })

  it('the pure tally agrees with the independent computation on uneven shares (truncating at 18 digits)', () => {
    const v = (i: number, tokens: bigint, shares: string) => ({ operator: addr(i), tokens, delegatorShares: dec(shares) })
    // A slashed validator: 9,700 tokens behind 10,000 shares.
    const validators = [v(0, 9_700n, '10000'), v(1, 3_333n, '3333')]
    const delegationsOf4 = [
      { validator: addr(0), shares: dec('1234.5') },
      { validator: addr(1), shares: dec('1000') },
    ]
    const votes = [
      { voter: addr(0), options: [{ option: 'yes', weight: Dec.ONE }] },
      {
        voter: addr(4),
        options: [
          { option: 'no', weight: dec('0.3') },
          { option: 'abstain', weight: dec('0.7') },
        ],
      },
    ]
    // Validator 0's operator has no delegation of its own here: its vote covers what 4 did not take.
    const t = tally(validators, votes, (voter) => (Buffer.compare(voter, addr(4)) === 0 ? delegationsOf4 : []))
    const p4 = dec('1234.5')
      .mulInt(9_700n)
      .quo(dec('10000'))
      .add(dec('1000').mulInt(3_333n).quo(dec('3333')))
    const own0 = dec('10000').sub(dec('1234.5')).mulInt(9_700n).quo(dec('10000'))
    assert.equal(t.results.yes.toString(), own0.toString())
    assert.equal(t.results.no.toString(), p4.mul(dec('0.3')).toString())
    assert.equal(t.results.abstain.toString(), p4.mul(dec('0.7')).toString())
    assert.equal(t.totalVotingPower.toString(), own0.add(p4).toString())
    // Decisions at the edges: quorum is met at equality, threshold and veto must be exceeded.
    const params = govParams.defaults
    const at = (yes: string, no: string, veto = '0', abstain = '0') => ({
      results: { yes: dec(yes), no: dec(no), no_with_veto: dec(veto), abstain: dec(abstain) },
      totalVotingPower: dec(yes).add(dec(no)).add(dec(veto)).add(dec(abstain)),
    })
    assert.equal(decide(at('334', '0'), 1000n, params, false).outcome, 'passed')
    assert.equal(decide(at('333', '0'), 1000n, params, false).outcome, 'quorum_not_met')
    assert.equal(decide(at('500', '500'), 1000n, params, false).outcome, 'threshold_not_met')
    assert.equal(decide(at('0', '0', '0', '500'), 1000n, params, false).outcome, 'all_abstained')
    assert.equal(decide(at('666', '334'), 1000n, params, false).outcome, 'passed')
    assert.equal(decide(at('666', '0', '334'), 1000n, params, false).outcome, 'passed') // a veto of 334/1000 is not above 0.334
    assert.equal(decide(at('665', '0', '335'), 1000n, params, false).outcome, 'vetoed')
    assert.equal(decide(at('667', '333'), 1000n, params, true).outcome, 'threshold_not_met')
    assert.equal(decide(at('668', '332'), 1000n, params, true).outcome, 'passed')
    assert.equal(decide(at('1', '0'), 0n, params, false).outcome, 'no_bonded_tokens')
  })

  it('a proposal missing quorum is rejected; its deposits refunded, or burned with burn_vote_quorum', async () => {
    for (const burn of [false, true]) {
      const c = await GovChain.open(dirs.next(), { params: { burn_vote_quorum: burn } })
      await c.block([7, MsgSubmitProposal, proposal({ initialDeposit: coin(600n) })])
      await c.block([8, MsgDeposit, { proposal: 1n, amount: coin(400n) }])
      await c.block([0, MsgVote, { proposal: 1n, option: 'yes' }]) // 10M of 100M
      const seven = c.balance(7)
      const eight = c.balance(8)
      const ended = await c.untilTime(BigInt(c.proposal(1).voting_end_time))
      const p = c.proposal(1)
      assert.deepEqual([p.status, p.outcome, p.deposits], ['rejected', 'quorum_not_met', burn ? 'burned' : 'refunded'])
      assert.equal(c.balance(7), seven + (burn ? 0n : 600n))
      assert.equal(c.balance(8), eight + (burn ? 0n : 400n))
      assert.equal(eventsOf(ended, 'proposal_rejected')[0]!.outcome, 'quorum_not_met')
      assert.equal(c.burned, burn ? 1000n : 0n)
      await c.close()
    }
  })

  it('a vetoed proposal is rejected and its deposits burned (burn_vote_veto)', async () => {
    const c = await GovChain.open(dirs.next())
    await c.block([7, MsgSubmitProposal, proposal({ initialDeposit: coin(2000n) })])
    await c.block([3, MsgVote, { proposal: 1n, option: 'no_with_veto' }], [2, MsgVote, { proposal: 1n, option: 'yes' }])
    const seven = c.balance(7)
    const ended = await c.untilTime(BigInt(c.proposal(1).voting_end_time))
    const p = c.proposal(1)
    assert.deepEqual([p.status, p.outcome, p.deposits], ['rejected', 'vetoed', 'burned'])
    assert.equal(c.balance(7), seven)
    assert.equal(eventsOf(ended, 'proposal_vetoed').length, 1)
    assert.equal(eventsOf(ended, 'deposits_burned')[0]!.amount, '2000ufdr')
    assert.equal(c.burned, 2000n)
    await c.close()
  })

  it('a proposal short of the threshold is rejected and refunded', async () => {
    const c = await GovChain.open(dirs.next())
    await c.block([7, MsgSubmitProposal, proposal()])
    await c.block([3, MsgVote, { proposal: 1n, option: 'no' }], [2, MsgVote, { proposal: 1n, option: 'yes' }])
    await c.untilTime(BigInt(c.proposal(1).voting_end_time))
    assert.deepEqual([c.proposal(1).status, c.proposal(1).outcome, c.proposal(1).deposits], ['rejected', 'threshold_not_met', 'refunded'])
    await c.close()
  })

  it('an expedited proposal short of expedited_threshold becomes a regular one voting until start + voting_period, its votes kept', async () => {
    const c = await GovChain.open(dirs.next())
    const submitted = await c.block([7, MsgSubmitProposal, proposal({ expedited: true, initialDeposit: coin(5000n) })])
    const start = submitted.input.time
    assert.equal(c.proposal(1).voting_end_time, String(start + 4000n))
    await c.block([3, MsgVote, { proposal: 1n, option: 'yes' }], [2, MsgVote, { proposal: 1n, option: 'no' }]) // 40 / 70 = 0.571
    const converted = await c.untilTime(start + 4000n)
    let p = c.proposal(1)
    assert.deepEqual(
      [p.status, p.expedited, p.voting_end_time, p.deposits, p.final_tally],
      ['voting_period', false, String(start + 10_000n), 'held', null],
    )
    assert.equal(eventsOf(converted, 'expedited_proposal_converted')[0]!.voting_end, String(start + 10_000n))
    assert.equal(c.query('votes', { proposal: '1' }).votes.length, 2)
    const ended = await c.untilTime(start + 10_000n)
    p = c.proposal(1)
    assert.equal(p.status, 'passed') // 0.571 > 0.5 under the regular rules
    assert.equal(eventsOf(ended, 'deposits_refunded')[0]!.amount, '5000ufdr')
    await c.close()
  })

  it('an expedited proposal above expedited_threshold passes at the end of its short period', async () => {
    const c = await GovChain.open(dirs.next())
    const submitted = await c.block([7, MsgSubmitProposal, proposal({ expedited: true, initialDeposit: coin(5000n) })])
    await c.block([3, MsgVote, { proposal: 1n, option: 'yes' }], [2, MsgVote, { proposal: 1n, option: 'yes' }])
    await c.untilTime(submitted.input.time + 4000n)
    assert.equal(c.proposal(1).status, 'passed')
    await c.close()
  })
})

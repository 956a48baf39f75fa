import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { MsgDeposit, MsgSubmitProposal, MsgVote, MsgVoteWeighted } from '../../../../src/modules/gov/index.js'
import { MsgSend } from '../../../../src/modules/index.js'
import { MsgDelegate } from '../../../../src/modules/staking/index.js'
import { Dec } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { GovChain, addr, codeOf, coin, eventsOf, proposal, softwareUpgrade, statelessCode, updateParams, who } from './harness.js'

const dec = (text: string) => Dec.parse(text)

describe('gov messages', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('submits a text proposal: the initial deposit moves into the gov account and the minimum opens voting at once', async () => {
    const c = await GovChain.open(dirs.next())
    const before = c.balance(5)
    const executed = await c.block([5, MsgSubmitProposal, proposal({ initialDeposit: coin(1000n) })])
    assert.equal(codeOf(executed.txResults[0]!), 'OK')
    assert.equal(c.balance(5), before - 1000n - 200n) // deposit + fee
    const p = c.proposal(1)
    assert.equal(p.status, 'voting_period')
    assert.equal(p.total_deposit, '1000')
    assert.equal(p.voting_start_time, String(executed.input.time))
    assert.equal(p.voting_end_time, String(executed.input.time + 10_000n))
    assert.deepEqual(p.messages, [])
    assert.equal(eventsOf(executed, 'proposal_submitted')[0]!.proposer, who(5))
    assert.equal(eventsOf(executed, 'voting_period_started').length, 1)
    await c.close()
  })

  it("keeps an underfunded proposal in its deposit period until deposits reach min_deposit, from that block's time", async () => {
    const c = await GovChain.open(dirs.next())
    await c.block([5, MsgSubmitProposal, proposal({ initialDeposit: coin(400n) })])
    assert.equal(c.proposal(1).status, 'deposit_period')
    assert.equal(c.proposal(1).voting_start_time, null)
    await c.block([6, MsgDeposit, { proposal: 1n, amount: coin(300n) }])
    assert.equal(c.proposal(1).status, 'deposit_period')
    const funded = await c.block([6, MsgDeposit, { proposal: 1n, amount: coin(300n) }])
    const p = c.proposal(1)
    assert.equal(p.status, 'voting_period')
    assert.equal(p.total_deposit, '1000')
    assert.equal(p.voting_start_time, String(funded.input.time))
    assert.deepEqual(
      c.query('deposits', { proposal: '1' }).deposits,
      [
        { depositor: who(5), amount: '400' },
        { depositor: who(6), amount: '600' },
      ].sort((a, b) => Buffer.compare(addr(a.depositor === who(5) ? 5 : 6), addr(b.depositor === who(5) ? 5 : 6))),
    )
    assert.equal(c.query('proposals', { depositor: who(6) }).proposals.length, 1)
    assert.equal(c.query('proposals', { depositor: who(7) }).proposals.length, 0)
    await c.close()
  })

  it('an expedited proposal needs expedited_min_deposit and votes for expedited_voting_period', async () => {
    const c = await GovChain.open(dirs.next())
    await c.block([5, MsgSubmitProposal, proposal({ expedited: true, initialDeposit: coin(1000n) })])
    assert.equal(c.proposal(1).status, 'deposit_period')
    const funded = await c.block([5, MsgDeposit, { proposal: 1n, amount: coin(4000n) }])
    assert.equal(c.proposal(1).status, 'voting_period')
    assert.equal(c.proposal(1).voting_end_time, String(funded.input.time + 4000n))
    await c.close()
  })

  it('takes votes and weighted votes in the voting period; a later vote replaces the earlier one', async () => {
    const c = await GovChain.open(dirs.next())
    await c.block([5, MsgSubmitProposal, proposal()])
    const voted = await c.block(
      [0, MsgVote, { proposal: 1n, option: 'yes' }],
      [
        1,
        MsgVoteWeighted,
        {
          proposal: 1n,
          options: [
            { option: 'yes', weight: dec('0.7') },
            { option: 'no', weight: dec('0.3') },
          ],
        },
      ],
    )
    assert.deepEqual(voted.txResults.map(codeOf), ['OK', 'OK'])
    assert.deepEqual(c.query('vote', { proposal: '1', voter: who(1) }).options, [
      { option: 'yes', weight: '0.7' },
      { option: 'no', weight: '0.3' },
    ])
    const again = await c.block([0, MsgVote, { proposal: 1n, option: 'no_with_veto' }])
    assert.equal(codeOf(again.txResults[0]!), 'OK')
    assert.deepEqual(c.query('vote', { proposal: '1', voter: who(0) }).options, [{ option: 'no_with_veto', weight: '1' }])
    assert.equal(c.query('votes', { proposal: '1' }).votes.length, 2)
    assert.equal(c.query('proposals', { voter: who(0) }).proposals.length, 1)
    assert.equal(c.query('proposals', { status: 'voting_period' }).proposals.length, 1)
    assert.equal(c.query('proposals', { status: 'passed' }).proposals.length, 0)
    assert.equal(eventsOf(again, 'proposal_vote')[0]!.options, 'no_with_veto=1')
    await c.close()
  })

  describe('refusals, each with its own code', () => {
    it('stateless: no title or summary, a message a chain proposal may not carry, a malformed content message', () => {
      assert.equal(statelessCode(MsgSubmitProposal, proposal()), 'OK')
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ title: ' ' })), 'INVALID_PROPOSAL')
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ summary: '' })), 'INVALID_PROPOSAL')
      const send = encode(MsgSend, { to: addr(1), amount: [coin(1n)] })
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [send] })), 'MESSAGE_NOT_ALLOWED')
      const nested = encode(MsgSubmitProposal, proposal())
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [nested] })), 'MESSAGE_NOT_ALLOWED')
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [Uint8Array.of(1, 2, 3)] })), 'MESSAGE_NOT_ALLOWED')
      const truncated = softwareUpgrade('v2', 100n).slice(0, -1)
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [truncated] })), 'INVALID_PROPOSAL_MESSAGE')
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [softwareUpgrade('', 100n)] })), 'INVALID_PROPOSAL_MESSAGE')
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [softwareUpgrade('v2', 0n)] })), 'INVALID_PROPOSAL_MESSAGE')
      assert.equal(statelessCode(MsgSubmitProposal, proposal({ messages: [updateParams('Not A Module', {})] })), 'INVALID_PROPOSAL_MESSAGE')
    })

    it('stateless: a zero deposit, an unknown option, weights that do not sum to 1, a duplicate option, a weight outside (0, 1]', () => {
      assert.equal(statelessCode(MsgDeposit, { proposal: 1n, amount: coin(0n) }), 'INVALID_AMOUNT')
      assert.equal(statelessCode(MsgVote, { proposal: 1n, option: 'maybe' }), 'INVALID_VOTE_OPTION')
      const weighted = (...options: [string, string][]) =>
        statelessCode(MsgVoteWeighted, { proposal: 1n, options: options.map(([option, weight]) => ({ option, weight: dec(weight) })) })
      assert.equal(weighted(['yes', '0.5'], ['no', '0.5']), 'OK')
      assert.equal(weighted(['yes', '0.5'], ['no', '0.4']), 'WEIGHTS_NOT_ONE')
      assert.equal(weighted(['yes', '1.5'], ['no', '0.5']), 'INVALID_WEIGHT')
      assert.equal(weighted(['yes', '0.5'], ['yes', '0.5']), 'DUPLICATE_OPTION')
      assert.equal(weighted(['yes', '0'], ['no', '1']), 'INVALID_WEIGHT')
      assert.equal(weighted(['yes', '0.5'], ['perhaps', '0.5']), 'INVALID_VOTE_OPTION')
    })

    it('a stateless refusal in a block fails the tx as an invalid message and changes nothing', async () => {
      const c = await GovChain.open(dirs.next())
      const before = c.balance(5)
      const executed = await c.block([5, MsgSubmitProposal, proposal({ title: '' })])
      assert.equal(executed.txResults[0]!.codespace, 'tx')
      assert.match(executed.txResults[0]!.log, /title/)
      assert.equal(c.balance(5), before)
      assert.equal(c.query('proposals').proposals.length, 0)
      await c.close()
    })

    it('submission: wrong denom, unknown module, params leaving out a field, an upgrade in the past, below min_initial_deposit_ratio, more than the balance', async () => {
      const c = await GovChain.open(dirs.next(), { params: { min_initial_deposit_ratio: '0.25' } })
      const slashing = c.query('params', {}, 'slashing')
      const { slash_fraction_downtime: _, ...partial } = slashing
      const executed = await c.block(
        [5, MsgSubmitProposal, proposal({ initialDeposit: { denom: 'uatom', amount: 1000n } })],
        [5, MsgSubmitProposal, proposal({ messages: [updateParams('nosuchmodule', {})] })],
        [5, MsgSubmitProposal, proposal({ messages: [updateParams('slashing', partial)] })],
        [5, MsgSubmitProposal, proposal({ messages: [updateParams('slashing', { ...slashing, extra: '1' })] })],
        [5, MsgSubmitProposal, proposal({ messages: [softwareUpgrade('v2', 1n)] })],
        [5, MsgSubmitProposal, proposal({ initialDeposit: coin(249n) })],
        [5, MsgSubmitProposal, proposal({ expedited: true, initialDeposit: coin(1249n) })],
        [5, MsgSubmitProposal, proposal({ initialDeposit: coin(10n ** 12n) })],
        [5, MsgSubmitProposal, proposal({ initialDeposit: coin(250n) })],
      )
      assert.deepEqual(executed.txResults.map(codeOf), [
        'BAD_DENOM',
        'UNKNOWN_MODULE',
        'INVALID_PARAMS_CHANGE',
        'INVALID_PARAMS_CHANGE',
        'INVALID_UPGRADE_HEIGHT',
        'MIN_INITIAL_DEPOSIT',
        'MIN_INITIAL_DEPOSIT',
        'INSUFFICIENT_FUNDS',
        'OK',
      ])
      assert.equal(c.query('proposals').proposals.length, 1)
      assert.equal(c.proposal(1).total_deposit, '250')
      await c.close()
    })

    it('deposits: an unknown proposal, wrong denom, a proposal in voting or finished, more than the balance', async () => {
      const c = await GovChain.open(dirs.next())
      await c.block([5, MsgSubmitProposal, proposal({ initialDeposit: coin(100n) })], [5, MsgSubmitProposal, proposal()])
      const executed = await c.block(
        [6, MsgDeposit, { proposal: 9n, amount: coin(10n) }],
        [6, MsgDeposit, { proposal: 1n, amount: { denom: 'uatom', amount: 10n } }],
        [6, MsgDeposit, { proposal: 2n, amount: coin(10n) }],
        [6, MsgDeposit, { proposal: 1n, amount: coin(10n ** 12n) }],
        [6, MsgDeposit, { proposal: 1n, amount: coin(10n) }],
      )
      assert.deepEqual(executed.txResults.map(codeOf), ['UNKNOWN_PROPOSAL', 'BAD_DENOM', 'DEPOSIT_CLOSED', 'INSUFFICIENT_FUNDS', 'OK'])
      await c.untilTime(BigInt(c.proposal(1).deposit_end_time))
      assert.equal(c.proposal(1).status, 'rejected')
      const late = await c.block([6, MsgDeposit, { proposal: 1n, amount: coin(10n) }])
      assert.equal(codeOf(late.txResults[0]!), 'DEPOSIT_CLOSED')
      await c.close()
    })

    it('votes: an unknown proposal, one still in its deposit period, one whose voting period closed', async () => {
      const c = await GovChain.open(dirs.next())
      await c.block([5, MsgSubmitProposal, proposal({ initialDeposit: coin(100n) })], [5, MsgSubmitProposal, proposal()])
      const executed = await c.block(
        [0, MsgVote, { proposal: 7n, option: 'yes' }],
        [0, MsgVote, { proposal: 1n, option: 'yes' }],
        [0, MsgVoteWeighted, { proposal: 1n, options: [{ option: 'yes', weight: dec('1') }] }],
        [0, MsgVote, { proposal: 2n, option: 'yes' }],
      )
      assert.deepEqual(executed.txResults.map(codeOf), ['UNKNOWN_PROPOSAL', 'VOTING_CLOSED', 'VOTING_CLOSED', 'OK'])
      await c.untilTime(BigInt(c.proposal(2).voting_end_time))
      assert.notEqual(c.proposal(2).status, 'voting_period')
      const late = await c.block(
        [1, MsgVote, { proposal: 2n, option: 'no' }],
        [1, MsgVoteWeighted, { proposal: 2n, options: [{ option: 'no', weight: dec('1') }] }],
      )
      assert.deepEqual(late.txResults.map(codeOf), ['VOTING_CLOSED', 'VOTING_CLOSED'])
      await c.close()
    })
  })

  it('a deposit period that ends unfunded rejects the proposal and refunds, or burns with burn_proposal_deposit_prevote', async () => {
    for (const burn of [false, true]) {
      const c = await GovChain.open(dirs.next(), { params: { burn_proposal_deposit_prevote: burn } })
      await c.block([5, MsgSubmitProposal, proposal({ initialDeposit: coin(300n) })])
      await c.block([6, MsgDeposit, { proposal: 1n, amount: coin(200n) }])
      const five = c.balance(5)
      const six = c.balance(6)
      const ended = await c.untilTime(BigInt(c.proposal(1).deposit_end_time))
      const p = c.proposal(1)
      assert.deepEqual([p.status, p.outcome, p.deposits], ['rejected', 'deposit_period_ended', burn ? 'burned' : 'refunded'])
      assert.equal(c.balance(5), five + (burn ? 0n : 300n))
      assert.equal(c.balance(6), six + (burn ? 0n : 200n))
      assert.equal(eventsOf(ended, burn ? 'deposits_burned' : 'deposits_refunded')[0]!.amount, '500ufdr')
      assert.equal(c.burned, burn ? 500n : 0n)
      await c.close()
    }
  })

  it("a delegation made in a block counts from then on (smoke check of the harness' staking)", async () => {
    const c = await GovChain.open(dirs.next())
    const executed = await c.block([4, MsgDelegate, { validator: addr(3), amount: coin(5_000_000n) }])
    assert.equal(codeOf(executed.txResults[0]!), 'OK')
    await c.close()
  })
})

import assert from 'node:assert/strict'
import { GovBooks } from '../../../../src/modules/gov/books.js'
import { BANK } from '../../../../src/modules/gov/expected-keepers.js'
import { votingQueueKey } from '../../../../src/modules/gov/keys.js'
import {
  MsgDeposit,
  MsgSubmitProposal,
  MsgVote,
  govModule,
  govParams,
  proposalBroken,
  type ProposalValue,
} from '../../../../src/modules/gov/index.js'
import { Dec, type MessageHandler, type Module, ModuleError, StateError } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { GovChain, coin, proposal, softwareUpgrade, who } from './harness.js'

const genesisRefused = (e: unknown, path: RegExp) => e instanceof StateError && e.code === 'GENESIS_INVALID' && path.test(e.message)
const invariantBroken = (name: RegExp) => (e: unknown) => e instanceof StateError && e.code === 'INVARIANT_BROKEN' && name.test(e.message)

/** gov with one message handler wrapped (a planted bug). */
function withHandler(type: MessageHandler['type'], wrap: (h: MessageHandler) => MessageHandler): Module {
  return { ...govModule, messages: govModule.messages.map((h) => (h.type === type ? wrap(h) : h)) }
}

describe('gov params, genesis and invariants', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("has x/gov's defaults", () => {
    assert.deepEqual(govParams.toJson(govParams.defaults), {
      min_deposit: '10000000',
      expedited_min_deposit: '50000000',
      max_deposit_period: '172800000',
      voting_period: '172800000',
      expedited_voting_period: '86400000',
      quorum: '0.334',
      threshold: '0.5',
      veto_threshold: '0.334',
      expedited_threshold: '0.667',
      burn_vote_quorum: false,
      burn_proposal_deposit_prevote: false,
      burn_vote_veto: true,
      min_initial_deposit_ratio: '0',
    })
  })

  it('refuses params out of range in genesis and through validate', async () => {
    for (const [params, path] of [
      [{ quorum: '1.5' }, /gov\.params\.quorum/],
      [{ threshold: '0' }, /gov\.params\.threshold/],
      [{ expedited_threshold: '0.4' }, /expedited_threshold/],
      [{ expedited_min_deposit: '1000' }, /expedited_min_deposit/],
      [{ expedited_voting_period: '10000' }, /expedited_voting_period/],
      [{ voting_period: '0' }, /voting_period/],
      [{ burn_vote_veto: 'yes' }, /burn_vote_veto/],
      [{ vote_period: '1' }, /gov\.params\.vote_period/],
    ] as const) {
      await assert.rejects(GovChain.open(dirs.next(), { params }), (e: unknown) => genesisRefused(e, path), JSON.stringify(params))
    }
    const code = (fn: () => void) => {
      try {
        fn()
      } catch (error) {
        return error instanceof ModuleError ? error.code : 'other'
      }
      return 'OK'
    }
    assert.equal(
      code(() => govParams.validate({ ...govParams.defaults, vetoThreshold: Dec.parse('1.01') })),
      'INVALID_PARAMS',
    )
  })

  it('answers INVALID_QUERY, UNKNOWN_PROPOSAL and UNKNOWN_VOTE', async () => {
    const c = await GovChain.open(dirs.next())
    await c.block([7, MsgSubmitProposal, proposal({ initialDeposit: coin(10n) })])
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        if (error instanceof ModuleError) return error.code
        throw error
      }
      return 'OK'
    }
    assert.equal(
      code(() => c.query('proposal', { id: 'one' })),
      'INVALID_QUERY',
    )
    assert.equal(
      code(() => c.query('proposal', { id: '9' })),
      'UNKNOWN_PROPOSAL',
    )
    assert.equal(
      code(() => c.query('proposals', { status: 'open' })),
      'INVALID_QUERY',
    )
    assert.equal(
      code(() => c.query('proposals', { voter: 'nobody' })),
      'INVALID_QUERY',
    )
    assert.equal(
      code(() => c.query('vote', { proposal: '1', voter: c.proposal(1).proposer })),
      'UNKNOWN_VOTE',
    )
    assert.deepEqual(c.query('tally', { proposal: 1 }), { yes: '0', abstain: '0', no: '0', no_with_veto: '0', final: false })
    await c.close()
  })

  it('exports every proposal, deposit, vote and the plan, and a chain started from the export exports the same', async () => {
    const c = await GovChain.open(dirs.next())
    await c.block(
      [7, MsgSubmitProposal, proposal({ messages: [softwareUpgrade('v2', 500n)] })],
      [6, MsgSubmitProposal, proposal({ initialDeposit: coin(10n), metadata: 'ipfs://x' })],
    )
    await c.block(
      [3, MsgVote, { proposal: 1n, option: 'yes' }],
      [2, MsgVote, { proposal: 1n, option: 'yes' }],
      [5, MsgDeposit, { proposal: 2n, amount: coin(20n) }],
    )
    await c.untilTime(BigInt(c.proposal(1).voting_end_time))
    await c.block([8, MsgSubmitProposal, proposal({ title: 'still voting' })])
    await c.block(
      [1, MsgVote, { proposal: 3n, option: 'no' }],
      [9, MsgSubmitProposal, proposal({ title: 'still gathering', initialDeposit: coin(10n) })],
    )
    const exported = c.app.exportAppState()
    const gov = exported.gov as Record<string, any>
    assert.deepEqual(
      gov.proposals.map((p: { status: string }) => p.status),
      ['passed', 'rejected', 'voting_period', 'deposit_period'],
    )
    assert.equal(gov.deposits.length, 5)
    assert.equal(gov.votes.length, 3)
    assert.equal(gov.upgrade_plan.name, 'v2')
    assert.equal(gov.next_proposal_id, '5')
    const { params: _, ...section } = gov
    const restarted = await GovChain.open(dirs.next(), {}, { extra: { ...exported, gov: { ...section, params: gov.params } } })
    assert.deepEqual(restarted.app.exportAppState().gov, gov)
    // The restarted chain carries on: proposal 3 ends by its recorded time.
    await restarted.untilTime(BigInt(gov.proposals[2].voting_end_time))
    assert.equal(restarted.proposal(3).status, 'rejected')
    await c.close()
    await restarted.close()
  })

  it('refuses a genesis whose books do not balance the gov account or whose proposal contradicts its status', async () => {
    const open = {
      id: '1',
      proposer: '',
      status: 'deposit_period',
      title: 't',
      summary: 's',
      metadata: '',
      expedited: false,
      messages: [],
      submit_time: '1',
      deposit_end_time: '2',
      total_deposit: '5',
      voting_start_time: null,
      voting_end_time: null,
      final_tally: null,
      outcome: '',
      failed_reason: '',
      deposits: 'held',
    }
    const proposer = who(7)
    const withProposer = { ...open, proposer }
    await assert.rejects(
      GovChain.open(dirs.next(), { proposals: [withProposer], deposits: [{ proposal: '1', depositor: proposer, amount: '5' }] }),
      (e: unknown) => genesisRefused(e, /gov account holds 0ufdr/),
    )
    await assert.rejects(
      GovChain.open(dirs.next(), { proposals: [{ ...withProposer, voting_start_time: '1', voting_end_time: '3' }] }),
      (e: unknown) => genesisRefused(e, /proposals\[0\]/),
    )
    await assert.rejects(
      GovChain.open(dirs.next(), { proposals: [{ ...withProposer, messages: [{ type: 'bank/MsgSend' }] }] }),
      (e: unknown) => genesisRefused(e, /messages\[0\]\.type/),
    )
    await assert.rejects(
      GovChain.open(dirs.next(), { votes: [{ proposal: '1', voter: proposer, options: [{ option: 'yes', weight: '0.5' }] }] }),
      (e: unknown) => genesisRefused(e, /votes\[0\]\.options/),
    )
  })

  it('proposalBroken names each inconsistency of status and times', () => {
    const base: ProposalValue = {
      id: 1n,
      proposer: new Uint8Array(20),
      messages: [],
      title: 't',
      summary: 's',
      metadata: '',
      expedited: false,
      status: 'voting_period',
      submitTime: 10n,
      depositEndTime: 20n,
      totalDeposit: 5n,
      votingStartTime: 12n,
      votingEndTime: 22n,
      finalTally: null,
      outcome: '',
      failedReason: '',
      deposits: 'held',
    }
    const tally = { yes: 1n, abstain: 0n, no: 0n, noWithVeto: 0n }
    assert.equal(proposalBroken(base), null)
    assert.match(proposalBroken({ ...base, votingEndTime: 12n })!, /not after it started/)
    assert.match(proposalBroken({ ...base, status: 'deposit_period' })!, /voting times/)
    assert.match(proposalBroken({ ...base, deposits: 'burned' })!, /deposits are burned/)
    assert.match(proposalBroken({ ...base, status: 'passed', outcome: 'passed', deposits: 'refunded' })!, /final tally/)
    assert.equal(proposalBroken({ ...base, status: 'passed', outcome: 'passed', deposits: 'refunded', finalTally: tally }), null)
    assert.match(
      proposalBroken({ ...base, status: 'failed', outcome: 'execution_failed', deposits: 'refunded', finalTally: tally })!,
      /reason/,
    )
    assert.match(proposalBroken({ ...base, status: 'rejected', outcome: 'deposit_period_ended', deposits: 'refunded' })!, /yet voted on/)
    assert.match(proposalBroken({ ...base, status: 'closed' })!, /no such status/)
  })

  describe('planted bugs', () => {
    it('a deposit handler that pays one unit back breaks the account invariant', async () => {
      const leaky = withHandler(MsgDeposit, (h) => ({
        ...h,
        handle(ctx, m, signer) {
          h.handle(ctx, m, signer)
          ctx.keeper(BANK).sendFromModule('gov', signer.addressBytes, [coin(1n)])
        },
      }))
      const c = await GovChain.open(dirs.next(), {}, { module: leaky })
      await c.block([7, MsgSubmitProposal, proposal({ initialDeposit: coin(10n) })])
      await assert.rejects(c.block([6, MsgDeposit, { proposal: 1n, amount: coin(10n) }]), invariantBroken(/gov\/account/))
      await c.close()
    })

    it('a vote handler that skips the voting-period check breaks the votes invariant', async () => {
      const early = withHandler(MsgVote, (h) => ({
        ...h,
        handle(ctx, m, signer) {
          new GovBooks(ctx.moduleStore()).setVote(m.proposal, signer.addressBytes, [{ option: m.option, weight: Dec.ONE }])
        },
      }))
      const c = await GovChain.open(dirs.next(), {}, { module: early })
      await c.block([7, MsgSubmitProposal, proposal({ initialDeposit: coin(10n) })])
      await assert.rejects(c.block([0, MsgVote, { proposal: 1n, option: 'yes' }]), invariantBroken(/gov\/votes/))
      await c.close()
    })

    it('an end-block that ends a vote without recording its tally breaks the proposals invariant', async () => {
      const forgetful: Module = {
        ...govModule,
        endBlock(ctx) {
          govModule.endBlock!(ctx)
          const books = new GovBooks(ctx.moduleStore())
          for (const p of books.proposals())
            if (p.status === 'passed' && p.finalTally !== null) books.setProposal({ ...p, finalTally: null }, p)
        },
      }
      const c = await GovChain.open(dirs.next(), {}, { module: forgetful })
      await c.block([7, MsgSubmitProposal, proposal()])
      await c.block([3, MsgVote, { proposal: 1n, option: 'yes' }], [2, MsgVote, { proposal: 1n, option: 'yes' }])
      await assert.rejects(c.untilTime(BigInt(c.proposal(1).voting_end_time)), invariantBroken(/gov\/proposals.*final tally/))
      await c.close()
    })

    it('an end-block that leaves an ended proposal in its queue breaks the proposals invariant', async () => {
      const stuck: Module = {
        ...govModule,
        endBlock(ctx) {
          const books = new GovBooks(ctx.moduleStore())
          const open = [...books.proposals()].filter((p) => p.status === 'voting_period')
          govModule.endBlock!(ctx)
          // Puts back the queue entry of every proposal that just ended.
          for (const p of open)
            if (books.proposal(p.id)!.status !== 'voting_period')
              ctx.moduleStore().set(votingQueueKey(p.votingEndTime!, p.id), new Uint8Array(0))
        },
      }
      const c = await GovChain.open(dirs.next(), {}, { module: stuck })
      await c.block([7, MsgSubmitProposal, proposal()])
      await assert.rejects(c.untilTime(BigInt(c.proposal(1).voting_end_time)), invariantBroken(/gov\/proposals.*voting queue/))
      await c.close()
    })
  })
})

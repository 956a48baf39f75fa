import assert from 'node:assert/strict'
import { MAX_VOTES_PER_SLOT } from '../../../src/consensus/vote-keeper.js'
import {
  type Vote,
  addVote,
  createVoteKeeper,
  hasQuorumAny,
  hasQuorumFor,
  highestSkipRound,
  isOneThird,
  isQuorum,
} from '../../../src/consensus/index.js'

const keeper = () =>
  createVoteKeeper([
    { address: 'a', votingPower: 40n },
    { address: 'b', votingPower: 30n },
    { address: 'c', votingPower: 20n },
    { address: 'd', votingPower: 10n },
  ])
const vote = (validator: string, valueId: string | null, round = 0, type: Vote['type'] = 'prevote'): Vote => ({
  type,
  height: 1,
  round,
  valueId,
  validator,
  signature: new Uint8Array(),
})

describe('vote keeper', () => {
  it('uses strict thresholds: more than 2/3 and more than 1/3 of the power', () => {
    assert.equal(isQuorum(67n, 100n), true)
    assert.equal(isQuorum(66n, 99n), false)
    assert.equal(isQuorum(200n, 300n), false)
    assert.equal(isOneThird(34n, 100n), true)
    assert.equal(isOneThird(33n, 99n), false)
  })

  it('counts voting power, not heads', () => {
    const k = keeper()
    addVote(k, vote('a', 'v'))
    addVote(k, vote('b', 'v'))
    assert.equal(hasQuorumFor(k, 0, 'prevote', 'v'), true) // 70 of 100
    const k2 = keeper()
    for (const v of ['b', 'c', 'd']) addVote(k2, vote(v, 'v'))
    assert.equal(hasQuorumFor(k2, 0, 'prevote', 'v'), false) // three validators, 60 of 100
  })

  it('counts a repeated vote once', () => {
    const k = keeper()
    assert.equal(addVote(k, vote('a', 'v')).kind, 'added')
    assert.equal(addVote(k, vote('a', 'v')).kind, 'duplicate')
    addVote(k, vote('d', 'v'))
    assert.equal(hasQuorumFor(k, 0, 'prevote', 'v'), false)
  })

  it('reports an equivocation, counts each value it names, and counts the validator once for "any"', () => {
    const k = keeper()
    addVote(k, vote('b', 'v'))
    const result = addVote(k, vote('b', null))
    assert.equal(result.kind, 'equivocation')
    addVote(k, vote('a', null))
    assert.equal(hasQuorumFor(k, 0, 'prevote', null), true) // a 40 + b 30
    addVote(k, vote('c', 'w'))
    assert.equal(hasQuorumAny(k, 0, 'prevote'), true)
    const onlyB = keeper()
    addVote(onlyB, vote('b', 'v'))
    addVote(onlyB, vote('b', 'w'))
    addVote(onlyB, vote('c', 'x'))
    addVote(onlyB, vote('d', 'y'))
    assert.equal(hasQuorumAny(onlyB, 0, 'prevote'), false, 'b counts once: 60 of 100')
  })

  it(`keeps at most ${MAX_VOTES_PER_SLOT} votes per validator and slot unless they are certified`, () => {
    const k = keeper()
    for (let i = 0; i < MAX_VOTES_PER_SLOT + 2; i++) addVote(k, vote('a', `x${i}`))
    assert.equal(k.rounds.get(0)!.prevotes.byValidator.get('a')!.length, MAX_VOTES_PER_SLOT)
    addVote(k, vote('a', 'v'), true)
    assert.equal(k.rounds.get(0)!.prevotes.byValidator.get('a')!.length, MAX_VOTES_PER_SLOT + 1)
  })

  it('ignores votes from outside the validator set', () => {
    assert.equal(addVote(keeper(), vote('mallory', 'v')).kind, 'unknownValidator')
  })

  it('finds the highest round with +1/3 of the power voting (round skip)', () => {
    const k = keeper()
    addVote(k, vote('a', null, 3, 'precommit'))
    addVote(k, vote('d', null, 7))
    assert.equal(highestSkipRound(k, 0), 3)
    addVote(k, vote('b', null, 7))
    assert.equal(highestSkipRound(k, 0), 7)
    assert.equal(highestSkipRound(k, 7), null)
  })
})

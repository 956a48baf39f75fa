import assert from 'node:assert/strict'
import {
  createPeerScoreParams,
  createPeerScoreThresholds,
  validatePeerScoreParams,
  validatePeerScoreThresholds,
} from '@libp2p/gossipsub/score'
import { SCORE_THRESHOLDS, TOPIC_SCORE, peerScoreParams } from '../../../src/p2p/gossip-params.js'
import { BanList, PenaltyBook } from '../../../src/p2p/penalties.js'

describe('p2p peer scoring', () => {
  it('passes gossipsub’s own parameter validation', () => {
    const params = createPeerScoreParams({ ...peerScoreParams(() => 0), topics: { '/fedra/x/txs/1': TOPIC_SCORE } })
    validatePeerScoreParams(params)
    validatePeerScoreThresholds(createPeerScoreThresholds(SCORE_THRESHOLDS))
  })

  it('tolerates one invalid message but graylists a peer after three', () => {
    const invalid = (count: number): number => count * count * TOPIC_SCORE.invalidMessageDeliveriesWeight * TOPIC_SCORE.topicWeight
    assert.ok(invalid(1) > SCORE_THRESHOLDS.gossipThreshold)
    assert.ok(invalid(2) < SCORE_THRESHOLDS.gossipThreshold)
    // Even with the best positive score (the topic cap), three rejects graylist.
    assert.ok(10 + invalid(3) < SCORE_THRESHOLDS.graylistThreshold)
  })

  it('decays penalty points with the configured half-life and forgets them', () => {
    let now = 0
    const book = new PenaltyBook({ halfLifeMs: 1000, now: () => now })
    book.add('p', 40)
    assert.equal(book.score('p'), -40)
    now = 1000
    assert.equal(book.score('p'), -20)
    assert.equal(book.add('p', 10), 30)
    now = 100_000
    assert.equal(book.score('p'), 0)
    assert.equal(book.score('never-seen'), 0)
  })

  it('ignores negative penalty points', () => {
    const book = new PenaltyBook({ halfLifeMs: 1000, now: () => 0 })
    book.add('p', -50)
    assert.equal(book.score('p'), 0)
  })

  it('bans until the ban runs out', () => {
    let now = 0
    const bans = new BanList(() => now)
    bans.ban('p', 500)
    assert.ok(bans.isBanned('p'))
    assert.ok(!bans.isBanned('q'))
    now = 500
    assert.ok(!bans.isBanned('p'))
  })
})

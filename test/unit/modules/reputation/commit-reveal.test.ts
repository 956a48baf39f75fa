import assert from 'node:assert/strict'
import {
  MsgCommitScores,
  MsgRevealScores,
  REPUTATION_ERRORS,
  SCORE_COMMITMENT_DOMAIN,
  reputationModule,
  scoreCommitment,
} from '../../../../src/modules/reputation/index.js'
import { tempDirs } from '../../../support/chain.js'
import { codes, eventsOf } from '../training/harness.js'
import {
  HEIGHTS,
  TrainingChain,
  addr,
  aggregatedRound,
  codeOf,
  commitTx,
  query,
  reputationGenesisJson,
  revealTx,
  salt,
  scoreList,
} from './harness.js'

const fail = (code: keyof typeof REPUTATION_ERRORS): [string, number] => ['reputation', REPUTATION_ERRORS[code]]
const OK: [string, number] = ['', 0]
const HONEST = scoreList({ 2: 100, 3: 100, 4: 200 })
const revealHandler = reputationModule.messages.find((h) => h.type === MsgRevealScores)!

describe('reputation commit–reveal: windows, who may score, and the verdicts', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('binds the validator, subnet, round, salt and every score into the commitment (domain-separated sha256)', () => {
    const base = { validator: addr(8), subnet: 0n, round: 0n, salt: salt(8), scores: HONEST }
    const c = scoreCommitment(base)
    assert.equal(c.length, 32)
    assert.deepEqual(scoreCommitment({ ...base }), c, 'deterministic')
    for (const changed of [
      { validator: addr(9) },
      { subnet: 1n },
      { round: 1n },
      { salt: salt(9) },
      { scores: scoreList({ 2: 100, 3: 100, 4: 201 }) },
    ]) {
      assert.notDeepEqual(scoreCommitment({ ...base, ...changed }), c, `changing ${Object.keys(changed)[0]} changes the commitment`)
    }
    assert.equal(Buffer.from(SCORE_COMMITMENT_DOMAIN).toString(), 'fedra/reputation/score-commitment/v1\u0000')
  })

  it('refuses statelessly a reveal with a duplicate or unsorted trainer', () => {
    const message = { subnet: 0n, round: 0n, salt: salt(8), scores: HONEST }
    assert.equal(
      codeOf(() => revealHandler.validate!(message)),
      'OK',
    )
    assert.equal(
      codeOf(() => revealHandler.validate!({ ...message, scores: [HONEST[0]!, HONEST[0]!, HONEST[1]!] })),
      'DUPLICATE_TRAINER',
    )
    assert.equal(
      codeOf(() => revealHandler.validate!({ ...message, scores: [...HONEST].reverse() })),
      'UNSORTED_TRAINERS',
    )
  })

  it('takes commitments only in the first half of the score window, once per validator, from bonded validators', async () => {
    const chain = await aggregatedRound(dirs.next())
    // Height 6: the aggregate window still runs.
    const early = await chain.block(commitTx(8, HONEST), commitTx(3, HONEST), [
      8,
      MsgCommitScores,
      { subnet: 0n, round: 5n, commitment: new Uint8Array(32) },
    ])
    assert.deepEqual(codes(early), [fail('COMMIT_TOO_EARLY'), fail('NOT_VALIDATOR'), fail('UNKNOWN_ROUND')])
    const first = await chain.block(commitTx(8, HONEST), commitTx(9, HONEST)) // 7
    assert.deepEqual(codes(first), [OK, OK])
    assert.equal(eventsOf(first, 'scores_committed').length, 2)
    const again = await chain.block(commitTx(8, HONEST), commitTx(10, HONEST)) // 8
    assert.deepEqual(codes(again), [fail('ALREADY_COMMITTED'), OK])
    const late = await chain.block(commitTx(11, HONEST)) // 9: reveals have begun
    assert.deepEqual(codes(late), [fail('COMMIT_TOO_LATE')])
    const commitments = query<{
      commit_start_height: string
      reveal_start_height: string
      reveal_end_height: string
      commitments: { status: string }[]
    }>(chain, 'commitments', { subnet: '0', round: '0' })
    assert.deepEqual([commitments.commit_start_height, commitments.reveal_start_height, commitments.reveal_end_height], ['7', '9', '11'])
    assert.deepEqual(
      commitments.commitments.map((c) => c.status),
      ['committed', 'committed', 'committed'],
    )
    await chain.close()
  })

  it('refuses a commitment to a round without a version, and one to a closed round', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, { genesis: reputationGenesisJson() })
    await chain.until(HEIGHTS.commit - 1)
    const none = await chain.block(commitTx(8, HONEST))
    assert.deepEqual(codes(none), [fail('NO_VERSION')])
    await chain.until(HEIGHTS.close - 1)
    const closed = await chain.block(commitTx(8, HONEST))
    assert.deepEqual(codes(closed), [fail('ROUND_CLOSED')])
    await chain.close()
  })

  it('reveals in the second half: too early, without a commitment, naming other trainers or leaving one out are refused', async () => {
    const chain = await aggregatedRound(dirs.next())
    await chain.until(HEIGHTS.commit - 1)
    const commit = await chain.block(commitTx(8, HONEST), revealTx(8, HONEST)) // 7
    assert.deepEqual(codes(commit), [OK, fail('REVEAL_TOO_EARLY')])
    await chain.until(HEIGHTS.reveal - 1)
    const outsider = scoreList({ 2: 100, 3: 100, 4: 200 }).slice(0, 2)
    const stranger = [...outsider, { trainer: addr(7), score: 1 }].sort((a, b) => Buffer.compare(a.trainer, b.trainer))
    const refused = await chain.block(revealTx(9, HONEST), revealTx(8, outsider), revealTx(8, stranger), revealTx(3, HONEST)) // 9
    assert.deepEqual(codes(refused), [fail('NOT_COMMITTED'), fail('MISSING_TRAINER'), fail('UNKNOWN_TRAINER'), fail('NOT_VALIDATOR')])
    const revealed = await chain.block(revealTx(8, HONEST)) // 10
    assert.deepEqual(codes(revealed), [OK])
    assert.equal(eventsOf(revealed, 'scores_revealed').length, 1)
    const twice = await chain.block(revealTx(8, HONEST)) // 11: the round closed in this block's begin-block
    assert.deepEqual(codes(twice), [fail('ROUND_CLOSED')])
    await chain.close()
  })

  it('records a reveal that does not match its commitment as a verdict: the tx succeeds with scores_mismatched, and a second reveal is refused', async () => {
    const chain = await aggregatedRound(dirs.next())
    await chain.until(HEIGHTS.commit - 1)
    await chain.block(commitTx(8, HONEST), commitTx(9, HONEST))
    await chain.until(HEIGHTS.reveal - 1)
    const lied = await chain.block(revealTx(8, scoreList({ 2: 100, 3: 100, 4: 900 })), revealTx(9, HONEST, 0n, 0n, salt(1))) // 9
    assert.deepEqual(codes(lied), [OK, OK], 'a mismatch is a successful tx')
    const mismatches = eventsOf(lied, 'scores_mismatched')
    assert.equal(mismatches.length, 2)
    assert.equal(mismatches[0]!.code, String(REPUTATION_ERRORS.SCORES_MISMATCH))
    const again = await chain.block(revealTx(8, HONEST)) // 10
    assert.deepEqual(codes(again), [fail('ALREADY_REVEALED')], 'the verdict is final')
    const commitments = query<{ commitments: { status: string; scores: number[] }[] }>(chain, 'commitments', {
      subnet: '0',
      round: '0',
    }).commitments
    assert.deepEqual(
      commitments.map((c) => [c.status, c.scores.length]),
      [
        ['mismatched', 0],
        ['mismatched', 0],
      ],
    )
    await chain.close()
  })
})

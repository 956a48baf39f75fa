import assert from 'node:assert/strict'
import { decodeStored, encode } from '../../../../src/codec/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { REPUTATION_HOOKS, Receipt, type Reputations, receiptStateKey } from '../../../../src/modules/reputation/index.js'
import { type Module, StateError, type StateDB, expectKeeper, implementHooks, verifyStateProof } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { eventsOf, honestAggregate, updateBlob } from '../training/harness.js'
import {
  AGGREGATE,
  HEIGHTS,
  SORTED_TRAINERS,
  TrainingChain,
  UPDATES,
  VALIDATORS,
  addr,
  aggregatedRound,
  commitTx,
  query,
  reputationGenesisJson,
  revealTx,
  scoreList,
} from './harness.js'

interface ReceiptJson {
  trainer: string
  version: string
  update_cid: string
  weight: number
  consensus_score: string
  reputation_after: string
  scored: boolean
  reward: string
  slashed: string
}
interface CommitmentJson {
  validator: string
  status: string
  stake: string
  trust: string
  dividend: string
}

const HONEST = scoreList({ 2: 100, 3: 100, 4: 200 })
const who = (account: number) => encodeAddress(addr(account))
const receipts = (chain: TrainingChain, round = '0') =>
  query<{ receipts: ReceiptJson[] }>(chain, 'receipts', { subnet: '0', round }).receipts
const byTrainer = (chain: TrainingChain, round = '0') => Object.fromEntries(receipts(chain, round).map((r) => [r.trainer, r]))
const commitments = (chain: TrainingChain, round = '0') =>
  Object.fromEntries(
    query<{ commitments: CommitmentJson[] }>(chain, 'commitments', { subnet: '0', round }).commitments.map((c) => [c.validator, c]),
  )
const subtree = (db: StateDB, prefix: string) =>
  [...db.iterate(Buffer.from(prefix))].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`)

/** Round 0 played up to its close (committed height 10; the next block closes it): `reveals` maps each committing validator to the scores it reveals (null: commits, never reveals). */
async function scoredRound(
  dir: string,
  reveals: Map<number, typeof HONEST | null>,
  chainOptions: Parameters<typeof aggregatedRound>[2] = {},
): Promise<TrainingChain> {
  const chain = await aggregatedRound(dir, {}, chainOptions)
  await chain.until(HEIGHTS.commit - 1)
  await chain.block(...[...reveals.keys()].map((v) => commitTx(v, reveals.get(v) ?? HONEST)))
  await chain.until(HEIGHTS.reveal - 1)
  await chain.block(...[...reveals.entries()].filter(([, s]) => s !== null).map(([v, s]) => revealTx(v, s!)))
  await chain.until(HEIGHTS.close - 1)
  return chain
}

const allHonest = () => new Map(VALIDATORS.map((v) => [v, HONEST]))

describe('reputation settlement: Yuma on chain, receipts, reputations and standings', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('settles a round when it closes: a receipt per trainer, reputations as the EMA of round quality, dividends by stake', async () => {
    const chain = await scoredRound(dirs.next(), allHonest())
    assert.deepEqual(receipts(chain), [], 'no receipts before the round closes')
    const closing = await chain.block() // 11
    assert.deepEqual(eventsOf(closing, 'round_scored'), [{ subnet: '0', round: '0', trainers: '3', validators: '4', scored: 'true' }])
    const r = byTrainer(chain)
    // Weights 0.25, 0.25, 0.5; quality min(1, C·3) = 0.75, 0.75, 1; r = 0.3·q + 0.7·0.5.
    assert.deepEqual(
      [2, 3, 4].map((t) => [r[who(t)]!.consensus_score, r[who(t)]!.reputation_after]),
      [
        ['0.25', '0.575'],
        ['0.25', '0.575'],
        ['0.5', '0.65'],
      ],
    )
    const two = r[who(2)]!
    // The rewards module paid it: 0.25 of the trainers' 0.7 of the round's 10 FDR emission.
    assert.deepEqual([two.version, two.weight, two.scored, two.reward, two.slashed], ['1', 100, true, '1750000', '0'])
    assert.equal(
      two.update_cid,
      chain
        .query<{ updates: { trainer: string; update_cid: string }[] }>('updates', { subnet: '0', round: '0' })
        .updates.find((u) => u.trainer === who(2))!.update_cid,
    )
    assert.deepEqual(query(chain, 'reputation', { subnet: '0', trainer: who(4) }), {
      subnet: '0',
      trainer: who(4),
      reputation: '0.65',
      rounds: 1,
      last_round: '0',
    })
    assert.equal(query<{ reputations: unknown[] }>(chain, 'reputations', { subnet: '0' }).reputations.length, 3)
    assert.deepEqual(query(chain, 'history', { subnet: '0', trainer: who(4) }), {
      history: [{ round: '0', version: '1', consensus_score: '0.5', reputation_after: '0.65', scored: true }],
    })
    const c = commitments(chain)
    // Stakes 40/30/20/10 of 100 and agreeing weights: every quotient is exact, so are the dividends.
    assert.deepEqual(
      VALIDATORS.map((v) => [c[who(v)]!.status, c[who(v)]!.stake, c[who(v)]!.trust, c[who(v)]!.dividend]),
      [
        ['revealed', '40000000', '1', '0.4'],
        ['revealed', '30000000', '1', '0.3'],
        ['revealed', '20000000', '1', '0.2'],
        ['revealed', '10000000', '1', '0.1'],
      ],
    )
    await chain.close()
  })

  it('on chain, validators with 30% of stake inflating one trainer do not move its consensus score; their trust drops', async () => {
    const inflate = scoreList({ 2: 5000, 3: 0, 4: 0 })
    const chain = await scoredRound(
      dirs.next(),
      new Map([
        [8, HONEST],
        [9, HONEST],
        [10, inflate],
        [11, inflate],
      ]),
    )
    await chain.block()
    const r = byTrainer(chain)
    assert.deepEqual(
      [2, 3, 4].map((t) => r[who(t)]!.consensus_score),
      ['0.25', '0.25', '0.5'],
      'the honest consensus, to the last digit',
    )
    const c = commitments(chain)
    assert.equal(c[who(10)]!.trust, '0.25', 'weights (1, 0, 0) clipped to (0.25, 0, 0)')
    assert.ok(
      Number(c[who(10)]!.dividend) < 0.2 && Number(c[who(8)]!.dividend) > 0.4,
      'attackers earn below their stake share, honest validators above it',
    )
    await chain.close()
  })

  it('gives a validator whose reveal mismatched, or that never revealed, no dividend, counts the no-show and halves its standing', async () => {
    const lying = await aggregatedRound(dirs.next())
    await lying.until(HEIGHTS.commit - 1)
    await lying.block(...[8, 9, 10, 11].map((v) => commitTx(v, HONEST)))
    await lying.until(HEIGHTS.reveal - 1)
    await lying.block(revealTx(8, HONEST), revealTx(9, scoreList({ 2: 1, 3: 1, 4: 1 })), revealTx(11, HONEST))
    await lying.block() // 10
    const closing = await lying.block() // 11
    const c = commitments(lying)
    assert.deepEqual(
      [9, 10].map((v) => [c[who(v)]!.status, c[who(v)]!.dividend, c[who(v)]!.stake]),
      [
        ['mismatched', '0', '0'],
        ['no_show', '0', '0'],
      ],
    )
    assert.deepEqual(
      [8, 11].map((v) => c[who(v)]!.dividend),
      ['0.8', '0.2'],
      'the counted validators share all dividends by stake',
    )
    assert.deepEqual(
      eventsOf(closing, 'validator_no_show').map((e) => [e.validator, e.reason, e.standing]),
      [
        [who(9), 'mismatch', '0.5'],
        [who(10), 'no_reveal', '0.5'],
      ],
    )
    const standings = Object.fromEntries(
      query<{ standings: { validator: string; standing: string; no_shows: number; reveals: number }[] }>(lying, 'standings', {
        subnet: '0',
      }).standings.map((s) => [s.validator, [s.standing, s.no_shows, s.reveals]]),
    )
    assert.deepEqual(standings, { [who(8)]: ['1', 0, 1], [who(9)]: ['0.5', 1, 0], [who(10)]: ['0.5', 1, 0], [who(11)]: ['1', 0, 1] })
    await lying.close()
  })

  it('weighs a persistent no-show by its standing in the next round it reveals (tokens × standing)', async () => {
    const chain = await aggregatedRound(dirs.next())
    await chain.until(HEIGHTS.commit - 1)
    await chain.block(commitTx(8, HONEST), commitTx(9, HONEST))
    await chain.until(HEIGHTS.reveal - 1)
    await chain.block(revealTx(8, HONEST))
    // Round 1: open 12, submit ..14, aggregate 15..16, commit 17..18, reveal 19..20, close 21.
    await chain.until(12)
    const next = honestAggregate(
      UPDATES.map((u) => ({ values: u.values, weight: 100 })),
      AGGREGATE.modelValues,
    )
    chain.put(next.modelBytes)
    await chain.block(...UPDATES.map((u) => chain.submit(u.trainer, updateBlob(u.values), {}, 1n)))
    await chain.until(14)
    await chain.block(
      chain.aggregate(
        5,
        UPDATES.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) })),
        next.aggregateCid,
        next.modelCid,
        { round: 1n, base: AGGREGATE.modelCid },
      ),
    )
    await chain.until(16)
    await chain.block(commitTx(8, HONEST, 1n), commitTx(9, HONEST, 1n))
    await chain.until(18)
    await chain.block(revealTx(8, HONEST, 1n), revealTx(9, HONEST, 1n))
    await chain.until(21)
    const c = commitments(chain, '1')
    assert.deepEqual([c[who(8)]!.stake, c[who(9)]!.stake], ['40000000', '15000000'], 'validator 9 weighs half its tokens after one no-show')
    const standings = query<{ standings: { validator: string; standing: string }[] }>(chain, 'standings', { subnet: '0' }).standings
    assert.equal(standings.find((s) => s.validator === who(9))!.standing, '0.75', 'and recovers by showing up')
    assert.deepEqual(query(chain, 'history', { subnet: '0', trainer: who(4) }), {
      history: [
        { round: '0', version: '1', consensus_score: '0.5', reputation_after: '0.65', scored: true },
        { round: '1', version: '2', consensus_score: '0.5', reputation_after: '0.755', scored: true },
      ],
    })
    await chain.close()
  })

  it('records score 0 and leaves reputations unchanged when no validator revealed', async () => {
    const chain = await scoredRound(dirs.next(), new Map([[8, null]]))
    const closing = await chain.block()
    assert.equal(eventsOf(closing, 'round_scored')[0]!.scored, 'false')
    assert.deepEqual(
      receipts(chain).map((r) => [r.consensus_score, r.reputation_after, r.scored]),
      [
        ['0', '0.5', false],
        ['0', '0.5', false],
        ['0', '0.5', false],
      ],
    )
    assert.deepEqual(query(chain, 'reputation', { subnet: '0', trainer: who(2) }), {
      subnet: '0',
      trainer: who(2),
      reputation: '0.5',
      rounds: 0,
      last_round: null,
    })
    assert.deepEqual(query<{ reputations: unknown[] }>(chain, 'reputations', { subnet: '0' }).reputations, [])
    await chain.close()
  })

  it('keeps each receipt under receiptStateKey, provable against the state root; a tampered receipt fails the proof', async () => {
    const chain = await scoredRound(dirs.next(), allHonest())
    await chain.block()
    const key = receiptStateKey(0n, 0n, addr(3))
    const { value, root, proof } = chain.app.db.query(key)
    assert.ok(value !== undefined)
    const receipt = decodeStored(Receipt, value)
    assert.equal(receipt.consensusScore.toString(), byTrainer(chain)[who(3)]!.consensus_score)
    assert.equal(verifyStateProof(root, key, value, proof), true)
    const tampered = encode(Receipt, { ...receipt, reward: 1n })
    assert.equal(verifyStateProof(root, key, tampered, proof), false)
    assert.equal(verifyStateProof(root, receiptStateKey(0n, 1n, addr(3)), value, proof), false, 'nor does it prove another round')
    await chain.close()
  })

  it('fires roundScored for the rewards module, whose payouts land in the receipts; no other module may write them', async () => {
    const REPUTATION = expectKeeper<Reputations>('reputation', {
      reputationOf: true,
      reputationUnits: true,
      receipt: true,
      recordPayout: true,
    })
    const seen: string[] = []
    const probe: Module = {
      name: 'payout-probe',
      expects: [REPUTATION],
      messages: [],
      queries: {},
      keeper: () => ({}),
      genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
      invariants: {},
      hooks: [
        implementHooks(REPUTATION_HOOKS, (ctx) => ({
          roundScored(subnet, round, trainers, validators) {
            const keeper = ctx.keeper(REPUTATION)
            seen.push(
              `probe ${subnet}/${round} ${trainers.map((t) => `${t.consensusScore}:${t.weight}:${keeper.reputationUnits(subnet, t.trainer)}`).join(',')} ${validators.length}`,
            )
            try {
              for (const t of trainers) keeper.recordPayout(subnet, round, t.trainer, { reward: 1n, slashed: 0n })
            } catch (error) {
              if (!(error instanceof StateError)) throw error
              seen.push(`probe ${error.code}`)
            }
          },
        })),
      ],
    }
    const chain = await scoredRound(dirs.next(), allHonest(), {
      extra: [probe],
      composition: { hooks: [{ point: REPUTATION_HOOKS, subscriber: 'payout-probe' }] },
    })
    await chain.block()
    const order = SORTED_TRAINERS.map((t) => ({ 2: '0.25:100:575', 3: '0.25:100:575', 4: '0.5:100:650' })[t as 2 | 3 | 4]).join(',')
    assert.deepEqual(seen, [`probe 0/0 ${order} 4`, 'probe SCOPE_VIOLATION'])
    // The default chain's rewards module (subscribed first) wrote them: 0.7 of 10 FDR by consensus score.
    assert.deepEqual(
      receipts(chain).map((r) => r.reward),
      SORTED_TRAINERS.map((t) => (t === 4 ? '3500000' : '1750000')),
    )
    await chain.close()
  })

  it('exports and re-imports its books unchanged (reputations, receipts, commitments, standings, bonds)', async () => {
    const chain = await scoredRound(
      dirs.next(),
      new Map([
        [8, HONEST],
        [9, null],
        [10, HONEST],
      ]),
    )
    await chain.block()
    const exported = chain.app.exportAppState()
    const section = exported.reputation as Record<string, unknown[]>
    assert.deepEqual(
      ['reputations', 'receipts', 'commitments', 'standings', 'bonds'].map((k) => section[k]!.length),
      [3, 3, 3, 3, 6],
    )
    const fresh = await TrainingChain.open(dirs.next(), {
      genesis: { ...reputationGenesisJson(), initial_height: chain.height + 1, app_state: exported },
    })
    assert.deepEqual(subtree(fresh.app.db, 'reputation/'), subtree(chain.app.db, 'reputation/'))
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().reputation, exported.reputation)
    await fresh.close()
    await chain.close()
  })

  it('breaks its receipts invariant for a receipt of a round that never closed (planted in genesis)', async () => {
    const chain = await scoredRound(dirs.next(), allHonest())
    await chain.block()
    const exported = chain.app.exportAppState()
    const section = exported.reputation as { receipts: Record<string, unknown>[] }
    const planted = { ...exported, reputation: { ...section, receipts: [...section.receipts, { ...section.receipts[0]!, round: '1' }] } }
    const fresh = await TrainingChain.open(dirs.next(), {
      genesis: { ...reputationGenesisJson(), initial_height: chain.height + 1, app_state: planted },
    })
    assert.throws(
      () => fresh.app.assertInvariants(),
      (e: unknown) => e instanceof StateError && e.code === 'INVARIANT_BROKEN' && /reputation\/receipts/.test(e.message),
    )
    await fresh.close()
    await chain.close()
  })
})

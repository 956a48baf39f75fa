import assert from 'node:assert/strict'
import { TRAINING_ERRORS, submitUpdateGas, trainingParams } from '../../../../src/modules/training/index.js'
import { TrainingBooks } from '../../../../src/modules/training/books.js'
import {
  belowNorm,
  cosineAtLeast,
  cosineDec,
  exactDot,
  exactNormSq,
  isqrt,
  nearestCopy,
} from '../../../../src/modules/training/free-riders.js'
import { trainingInvariants } from '../../../../src/modules/training/invariants.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { CacheStore, Context, Dec, GAS, GasMeter, StateError, outsideBlock, parseGenesis } from '../../../../src/state/index.js'
import { CHAIN_ID, seededRandom } from '../../../helpers/chain.js'
import { tempDirs, testRegistry } from '../../../support/chain.js'
import {
  INITIAL_VALUES,
  N,
  TRAINER_BOND,
  TrainingChain,
  addr,
  codes,
  eventsOf,
  honestAggregate,
  storeCid,
  trainingGenesisJson,
  updateBlob,
} from './harness.js'

/** A chain with the module's own free-rider params (near-copy at 0.99 and 100 rounds of memory, not the harness' 1 and 0) and `params` on top. */
const withDefaults = (params: Record<string, unknown> = {}) => ({
  genesis: trainingGenesisJson({ params: { near_copy_cosine: '0.99', free_rider_memory_rounds: 100, ...params } }),
})
const ok: [string, number] = ['', 0]
const refused = (code: keyof typeof TRAINING_ERRORS): [string, number] => ['training', TRAINING_ERRORS[code]]

const A = [100, -200, 300, 50, 5, -5]
/** A with its last coordinate changed: a near copy (cos ≈ 0.9996). */
const A_NEAR = [100, -200, 300, 50, 5, 6]
/** A genuinely different update (cos(A, C) < 0). */
const C = [-50, 120, 30, -200, 80, 10]

interface Rejected {
  trainer: string
  update_cid: string
  sample_count: number
  code: number
  reason: string
  matched_round: string | null
  matched_trainer: string | null
  norm_sq: string
  cosine: string
  slashed: string
  height: string
}

const bigDot = (a: Int32Array, b: Int32Array): bigint => a.reduce((s, v, i) => s + BigInt(v) * BigInt(b[i]!), 0n)

/** After a round with `honest` recorded (trainer → values), the aggregate of exactly those is accepted: the free-riders' updates never reach the model. */
async function aggregateHonest(chain: TrainingChain, honest: { trainer: number; values: number[] }[]): Promise<void> {
  await chain.until(4)
  const expected = honestAggregate(honest.map((u) => ({ values: u.values, weight: 100 })))
  chain.put(expected.modelBytes)
  const executed = await chain.block(
    chain.aggregate(
      5,
      honest.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) })),
      expected.aggregateCid,
      expected.modelCid,
    ),
  )
  assert.deepEqual(codes(executed), [ok])
  assert.equal(
    chain.query<{ global_cid: string }>('latestVersion', { subnet: '0' }).global_cid,
    expected.modelCid,
    "the new model is the honest updates' aggregate alone",
  )
}

describe('training free-riders: exact integer tests', () => {
  it('computes dot products and squared norms exactly on every dtype range, the split path included (bigint reference)', () => {
    const random = seededRandom(21)
    for (const maxAbs of [127, 32767, 2 ** 26, 2 ** 26 + 1, 2 ** 31 - 1]) {
      for (const n of [1, 7, 1000]) {
        const draw = () => Int32Array.from({ length: n }, () => Math.floor(random() * (2 * maxAbs + 1)) - maxAbs)
        const [a, b] = [draw(), draw()]
        assert.equal(exactDot(a, b, maxAbs), bigDot(a, b), `maxAbs ${maxAbs}, n ${n}`)
        assert.equal(exactNormSq(a, maxAbs), bigDot(a, a))
      }
      const extreme = new Int32Array(5000).fill(-maxAbs)
      assert.equal(exactNormSq(extreme, maxAbs), 5000n * BigInt(maxAbs) ** 2n, `all −${maxAbs}`)
    }
  })

  it('planted bug: a squared norm summed in int32 wraps, and an honest update would look like a zero update', () => {
    const honest = Int32Array.of(32768, -32768, 32768, -32768, 0, 0) // an int32 round: 4 · 2^30 = 2^32
    let wrapped = 0
    for (const v of honest) wrapped = (wrapped + Math.imul(v, v)) | 0
    assert.equal(wrapped, 0, 'the int32 sum wraps to exactly 0')
    assert.equal(belowNorm(BigInt(wrapped), 1n), true, 'the wrapped norm would be judged an all-zero update')
    assert.equal(exactNormSq(honest, 2 ** 31 - 1), 2n ** 32n)
    assert.equal(belowNorm(exactNormSq(honest, 2 ** 31 - 1), 1n), false, 'the exact norm is not')
  })

  it('planted bug: a float64 cosine calls a vector one unit off a copy; the integer test does not', () => {
    const m = 2 ** 31 - 1
    const a = Int32Array.of(m, 1)
    const b = Int32Array.of(m, 0)
    const float = (a[0]! * b[0]! + a[1]! * b[1]!) / (Math.hypot(a[0]!, a[1]!) * Math.hypot(b[0]!, b[1]!))
    assert.equal(float, 1, 'float64 rounds cos to exactly 1')
    const dot = exactDot(a, b, m)
    assert.equal(cosineAtLeast(dot, exactNormSq(a, m), exactNormSq(b, m), Dec.ONE), false, 'exactly, cos < 1')
    assert.equal(cosineAtLeast(dot, exactNormSq(b, m), exactNormSq(b, m), Dec.ONE), true, 'an exact copy is at 1')
    assert.equal(
      cosineDec(dot, exactNormSq(a, m), exactNormSq(b, m)).toString(),
      '0.999999999999999999',
      'and the recorded cosine is truncated, never rounded up',
    )
  })

  it('compares at the threshold exactly: cos = 3/5 is ≥ 0.6 and < 0.600000000000000001', () => {
    const [dot, na, nb] = [3n, 25n, 1n] // a = (3, 4), b = (1, 0)
    assert.equal(cosineAtLeast(dot, na, nb, Dec.parse('0.6')), true)
    assert.equal(cosineAtLeast(dot, na, nb, Dec.parse('0.600000000000000001')), false)
    assert.equal(cosineAtLeast(-3n, na, nb, Dec.parse('0.6')), false, 'an opposite update is never a copy')
    assert.equal(cosineDec(dot, na, nb).toString(), '0.6')
    for (const x of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 36n, 10n ** 36n - 1n, 2n ** 127n]) {
      const r = isqrt(x)
      assert.ok(r * r <= x && (r + 1n) * (r + 1n) > x, `isqrt(${x})`)
    }
  })

  it('finds the closest earlier update among several at or above the threshold, and none for a genuinely different one', () => {
    const earlier = [
      { trainer: addr(2), values: Int32Array.from(C) },
      { trainer: addr(3), values: Int32Array.from(A) },
      { trainer: addr(4), values: Int32Array.from([100, -200, 300, 50, 5, 30]) },
    ]
    const near = Int32Array.from(A_NEAR)
    const match = nearestCopy(near, exactNormSq(near, 32767), earlier, Dec.parse('0.99'), 32767)
    assert.equal(Buffer.from(match!.trainer).toString('hex'), Buffer.from(addr(3)).toString('hex'))
    assert.ok(match!.cosine.gt(Dec.parse('0.999')) && match!.cosine.lt(Dec.ONE))
    const c = Int32Array.from([-40, 100, 20, -220, 60, 0])
    assert.equal(nearestCopy(c, exactNormSq(c, 32767), earlier.slice(1), Dec.parse('0.99'), 32767), undefined)
  })

  it('defaults: memory 100 rounds, min norm 1, cosine 0.99, slash 0.1; out-of-range params are refused', () => {
    const d = trainingParams.fromJson({}, 'p')
    assert.deepEqual(
      [d.freeRiderMemoryRounds, d.minUpdateNorm, d.nearCopyCosine.toString(), d.freeRiderSlashFraction.toString()],
      [100, 1n, '0.99', '0.1'],
    )
    const registry = testRegistry()
    const invalid = (path: string) => (e: unknown) =>
      e instanceof StateError && e.code === 'GENESIS_INVALID' && String(e.context.path).startsWith(path)
    assert.throws(
      () => parseGenesis(trainingGenesisJson({ params: { near_copy_cosine: '1.5' } }), registry),
      invalid('app_state.training.params.near_copy_cosine'),
    )
    assert.throws(
      () => parseGenesis(trainingGenesisJson({ params: { free_rider_slash_fraction: '2' } }), registry),
      invalid('app_state.training.params.free_rider_slash_fraction'),
    )
    assert.throws(
      () => parseGenesis(trainingGenesisJson({ params: { min_update_norm: -1 } }), registry),
      invalid('app_state.training.params.min_update_norm'),
    )
  })
})

describe('training free-riders: verdicts on chain (the tx succeeds, the update is not recorded, the trainer is slashed and barred)', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("DUPLICATE_CONTENT: a copy of another trainer's update in the round is rejected, slashed and barred; the model is the honest aggregate", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults())
    const supply = chain.supply()
    const executed = await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(A), { sampleCount: 50 }))
    assert.deepEqual(codes(executed), [ok, ok], 'a verdict, not a refusal')
    assert.equal(eventsOf(executed, 'update_submitted').length, 1)
    const [event] = eventsOf(executed, 'update_rejected')
    assert.deepEqual(event, {
      subnet: '0',
      round: '0',
      trainer: encodeAddress(addr(3)),
      update_cid: storeCid(updateBlob(A)),
      code: String(TRAINING_ERRORS.DUPLICATE_CONTENT),
      reason: 'DUPLICATE_CONTENT',
      matched_round: '0',
      matched_trainer: encodeAddress(addr(2)),
      norm_sq: String(A.reduce((s, v) => s + v * v, 0)),
      cosine: '1',
      slashed: '100',
    })
    assert.equal(chain.bond(0n, 'trainer', 3), TRAINER_BOND - 100n)
    assert.equal(chain.supply(), supply - 100n, 'the slash is burned')
    assert.equal(chain.query<{ updates: number }>('round', { subnet: '0' }).updates, 1, 'the round counts only the honest update')
    const [rejected] = chain.query<{ rejected_updates: Rejected[] }>('rejectedUpdates', { subnet: '0', round: '0' }).rejected_updates
    assert.deepEqual(
      [rejected!.trainer, rejected!.code, rejected!.sample_count, rejected!.matched_round, rejected!.height],
      [encodeAddress(addr(3)), 32, 50, '0', '2'],
    )
    const again = await chain.block(chain.submit(3, updateBlob(C)))
    assert.deepEqual(codes(again), [refused('TRAINER_BARRED')], 'the free-rider may not try again in the round')
    await aggregateHonest(chain, [{ trainer: 2, values: A }])
    await chain.close()
  })

  it('DUPLICATE_CONTENT across rounds: resubmitting an update of an earlier round is caught within free_rider_memory_rounds, and forgotten after', async () => {
    // A trainer bond minimum below the bond left after a slash, so that trainer 4 may submit again in round 2.
    const chain = await TrainingChain.withSubnet(dirs.next(), { minTrainerBond: 500n }, withDefaults({ free_rider_memory_rounds: 1 }))
    await chain.block(chain.submit(2, updateBlob(A)))
    await aggregateHonest(chain, [{ trainer: 2, values: A }])
    await chain.until(8) // round 1 opened at 8 (close 7 + gap 1)
    const replay = await chain.block(chain.submit(4, updateBlob(A), {}, 1n))
    const [event] = eventsOf(replay, 'update_rejected')
    assert.deepEqual([event!.code, event!.matched_round, event!.matched_trainer], ['32', '0', encodeAddress(addr(2))])
    assert.equal(chain.bond(0n, 'trainer', 4), TRAINER_BOND - 100n)
    await chain.until(14) // round 2 opened at 14: round 0 is out of memory and its entry forgotten
    const books = new TrainingBooks(
      new Context(
        outsideBlock(CHAIN_ID, chain.height),
        new CacheStore(chain.app.db),
        new GasMeter(2n ** 64n),
        chain.app.registry,
        [],
        'training',
      ).moduleStore(),
    )
    assert.equal(books.contentSeen(0n, storeCid(updateBlob(A))), undefined)
    const later = await chain.block(chain.submit(4, updateBlob(A), {}, 2n))
    assert.deepEqual([codes(later), eventsOf(later, 'update_submitted').length], [[ok], 1], 'accepted once out of memory')
    await chain.close()
  })

  it('ZERO_UPDATE: an all-zero update is rejected and slashed; with min_update_norm 100 the boundary is exact (norm 99 rejected, 100 recorded)', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults())
    const executed = await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob([0, 0, 0, 0, 0, 0])))
    assert.deepEqual(codes(executed), [ok, ok])
    const [event] = eventsOf(executed, 'update_rejected')
    assert.deepEqual(
      [event!.code, event!.reason, event!.matched_round, event!.matched_trainer, event!.norm_sq, event!.slashed],
      ['33', 'ZERO_UPDATE', '', '', '0', '100'],
    )
    assert.equal(chain.bond(0n, 'trainer', 3), TRAINER_BOND - 100n)
    await aggregateHonest(chain, [{ trainer: 2, values: A }])
    await chain.close()

    const strict = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults({ min_update_norm: '100' }))
    const boundary = await strict.block(
      strict.submit(2, updateBlob([99, 0, 0, 0, 0, 0])),
      strict.submit(3, updateBlob([0, 60, 0, -80, 0, 0])),
    )
    assert.deepEqual(
      eventsOf(boundary, 'update_rejected').map((e) => [e.trainer, e.code, e.norm_sq]),
      [[encodeAddress(addr(2)), '33', '9801']],
    )
    assert.deepEqual(
      eventsOf(boundary, 'update_submitted').map((e) => e.trainer),
      [encodeAddress(addr(3))],
      'norm exactly 100 is recorded',
    )
    await strict.close()
  })

  it("NEAR_COPY: an update with one coordinate changed is the later submitter's copy; a genuinely different update is recorded", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults())
    const executed = await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(A_NEAR)), chain.submit(4, updateBlob(C)))
    assert.deepEqual(codes(executed), [ok, ok, ok])
    const rejected = eventsOf(executed, 'update_rejected')
    assert.equal(rejected.length, 1)
    assert.deepEqual(
      [rejected[0]!.trainer, rejected[0]!.code, rejected[0]!.matched_round, rejected[0]!.matched_trainer],
      [encodeAddress(addr(3)), '34', '0', encodeAddress(addr(2))],
    )
    const exact = cosineDec(
      exactDot(Int32Array.from(A_NEAR), Int32Array.from(A), 32767),
      exactNormSq(Int32Array.from(A_NEAR), 32767),
      exactNormSq(Int32Array.from(A), 32767),
    )
    assert.equal(rejected[0]!.cosine, exact.toString())
    assert.ok(exact.gte(Dec.parse('0.99')) && exact.lt(Dec.ONE))
    assert.equal(chain.bond(0n, 'trainer', 3), TRAINER_BOND - 100n)
    assert.equal(chain.bond(0n, 'trainer', 4), TRAINER_BOND, 'the honest trainer keeps its bond')
    const recorded = chain.query<{ updates: { trainer: string }[] }>('updates', { subnet: '0', round: '0' }).updates.map((u) => u.trainer)
    assert.deepEqual(recorded.sort(), [encodeAddress(addr(2)), encodeAddress(addr(4))].sort())
    await aggregateHonest(chain, [
      { trainer: 2, values: A },
      { trainer: 4, values: C },
    ])
    await chain.close()
  })

  it("the harness' cosine 1 takes only exactly parallel updates (a scaled copy), not a near copy", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const executed = await chain.block(
      chain.submit(2, updateBlob(A)),
      chain.submit(3, updateBlob(A_NEAR)),
      chain.submit(4, updateBlob(A.map((v) => 2 * v))),
    )
    assert.deepEqual(
      eventsOf(executed, 'update_rejected').map((e) => [e.trainer, e.code, e.cosine]),
      [[encodeAddress(addr(4)), '34', '1']],
    )
    await chain.close()
  })

  it("free_rider_memory_rounds 0 (the harness') looks for duplicates in the current round only", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next())
    const first = await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(A)))
    assert.deepEqual(
      eventsOf(first, 'update_rejected').map((e) => e.code),
      ['32'],
    )
    await chain.until(8)
    const next = await chain.block(chain.submit(2, updateBlob(A), {}, 1n))
    assert.deepEqual([eventsOf(next, 'update_rejected').length, eventsOf(next, 'update_submitted').length], [0, 1])
    await chain.close()
  })

  it('charges gas_per_coordinate × N per earlier update of the round for near-copy, before the comparison', async () => {
    const used: bigint[] = []
    for (const gas of ['1', '1001']) {
      const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults({ gas_per_coordinate: gas }))
      await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(C)))
      const executed = await chain.block(chain.submit(4, updateBlob([1, 2, 3, 4, 5, 6])))
      assert.deepEqual(codes(executed), [ok])
      used.push(executed.txResults[0]!.gasUsed)
      await chain.close()
    }
    assert.equal(used[1]! - used[0]!, 1000n * BigInt(N) * 3n, 'N for the check, N × 2 for two earlier updates')
  })

  it('submitUpdateGas bounds the gas that near-copy adds to an update (measured on chain)', async () => {
    // Measured: one tx with near-copy off and one with it on, the same update third in its round.
    const measure = async (nearCopy: string) => {
      const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults({ near_copy_cosine: nearCopy }))
      await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(C)))
      const executed = await chain.block(chain.submit(4, updateBlob([1, 2, 3, 4, 5, 6])))
      await chain.close()
      return executed.txResults[0]!.gasUsed
    }
    const [off, on] = [await measure('0'), await measure('0.99')]
    const added = submitUpdateGas(N, 'int16', 2, 1n) - submitUpdateGas(N, 'int16', 2, 1n, false)
    assert.ok(on - off <= added && on - off > added / 2n, `near-copy added ${on - off} gas, bound ${added}`)
    assert.equal(submitUpdateGas(159_010, 'int16', 0, 1n, false), 159_010n + GAS.write + GAS.writeByte * 186n)
  })

  it("keeps rejected updates and the round's copies through genesis export and import, and goes on judging the same", async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults())
    await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob([0, 0, 0, 0, 0, 0])))
    const exported = chain.app.exportAppState()
    const section = exported.training as { subnets: { rejected_updates: unknown[]; update_copies: { trainer: string }[] }[] }
    assert.equal(section.subnets[0]!.rejected_updates.length, 1)
    assert.deepEqual(
      section.subnets[0]!.update_copies.map((c) => c.trainer),
      [encodeAddress(addr(2))],
    )
    const fresh = await TrainingChain.open(dirs.next(), {
      genesis: { ...trainingGenesisJson(), initial_height: chain.height + 1, app_state: exported },
    })
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().training, exported.training)
    // The same signed txs on both chains (the fresh one's harness does not know the accounts' nonces).
    const txs = [chain.submit(4, updateBlob(A_NEAR)), chain.submit(3, updateBlob(C))].map(([from, type, message]) =>
      chain.sign(from, type, message),
    )
    for (const c of [chain, fresh]) {
      const executed = await c.blockOf(txs, chain.blobs)
      assert.deepEqual(codes(executed), [ok, refused('TRAINER_BARRED')])
      assert.deepEqual(
        eventsOf(executed, 'update_rejected').map((e) => e.code),
        ['34'],
        'the near copy is caught from the imported copies',
      )
    }
    assert.deepEqual(fresh.app.exportAppState().training, chain.app.exportAppState().training)
    await chain.until(7)
    await fresh.until(7)
    assert.deepEqual(
      (fresh.app.exportAppState().training as typeof section).subnets[0]!.update_copies,
      [],
      'the copies are gone once the round closed',
    )
    await fresh.close()
    await chain.close()
  })

  it('the freeRiders invariant catches planted bugs', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults())
    await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(A)))
    const planted = (plant: (books: TrainingBooks) => void): string | null => {
      const ctx = new Context(
        outsideBlock(CHAIN_ID, chain.height),
        new CacheStore(chain.app.db),
        new GasMeter(2n ** 64n),
        chain.app.registry,
        [],
        'training',
      )
      plant(new TrainingBooks(ctx.moduleStore()))
      return trainingInvariants.freeRiders(ctx)
    }
    assert.equal(
      planted(() => {}),
      null,
    )
    const rejection = (b: TrainingBooks) => b.updateRejection(0n, 0n, addr(3))!
    assert.match(planted((b) => b.setUpdateRejection(0n, 0n, addr(2), rejection(b)))!, /both a recorded and a rejected update/)
    assert.match(
      planted((b) => b.setUpdateRejection(0n, 0n, addr(4), { ...rejection(b), code: TRAINING_ERRORS.WRONG_AGGREGATE }))!,
      /not a free-rider verdict/,
    )
    assert.match(planted((b) => b.setContentSeen(0n, storeCid(updateBlob(C)), { round: 0n, trainer: addr(2) }))!, /which is not recorded/)
    assert.match(planted((b) => b.deleteContentSeen(0n, storeCid(updateBlob(A))))!, /missing from the duplicate index/)
    assert.match(planted((b) => b.setUpdateCopy(0n, 0n, addr(2), updateBlob(C)))!, /is not its recorded blob/)
    assert.match(planted((b) => b.setRound({ ...b.round(0n, 0n)!, closed: true }))!, /which is closed/)
    await chain.close()
  })

  it('the model is unchanged by every verdict: base + the honest aggregate, as if the free-riders had never sent', async () => {
    const chain = await TrainingChain.withSubnet(dirs.next(), {}, withDefaults())
    await chain.block(chain.submit(2, updateBlob(A)), chain.submit(3, updateBlob(A_NEAR)), chain.submit(4, updateBlob([0, 0, 0, 0, 0, 0])))
    assert.deepEqual(
      chain
        .query<{ rejected_updates: Rejected[] }>('rejectedUpdates', { subnet: '0', round: '0' })
        .rejected_updates.map((r) => [r.trainer, r.reason])
        .sort(),
      [
        [encodeAddress(addr(3)), 'NEAR_COPY'],
        [encodeAddress(addr(4)), 'ZERO_UPDATE'],
      ].sort(),
    )
    await aggregateHonest(chain, [{ trainer: 2, values: A }])
    const version = chain.query<{ included: { trainer: string }[] }>('latestVersion', { subnet: '0' })
    assert.deepEqual(
      version.included.map((i) => i.trainer),
      [encodeAddress(addr(2))],
    )
    assert.deepEqual(
      honestAggregate([{ values: A, weight: 100 }]).modelValues,
      INITIAL_VALUES.map((v, i) => v + A[i]!),
    )
    await chain.close()
  })
})

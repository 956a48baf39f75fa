import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../../src/fl/rules/repfedavg.js'
import { secAggRecoveredRule } from '../../../../src/fl/rules/secagg-fedavg.js'
import {
  RECOVERY_SHARE_KIND,
  type RecoveryMember,
  type RecoveryStatus,
  type SecAggErrorContexts,
  type SecAggRecovery,
  type ShareKind,
  encodeShare,
  isSecAggError,
  recoverSecAggRound,
  selfSeedCommitment,
} from '../../../../src/fl/secagg/index.js'
import { openOf, plainUpdates, simulateRound } from './support.js'

const N = 4000
const WEIGHTS = [512, 300, 1, 250, 100, 512, 37, 480]
const DROPPED = [3, 5]
const SURVIVORS = [0, 1, 2, 4, 6, 7]
const updates = plainUpdates(8, N, 19)
const round = simulateRound({ n: 8, updates, weights: WEIGHTS, seed: 'recovery core' })
const { graph, roundId } = round
const statusOf = (i: number): RecoveryStatus => (DROPPED.includes(i) ? 'dropped' : 'survivor')

/** Member i as a caller hands it in: its shares of `kind` revealed by its surviving holders (all of them unless `holders` is given). */
function member(i: number, kind: ShareKind = RECOVERY_SHARE_KIND[statusOf(i)], holders?: number): RecoveryMember {
  const revealed = round.dealt[i]!.filter((d) => !DROPPED.includes(d.holder))
    .slice(0, holders)
    .map((d) => {
      const opened = openOf(round, i, d.holder)
      return { holder: d.holder, share: kind === 'key' ? opened.keyShare : opened.selfShare }
    })
  const m = round.members[i]!
  return {
    index: i,
    status: statusOf(i),
    roundKey: m.roundKey.publicKey,
    selfCommitment: selfSeedCommitment(roundId, i, m.selfSeed),
    shares: revealed,
  }
}
const allMembers = () => round.members.map((m) => member(m.index))

/** The context of the SecAggError of `code` that `fn` throws. */
function thrown<C extends 'SECAGG_RECOVERY_SHORT' | 'SECAGG_RECOVERY_FAILED'>(code: C, fn: () => unknown): SecAggErrorContexts[C] {
  try {
    fn()
  } catch (error) {
    if (isSecAggError(error, code)) return error.context
    throw error
  }
  return assert.fail(`no ${code}`)
}

const edges = DROPPED.flatMap((u) => SURVIVORS.filter((v) => graph.areNeighbours(u, v))).length

/**
 * What a recovery must give for the round above, or the first thing it gets wrong: the rule over
 * the survivors' masked updates is plain FedAvg of their plaintext, and the gas counts one
 * expansion per self mask and per dropped–surviving edge. Run on the real recovery and on planted
 * variants below.
 */
function recoveryFault(recover: () => SecAggRecovery): string | undefined {
  const input = (values: Int32Array[]) => ({
    updates: values,
    weights: SURVIVORS.map((i) => WEIGHTS[i]!),
    reputations: SURVIVORS.map(() => REPUTATION_UNIT),
  })
  try {
    const { gas, rule } = secAggRecoveredRule(recover(), N, 3n)
    if (gas !== 3n * BigInt(N) * BigInt(SURVIVORS.length + edges)) return `gas ${gas}`
    const got = rule().fast(input(SURVIVORS.map((i) => round.masked[i]!))).values
    const expected = getAggregationRule('fedavg').reference(input(SURVIVORS.map((i) => updates[i]!))).values
    return got.every((v, k) => v === expected[k]) ? undefined : 'aggregate'
  } catch (error) {
    return `throws ${(error as Error).message}`
  }
}

describe('fl/secagg/recovery: one recovery of a round for the chain and the aggregator', () => {
  it("rebuilds the survivors' self seeds and the dropped members' keys: FedAvg of the survivors bit for bit, gas per self mask and per dropped–surviving edge", () => {
    assert.ok(edges > 0, 'the round has dropped–surviving edges')
    assert.equal(
      recoveryFault(() => recoverSecAggRound({ graph, roundId, members: allMembers() })),
      undefined,
    )
    const recovery = recoverSecAggRound({ graph, roundId, members: allMembers() })
    assert.deepEqual(
      recovery.dropped.map((d) => d.index),
      DROPPED,
    )
    assert.deepEqual(
      recovery.dropped.map((d) => d.secretKey),
      DROPPED.map((u) => round.members[u]!.roundKey.secretKey),
    )
    assert.deepEqual(
      recovery.selfSeeds.map((s) => s.seed),
      SURVIVORS.map((v) => round.members[v]!.selfSeed),
    )
    assert.equal(recovery.expansions, SURVIVORS.length + edges)
  })

  for (const [who, i, kind] of [
    ['a survivor', 4, 'self'],
    ['a dropped member', 5, 'key'],
  ] as const) {
    it(`${who} with t − 1 revealed ${kind} shares: SECAGG_RECOVERY_SHORT naming it and the kind`, () => {
      const members = allMembers()
      members[i] = member(i, kind, graph.threshold - 1)
      assert.deepEqual(
        thrown('SECAGG_RECOVERY_SHORT', () => recoverSecAggRound({ graph, roundId, members })),
        { member: i, kind, revealed: graph.threshold - 1, threshold: graph.threshold },
      )
    })
  }

  it('shares that do not rebuild the secret: SECAGG_RECOVERY_FAILED naming the member, its kind and the reconstruction error', () => {
    // a survivor whose holders hand in key shares as its self shares: they interpolate to its round key, not the committed seed
    const members = allMembers()
    members[2] = { ...member(2, 'key'), status: 'survivor' }
    assert.deepEqual(
      {
        ...thrown('SECAGG_RECOVERY_FAILED', () => recoverSecAggRound({ graph, roundId, members })),
        reason: '',
      },
      { member: 2, kind: 'self', code: 'SECAGG_RECONSTRUCTION', reason: '' },
    )
    // a dropped member with one key share replaced: another key, not its round public key
    const altered = allMembers()
    const [first, ...rest] = member(3).shares
    altered[3] = { ...member(3), shares: [{ holder: first!.holder, share: encodeShare(12345n) }, ...rest] }
    const failed = thrown('SECAGG_RECOVERY_FAILED', () => recoverSecAggRound({ graph, roundId, members: altered }))
    assert.equal(failed.member, 3)
    assert.equal(failed.kind, 'key')
    assert.equal(failed.code, 'SECAGG_RECONSTRUCTION')
  })

  it('takes members in the order given and stops at the first that fails, reading no further (the chain reads its store lazily)', () => {
    const members = allMembers()
    members[1] = member(1, 'self', 0)
    members[3] = member(3, 'key', 0)
    let read = 0
    function* lazily() {
      for (const m of members) {
        read++
        yield m
      }
    }
    assert.equal(thrown('SECAGG_RECOVERY_SHORT', () => recoverSecAggRound({ graph, roundId, members: lazily() })).member, 1)
    assert.equal(read, 2)
  })

  describe('planted bugs: the check above fails on each', () => {
    it('a recovery that counts the dropped–surviving edges but not the self masks', () => {
      const planted = () => {
        const r = recoverSecAggRound({ graph, roundId, members: allMembers() })
        return { ...r, expansions: r.expansions - r.survivors.length }
      }
      assert.match(recoveryFault(planted) ?? '', /^gas /)
    })

    it("a recovery that leaves a dropped member's key out (the masks it shared with survivors stay in the sum)", () => {
      const planted = () => {
        const r = recoverSecAggRound({ graph, roundId, members: allMembers() })
        return { ...r, dropped: r.dropped.slice(1) }
      }
      // a mask left in puts the sum outside the plain range: the rule itself refuses it (else the values would differ)
      assert.match(recoveryFault(planted) ?? '', /^throws .*a mask was not removed|^aggregate$/)
    })

    it("a caller that takes a survivor's key shares and a dropped member's self shares (the kinds swapped)", () => {
      const swapped: Record<RecoveryStatus, ShareKind> = { survivor: 'key', dropped: 'self' }
      const planted = () =>
        recoverSecAggRound({ graph, roundId, members: round.members.map((m) => member(m.index, swapped[statusOf(m.index)])) })
      assert.match(recoveryFault(planted) ?? '', /SECAGG_RECOVERY_FAILED/)
    })
  })
})

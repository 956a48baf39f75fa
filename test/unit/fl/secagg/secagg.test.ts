import assert from 'node:assert/strict'
import { getAggregationRule } from '../../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../../src/fl/rules/repfedavg.js'
import { secAggFedAvgRule } from '../../../../src/fl/rules/secagg-fedavg.js'
import {
  MODULUS,
  PLAIN_MAX_ABS,
  checkRevealedShare,
  combineShares,
  dealRoundKey,
  encodeShare,
  graphDegree,
  maskCorrection,
  maskStream,
  maskUpdate,
  openShare,
  pairSeed,
  reconstructRoundSecret,
  residue,
  secAggGraph,
  secAggMean,
  splitSecret,
  unmaskedSum,
} from '../../../../src/fl/secagg/index.js'
import { CHI2_255_P001, chiSquare, codeOf, members, openOf, plainUpdates, recoverDropped, seededBytes, simulateRound } from './support.js'

const N = 9000 // crosses secAggMean's 4096-coordinate blocks

const fedAvg = (updates: Int32Array[], weights: number[]) =>
  getAggregationRule('fedavg').reference({ updates, weights, reputations: weights.map(() => REPUTATION_UNIT) }).values

describe('secure aggregation (SecAgg+): masks, shares, dropouts and the exact FedAvg', () => {
  const weights8 = [100, 512, 37, 250, 1, 480, 300, 64]
  const updates8 = plainUpdates(8, N, 28)

  it("8 trainers, 2 drop after dealing their shares: the survivors' masked sum plus the rebuilt masks is exactly plain FedAvg over the 6 survivors", () => {
    const round = simulateRound({ n: 8, updates: updates8, weights: weights8 })
    const dropped = [2, 5]
    const survivors = [0, 1, 3, 4, 6, 7]
    const correction = recoverDropped(round, dropped)
    const result = secAggMean(
      survivors.map((i) => round.masked[i]!),
      survivors.map((i) => weights8[i]!),
      correction,
    )
    assert.deepEqual(
      result,
      fedAvg(
        survivors.map((i) => updates8[i]!),
        survivors.map((i) => weights8[i]!),
      ),
    )
    // with nobody dropped the pairwise masks cancel, and the self masks are the whole correction
    assert.deepEqual(
      secAggFedAvgRule(recoverDropped(round, [])).reference({ updates: round.masked, weights: weights8 }).values,
      fedAvg(updates8, weights8),
    )
    assert.equal(
      codeOf(() => secAggMean(round.masked, weights8)),
      'SECAGG_UNMASKED_RANGE',
      "without the survivors' self seeds their self masks stay in the sum",
    )
    // without the correction the dropped members' masks stay in the sum: caught by the range check
    assert.equal(
      codeOf(() =>
        secAggMean(
          survivors.map((i) => round.masked[i]!),
          survivors.map((i) => weights8[i]!),
        ),
      ),
      'SECAGG_UNMASKED_RANGE',
    )
  })

  it("rebuilds the masks from any t of a dropped member's holders, and refuses t − 1", () => {
    const round = simulateRound({ n: 8, updates: updates8, weights: weights8, seed: 'threshold' })
    const { graph, members: all, dealt } = round
    assert.equal(graph.degree, 6)
    assert.equal(graph.threshold, 4)
    const u = 3
    const opened = dealt[u]!.map((d) => ({ holder: d.holder, share: openOf(round, u, d.holder).keyShare }))
    for (const subset of [opened.slice(0, 4), opened.slice(2, 6), [opened[0]!, opened[2]!, opened[3]!, opened[5]!]]) {
      assert.deepEqual(
        reconstructRoundSecret({ dealer: u, graph, publicKey: all[u]!.roundKey.publicKey, shares: subset }),
        all[u]!.roundKey.secretKey,
      )
    }
    assert.equal(
      codeOf(() => reconstructRoundSecret({ dealer: u, graph, publicKey: all[u]!.roundKey.publicKey, shares: opened.slice(0, 3) })),
      'SECAGG_TOO_FEW_SHARES',
    )
  })

  it('t − 1 shares are consistent with every secret (Shamir hides it), t shares determine it', () => {
    const random = seededBytes('shamir')
    const secret = 0xdeadbeefn << 200n
    const shares = splitSecret(secret, 6, 4, random)
    assert.equal(combineShares(shares.slice(1, 5), 4), secret)
    // any fourth point completes the three into some polynomial: the "secret" then is whatever that point makes it
    const three = shares.slice(0, 3)
    const guesses = new Set([1n, 2n, 3n].map((y) => combineShares([...three, { x: 6, y }], 4)))
    assert.equal(guesses.size, 3)
    assert.ok(![...guesses].includes(secret))
    assert.equal(
      codeOf(() => combineShares(three, 4)),
      'SECAGG_TOO_FEW_SHARES',
    )
  })

  it('masked blobs look uniform: χ² of the residues of an all-zero, a constant and a random update, well under the 0.001 critical value', () => {
    const n = 65536
    const zero = new Int32Array(n)
    const constant = new Int32Array(n).fill(PLAIN_MAX_ABS)
    const random = plainUpdates(1, n, 3)[0]!
    const updates = [zero, constant, random, zero]
    const round = simulateRound({ n: 4, updates, weights: [512, 512, 512, 1], seed: 'uniform' })
    for (const k of [0, 1, 2])
      assert.ok(chiSquare(round.masked[k]!) < CHI2_255_P001, `masked update ${k}: χ² ${chiSquare(round.masked[k]!).toFixed(1)}`)
    // a planted bug the test must catch: no mask at all is far from uniform
    assert.ok(chiSquare(constant) > 10 * CHI2_255_P001)
  })

  it('the same update masked in two rounds gives unrelated blobs (no equal coordinates beyond chance, no correlation)', () => {
    const updates = plainUpdates(3, 65536, 9)
    const a = simulateRound({ n: 3, updates, weights: [100, 100, 100], seed: 'round-a' }).masked[0]!
    const b = simulateRound({ n: 3, updates, weights: [100, 100, 100], seed: 'round-b' }).masked[0]!
    let equal = 0
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++
    assert.ok(equal <= 2, `${equal} equal coordinates`)
    // the difference of two independent uniform residues is uniform again
    const difference = Int32Array.from(a, (v, i) => residue(v - b[i]!) - (residue(v - b[i]!) > 2147483647 ? MODULUS : 0))
    assert.ok(chiSquare(difference) < CHI2_255_P001)
    // and the masked blob is uncorrelated with the update itself
    const x = updates[0]!
    let sxy = 0
    let sx = 0
    let sy = 0
    let sxx = 0
    let syy = 0
    for (let i = 0; i < x.length; i++) {
      sx += x[i]!
      sy += a[i]!
      sxy += x[i]! * a[i]!
      sxx += x[i]! ** 2
      syy += a[i]! ** 2
    }
    const m = x.length
    const r = (m * sxy - sx * sy) / Math.sqrt((m * sxx - sx * sx) * (m * syy - sy * sy))
    assert.ok(Math.abs(r) < 0.02, `correlation ${r}`)
  })

  it('pins the mask PRG to RFC 8439 ChaCha20 (key 0, nonce 0, counter 0: test vector A.1 #1) and skips the word 2^32 − 1', () => {
    const words = maskStream(new Uint8Array(32), 8)
    const bytes = Buffer.from(words.buffer).toString('hex')
    assert.equal(bytes, '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7')
    for (const w of maskStream(seededBytes('prg')(32), 100_000)) assert.ok(w < MODULUS)
  })

  it('pairwise seeds agree in both directions and differ per round', () => {
    const [a, b] = members(2)
    const round1 = new Uint8Array(32).fill(1)
    const round2 = new Uint8Array(32).fill(2)
    assert.deepEqual(
      pairSeed(a!.roundKey.secretKey, b!.roundKey.publicKey, round1),
      pairSeed(b!.roundKey.secretKey, a!.roundKey.publicKey, round1),
    )
    assert.notDeepEqual(
      pairSeed(a!.roundKey.secretKey, b!.roundKey.publicKey, round1),
      pairSeed(a!.roundKey.secretKey, b!.roundKey.publicKey, round2),
    )
  })

  it('builds a logarithmic-degree Harary graph from the seed: symmetric, k-regular, the same for the same seed, another for another', () => {
    for (const n of [2, 3, 8, 32, 128, 1000]) {
      const graph = secAggGraph(n, new Uint8Array(32).fill(n % 256))
      assert.equal(graph.degree, graphDegree(n))
      for (let i = 0; i < n; i++) {
        assert.equal(graph.neighbours(i).length, graph.degree)
        for (const j of graph.neighbours(i)) assert.ok(graph.areNeighbours(j, i))
      }
    }
    assert.equal(graphDegree(128), 14)
    assert.equal(graphDegree(1000), 20)
    const seed = new Uint8Array(32).fill(9)
    assert.deepEqual(secAggGraph(128, seed).neighbours(5), secAggGraph(128, seed).neighbours(5))
    assert.notDeepEqual(secAggGraph(128, seed).neighbours(5), secAggGraph(128, new Uint8Array(32).fill(10)).neighbours(5))
  })

  describe('rejects every malformed input with a typed error', () => {
    const round = simulateRound({ n: 8, updates: updates8, weights: weights8, seed: 'errors' })
    const { graph, roundId, members: all, dealt } = round
    const peersOf = (i: number) => graph.neighbours(i).map((j) => ({ index: j, publicKey: all[j]!.roundKey.publicKey }))
    const mask = (overrides: Partial<Parameters<typeof maskUpdate>[0]>) =>
      codeOf(() =>
        maskUpdate({
          roundId,
          graph,
          self: 0,
          secretKey: all[0]!.roundKey.secretKey,
          selfSeed: all[0]!.selfSeed,
          values: updates8[0]!,
          weight: 10,
          peers: peersOf(0),
          ...overrides,
        }),
      )

    it('graph parameters', () => {
      assert.equal(
        codeOf(() => secAggGraph(1, new Uint8Array(32))),
        'SECAGG_PARAMS',
      )
      assert.equal(
        codeOf(() => secAggGraph(8, new Uint8Array(31))),
        'SECAGG_PARAMS',
      )
      assert.equal(
        codeOf(() => graph.neighbours(8)),
        'SECAGG_UNKNOWN_TRAINER',
      )
    })

    it('masking: duplicate peer, non-neighbour or self as peer, out-of-range value or weight, bad key', () => {
      assert.equal(mask({}), 'OK')
      assert.equal(mask({ peers: [...peersOf(0), peersOf(0)[0]!] }), 'SECAGG_DUPLICATE_TRAINER')
      assert.equal(mask({ peers: [{ index: 0, publicKey: all[0]!.roundKey.publicKey }] }), 'SECAGG_UNKNOWN_TRAINER')
      const nonNeighbour = [...Array(8).keys()].find((j) => j !== 0 && !graph.areNeighbours(0, j))!
      assert.equal(mask({ peers: [{ index: nonNeighbour, publicKey: all[nonNeighbour]!.roundKey.publicKey }] }), 'SECAGG_UNKNOWN_TRAINER')
      assert.equal(mask({ values: Int32Array.of(PLAIN_MAX_ABS + 1) }), 'SECAGG_VALUE_RANGE')
      assert.equal(mask({ weight: 513 }), 'SECAGG_WEIGHT')
      assert.equal(mask({ weight: 0 }), 'SECAGG_WEIGHT')
      assert.equal(mask({ secretKey: new Uint8Array(31) }), 'SECAGG_BAD_KEY')
      assert.equal(mask({ selfSeed: new Uint8Array(31) }), 'SECAGG_SELF_SEED')
      assert.equal(
        mask({ peers: [{ index: peersOf(0)[0]!.index, publicKey: new Uint8Array(32) }] }),
        'SECAGG_BAD_KEY',
        'the all-zero point has low order',
      )
    })

    it('unmasking: wrong length of a masked update, the correction or the weights; too many updates; weight out of range', () => {
      const masked = round.masked
      assert.equal(
        codeOf(() => unmaskedSum([masked[0]!, masked[1]!.subarray(1)])),
        'SECAGG_LENGTH',
      )
      assert.equal(
        codeOf(() => unmaskedSum(masked, new Uint32Array(N - 1))),
        'SECAGG_LENGTH',
      )
      assert.equal(
        codeOf(() => unmaskedSum([])),
        'SECAGG_LENGTH',
      )
      assert.equal(
        codeOf(() => unmaskedSum(new Array(129).fill(masked[0]!))),
        'SECAGG_LENGTH',
      )
      assert.equal(
        codeOf(() => secAggMean(masked, weights8.slice(1))),
        'SECAGG_LENGTH',
      )
      assert.equal(
        codeOf(() =>
          secAggMean(
            masked,
            weights8.map((w, i) => (i === 3 ? 1000 : w)),
          ),
        ),
        'SECAGG_WEIGHT',
      )
      // the rule reports them as the FL library's FL_RULE_INPUT, which the chain maps to AGGREGATION_FAILED
      assert.throws(
        () => getAggregationRule('secagg-fedavg').reference({ updates: masked, weights: weights8.map((w, i) => (i === 3 ? 0 : w)) }),
        { code: 'FL_RULE_INPUT' },
      )
    })

    it('correction: a dropped member named twice, or also among the survivors; self seeds not exactly one per survivor', () => {
      const secretKey = all[2]!.roundKey.secretKey
      const survivors = [0, 1, 3].map((i) => ({ index: i, publicKey: all[i]!.roundKey.publicKey }))
      const selfSeeds = [0, 1, 3].map((i) => ({ index: i, seed: all[i]!.selfSeed }))
      assert.equal(
        codeOf(() =>
          maskCorrection({
            roundId,
            graph,
            length: N,
            dropped: [
              { index: 2, secretKey },
              { index: 2, secretKey },
            ],
            survivors,
            selfSeeds,
          }),
        ),
        'SECAGG_DUPLICATE_TRAINER',
      )
      assert.equal(
        codeOf(() => maskCorrection({ roundId, graph, length: N, dropped: [{ index: 1, secretKey }], survivors, selfSeeds })),
        'SECAGG_DUPLICATE_TRAINER',
      )
      assert.equal(
        codeOf(() => maskCorrection({ roundId, graph, length: N, dropped: [{ index: 9, secretKey }], survivors, selfSeeds })),
        'SECAGG_UNKNOWN_TRAINER',
      )
      const correct = (seeds: { index: number; seed: Uint8Array }[]) =>
        codeOf(() => maskCorrection({ roundId, graph, length: 16, dropped: [{ index: 2, secretKey }], survivors, selfSeeds: seeds }))
      assert.equal(correct(selfSeeds), 'OK')
      assert.equal(correct(selfSeeds.slice(1)), 'SECAGG_SELF_SEED', "a survivor's self mask would stay in the sum")
      assert.equal(correct([...selfSeeds, selfSeeds[0]!]), 'SECAGG_SELF_SEED', 'a seed named twice')
      assert.equal(correct([...selfSeeds, { index: 2, seed: all[2]!.selfSeed }]), 'SECAGG_SELF_SEED', "a dropped member's seed")
      assert.equal(correct([{ index: 0, seed: new Uint8Array(31) }, ...selfSeeds.slice(1)]), 'SECAGG_SELF_SEED')
    })

    it('shares: wrong holder key, altered ciphertext, a share not matching its commitment, wrong size, a duplicate or unknown holder, inconsistent shares', () => {
      const u = 4
      const d = dealt[u]![0]!
      const open = (overrides: Partial<Parameters<typeof openShare>[0]>) =>
        codeOf(() =>
          openShare({
            roundId,
            dealer: u,
            holder: d.holder,
            dealerPublicKey: all[u]!.roundKey.publicKey,
            holderSecretKey: all[d.holder]!.encSecret,
            dealt: d,
            ...overrides,
          }),
        )
      assert.equal(open({}), 'OK')
      const other = [...Array(8).keys()].find((j) => j !== d.holder && j !== u)!
      assert.equal(
        open({ holderSecretKey: all[other]!.encSecret }),
        'SECAGG_DECRYPT',
        'a member that is not the holder cannot read the share',
      )
      const altered = d.ciphertext.slice()
      altered[3]! ^= 1
      assert.equal(open({ dealt: { ...d, ciphertext: altered } }), 'SECAGG_DECRYPT')
      assert.equal(open({ dealt: { ...d, ciphertext: d.ciphertext.subarray(1) } }), 'SECAGG_DECRYPT')
      const { keyShare: share, selfShare } = openOf(round, u, d.holder)
      const wrong = share.slice()
      wrong[65]! ^= 1
      assert.equal(
        codeOf(() => checkRevealedShare(d.commitment, roundId, u, d.holder, wrong)),
        'SECAGG_BAD_SHARE',
      )
      assert.equal(
        codeOf(() => checkRevealedShare(d.commitment, roundId, u, d.holder, share.subarray(1))),
        'SECAGG_BAD_SHARE',
      )
      assert.equal(
        codeOf(() => checkRevealedShare(d.commitment, roundId, u, d.holder, new Uint8Array(66).fill(0xff))),
        'SECAGG_BAD_SHARE',
        'outside the field',
      )
      // a share of one kind does not pass as the other: each kind has its own commitment domain
      assert.equal(
        codeOf(() => checkRevealedShare(d.selfCommitment, roundId, u, d.holder, selfShare, 'self')),
        'OK',
      )
      assert.equal(
        codeOf(() => checkRevealedShare(d.selfCommitment, roundId, u, d.holder, share, 'self')),
        'SECAGG_BAD_SHARE',
      )
      assert.equal(
        codeOf(() => checkRevealedShare(d.commitment, roundId, u, d.holder, selfShare, 'key')),
        'SECAGG_BAD_SHARE',
      )
      assert.equal(
        codeOf(() => checkRevealedShare(d.commitment, roundId, u, d.holder, share, 'self')),
        'SECAGG_BAD_SHARE',
      )
      // a dealer whose self commitment in a dealt share is not its self share's: the holder finds out on opening
      assert.equal(open({ dealt: { ...d, selfCommitment: d.commitment } }), 'SECAGG_BAD_SHARE')
      const opened = dealt[u]!.map((x) => ({ holder: x.holder, share: openOf(round, u, x.holder).keyShare }))
      const rebuild = (shares: { holder: number; share: Uint8Array }[]) =>
        codeOf(() => reconstructRoundSecret({ dealer: u, graph, publicKey: all[u]!.roundKey.publicKey, shares }))
      assert.equal(rebuild(opened), 'OK')
      assert.equal(rebuild([opened[0]!, opened[0]!, opened[1]!, opened[2]!]), 'SECAGG_DUPLICATE_TRAINER')
      const stranger = [...Array(8).keys()].find((j) => j !== u && !graph.areNeighbours(u, j))!
      assert.equal(rebuild([...opened.slice(0, 3), { holder: stranger, share: opened[3]!.share }]), 'SECAGG_UNKNOWN_TRAINER')
      // a dealer whose shares do not interpolate to its round key (here: one share replaced)
      assert.equal(rebuild([{ holder: opened[0]!.holder, share: encodeShare(12345n) }, ...opened.slice(1, 4)]), 'SECAGG_RECONSTRUCTION')
      assert.equal(
        codeOf(() => splitSecret(1n, 3, 4, seededBytes('x'))),
        'SECAGG_PARAMS',
      )
      assert.equal(
        codeOf(() =>
          dealRoundKey({
            roundId,
            dealer: 9,
            roundKey: all[0]!.roundKey,
            selfSeed: all[0]!.selfSeed,
            graph,
            holderKey: (j) => all[j]!.encPublic,
            randomBytes: seededBytes('y'),
          }),
        ),
        'SECAGG_UNKNOWN_TRAINER',
      )
    })
  })
})

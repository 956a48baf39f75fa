/**
 * Secure aggregation's CPU (src/fl/secagg, src/modules/training/secagg-recovery.ts), against plain
 * FedAvg measured in the same run, N = 159,010 (the MLP) and K = 8, 32, 128 trainers:
 *
 *   trainer   setup (round key and self-mask seed, deal t-of-k shares of both to its k
 *             neighbours) and masking (its self mask and k pairwise ChaCha20 masks over N words,
 *             reduced mod 2^32 − 1)
 *   chain     MsgSubmitAggregate's verification of an honest claim: verifyAggregate on the K
 *             masked int32 blobs with secagg-fedavg, nobody dropped: rebuilding the K survivors'
 *             self seeds from t revealed self shares each and expanding their K self masks; and
 *             with ⌈K/8⌉ dropped: also rebuilding their round keys from t key shares each and
 *             expanding the masks they shared with survivors, then verifying the K − ⌈K/8⌉
 *             survivors' blobs (their self masks removed)
 *   baseline  verifyAggregate with fedavg on K int16 plaintext blobs (what a plain subnet costs)
 *             and the bare fedavg rule (rule.fastInt16) on them
 *
 *   npm run bench -- secagg                    K = 8, 32, 128
 *   npm run bench -- secagg --k 8 --n 1e5      one shape
 */
import { createHash } from 'node:crypto'
import { parseArgs } from 'node:util'
import { ed25519 } from '@noble/curves/ed25519.js'
import { getAggregationRule } from '../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../src/fl/rules/repfedavg.js'
import { secAggFedAvgRule } from '../src/fl/rules/secagg-fedavg.js'
import {
  MAX_SIGNED_RESIDUE,
  dealRoundKey,
  maskCorrection,
  maskUpdate,
  openShare,
  reconstructRoundSecret,
  reconstructSelfSeed,
  roundKeyPair,
  secAggGraph,
  selfSeedCommitment,
} from '../src/fl/secagg/index.js'
import { encodeUpdateBlob } from '../src/fl/update/blob.js'
import { blobCid } from '../src/modules/training/blob-cid.js'
import { modelOf, recompute, verifyAggregate } from '../src/modules/training/model.js'
import { seededRandom } from '../test/helpers/chain.js'

const { values: args } = parseArgs({ options: { k: { type: 'string' }, n: { type: 'string' } } })
const shapes: [number, number][] =
  args.k !== undefined && args.n !== undefined
    ? [[Number(args.k), Number(args.n)]]
    : [8, 32, 128].map((k): [number, number] => [k, 159_010])
const SCALE = 16384

function best(run: () => unknown, repeats: number): number {
  run()
  let min = Infinity
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint()
    run()
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6)
  }
  return min
}

function bytesFrom(label: string): (n: number) => Uint8Array {
  let counter = 0
  return (n) => {
    const out = new Uint8Array(n)
    for (let at = 0; at < n; at += 32)
      out.set(
        createHash('sha256')
          .update(`${label}/${counter++}`)
          .digest()
          .subarray(0, Math.min(32, n - at)),
        at,
      )
    return out
  }
}

const ms = (t: number): string => `${t.toFixed(1).padStart(8)} ms`
console.log('secagg: SecAgg+ (double masking) trainer and chain CPU vs plain FedAvg in the same run, best of runs')
for (const [k, n] of shapes) {
  const random = seededRandom(k * 11 + n)
  const plain = Array.from({ length: k }, () => Int32Array.from({ length: n }, () => Math.floor(random() * 65535) - 32767))
  const weights = plain.map(() => 1 + Math.floor(random() * 512))
  const reputations = weights.map(() => REPUTATION_UNIT)
  const roundId = createHash('sha256').update(`bench ${k}`).digest()
  const graph = secAggGraph(k, createHash('sha256').update(`graph ${k}`).digest())
  const bytes = bytesFrom(`keys ${k}`)
  const keys = plain.map(() => roundKeyPair(bytes(32)))
  const selfSeeds = plain.map(() => bytes(32))
  const encSeeds = plain.map(() => bytes(32))
  const encPublic = encSeeds.map((s) => ed25519.utils.toMontgomery(ed25519.getPublicKey(s)))
  const peersOf = (i: number) => graph.neighbours(i).map((j) => ({ index: j, publicKey: keys[j]!.publicKey }))
  const repeats = k >= 128 ? 2 : 4

  // trainer side: one trainer's setup and masking (trainer 0; every trainer has k neighbours)
  const deal = (u: number, label: string) =>
    dealRoundKey({
      roundId,
      dealer: u,
      roundKey: keys[u]!,
      selfSeed: selfSeeds[u]!,
      graph,
      holderKey: (j) => encPublic[j]!,
      randomBytes: bytesFrom(label),
    })
  const maskOf = (i: number) =>
    maskUpdate({
      roundId,
      graph,
      self: i,
      secretKey: keys[i]!.secretKey,
      selfSeed: selfSeeds[i]!,
      values: plain[i]!,
      weight: weights[i]!,
      peers: peersOf(i),
    })
  const setup = best(() => deal(0, 'deal'), repeats)
  const mask = best(() => maskOf(0), repeats)
  const masked = plain.map((_, i) => maskOf(i))
  const dealt = plain.map((_, u) => deal(u, `deal ${u}`))
  /** t opened shares of `kind` of dealer u, from holders not in `skip`. */
  const revealedOf = (u: number, kind: 'keyShare' | 'selfShare', skip: readonly number[]) =>
    dealt[u]!.filter((d) => !skip.includes(d.holder))
      .slice(0, graph.threshold)
      .map((d) => ({
        holder: d.holder,
        share: openShare({
          roundId,
          dealer: u,
          holder: d.holder,
          dealerPublicKey: keys[u]!.publicKey,
          holderSecretKey: ed25519.utils.toMontgomerySecret(encSeeds[d.holder]!),
          dealt: d,
        })[kind],
      }))
  const selfCommitments = selfSeeds.map((seed, i) => selfSeedCommitment(roundId, i, seed))
  /** The chain's correction: the survivors' self seeds and the dropped trainers' keys rebuilt, their masks expanded. */
  const correctionOf = (survivors: number[], dropped: number[]) => {
    const selfShares = survivors.map((v) => ({ v, shares: revealedOf(v, 'selfShare', dropped) }))
    const keyShares = dropped.map((u) => ({ u, shares: revealedOf(u, 'keyShare', dropped) }))
    const peers = survivors.map((i) => ({ index: i, publicKey: keys[i]!.publicKey }))
    return () =>
      maskCorrection({
        roundId,
        graph,
        length: n,
        dropped: keyShares.map(({ u, shares }) => ({
          index: u,
          secretKey: reconstructRoundSecret({ dealer: u, graph, publicKey: keys[u]!.publicKey, shares }),
        })),
        survivors: peers,
        selfSeeds: selfShares.map(({ v, shares }) => ({
          index: v,
          seed: reconstructSelfSeed({ roundId, dealer: v, graph, selfCommitment: selfCommitments[v]!, shares }),
        })),
      })
  }

  // the chain: blobs as submitted, the base model, an honest claim
  const modelBytes = encodeUpdateBlob({
    dtype: 'int32',
    shape: [n],
    scale: SCALE,
    values: Int32Array.from({ length: n }, () => Math.floor(random() * 200_000) - 100_000),
  })
  const base = { cid: blobCid(modelBytes), bytes: modelBytes }
  const model = modelOf(modelBytes, n, base.cid)
  const named = (values: Int32Array, dtype: 'int16' | 'int32') => {
    const b = encodeUpdateBlob({ dtype, shape: [n], scale: SCALE, values })
    return { cid: blobCid(b), bytes: b }
  }
  const fedavg = getAggregationRule('fedavg')
  const plainBlobs = plain.map((v) => named(v, 'int16'))
  const plainFormat = { dtype: 'int16', scale: SCALE, maxAbs: 32767, parameterCount: n }
  const plainHonest = recompute(fedavg, plain, weights, model, plainFormat)
  const plainClaim = { aggregate: plainHonest.aggregateBytes, model: plainHonest.modelBytes }
  const views = plainBlobs.map(({ bytes: b }) => new Int16Array(b.buffer, b.byteOffset + 16, n))
  const bare = best(() => fedavg.fastInt16!({ updates: views, weights, reputations }), repeats)
  const plainVerify = best(() => verifyAggregate(fedavg, plainBlobs, weights, base, plainFormat, plainClaim), repeats)

  const maskedFormat = { dtype: 'int32', scale: SCALE, maxAbs: MAX_SIGNED_RESIDUE, parameterCount: n }
  const maskedBlobs = masked.map((v) => named(v, 'int32'))
  const everyone = [...Array(k).keys()]
  const recoverAll = correctionOf(everyone, [])
  const secagg = secAggFedAvgRule(recoverAll())
  const honest = recompute(secagg, masked, weights, model, maskedFormat)
  const claim = { aggregate: honest.aggregateBytes, model: honest.modelBytes }
  if (!verifyAggregate(secagg, maskedBlobs, weights, base, maskedFormat, claim).matches)
    throw new Error('the honest secagg claim does not verify')
  const allPlain = recompute(fedavg, plain, weights, model, { ...plainFormat, dtype: 'int32' })
  if (!Buffer.from(allPlain.aggregateBytes).equals(Buffer.from(honest.aggregateBytes))) throw new Error('secagg-fedavg differs from fedavg')
  const selfRecovery = best(recoverAll, repeats)
  const secVerify = best(() => verifyAggregate(secAggFedAvgRule(recoverAll()), maskedBlobs, weights, base, maskedFormat, claim), repeats)

  // ⌈K/8⌉ dropped after setup: the chain rebuilds their keys from t shares each and their masks with survivors
  const drops = Math.ceil(k / 8)
  const dropped = Array.from({ length: drops }, (_, d) => Math.floor((d * k) / drops))
  const survivors = [...Array(k).keys()].filter((i) => !dropped.includes(i))
  const recover = correctionOf(survivors, dropped)
  const correction = recover()
  const survivorBlobs = survivors.map((i) => maskedBlobs[i]!)
  const survivorWeights = survivors.map((i) => weights[i]!)
  const survivorPlain = recompute(
    fedavg,
    survivors.map((i) => plain[i]!),
    survivorWeights,
    model,
    { ...plainFormat, dtype: 'int32' },
  )
  const dropClaim = { aggregate: survivorPlain.aggregateBytes, model: survivorPlain.modelBytes }
  if (!verifyAggregate(secAggFedAvgRule(correction), survivorBlobs, survivorWeights, base, maskedFormat, dropClaim).matches)
    throw new Error('the survivors-only secagg claim does not verify')
  const recovery = best(recover, repeats)
  const dropVerify = best(
    () => verifyAggregate(secAggFedAvgRule(recover()), survivorBlobs, survivorWeights, base, maskedFormat, dropClaim),
    repeats,
  )

  console.log(`K=${String(k).padStart(3)} × N=${n.toLocaleString('en-US')}  graph degree ${graph.degree}, threshold ${graph.threshold}`)
  console.log(`  trainer  setup ${ms(setup)}   masking ${ms(mask)}   (local training excluded)`)
  console.log(`  chain    plain fedavg: bare rule ${ms(bare)}   verify ${ms(plainVerify)}`)
  console.log(
    `           secagg, none dropped: rebuild ${k} self seeds + masks ${ms(selfRecovery)}   verify incl. rebuild ${ms(secVerify)}   ${(secVerify / plainVerify).toFixed(2)}× plain verify`,
  )
  console.log(
    `           secagg, ${drops} dropped: rebuild ${survivors.length} seeds + ${drops} keys + masks ${ms(recovery)}   verify incl. rebuild ${ms(dropVerify)}   ${(dropVerify / plainVerify).toFixed(2)}× plain verify`,
  )
}

/**
 * Secure aggregation's CPU (src/fl/secagg, src/modules/training/secagg-handler.ts), against plain
 * FedAvg measured in the same run, N = 159,010 (the MLP) and K = 8, 32, 128 trainers:
 *
 *   trainer   setup (round key, deal t-of-k shares to its k neighbours) and masking (k pairwise
 *             ChaCha20 masks over N words, reduced mod 2^32 − 1)
 *   chain     MsgSubmitAggregate's verification of an honest claim: verifyAggregate on the K
 *             masked int32 blobs with secagg-fedavg (nobody dropped), and with ⌈K/8⌉ dropped:
 *             rebuilding their round keys from t revealed shares each and expanding the masks
 *             they shared with survivors, then verifying the K − ⌈K/8⌉ survivors' blobs
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
  roundKeyPair,
  secAggGraph,
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
console.log('secagg: SecAgg+ trainer and chain CPU vs plain FedAvg in the same run, best of runs')
for (const [k, n] of shapes) {
  const random = seededRandom(k * 11 + n)
  const plain = Array.from({ length: k }, () => Int32Array.from({ length: n }, () => Math.floor(random() * 65535) - 32767))
  const weights = plain.map(() => 1 + Math.floor(random() * 512))
  const reputations = weights.map(() => REPUTATION_UNIT)
  const roundId = createHash('sha256').update(`bench ${k}`).digest()
  const graph = secAggGraph(k, createHash('sha256').update(`graph ${k}`).digest())
  const bytes = bytesFrom(`keys ${k}`)
  const keys = plain.map(() => roundKeyPair(bytes(32)))
  const encSeeds = plain.map(() => bytes(32))
  const encPublic = encSeeds.map((s) => ed25519.utils.toMontgomery(ed25519.getPublicKey(s)))
  const peersOf = (i: number) => graph.neighbours(i).map((j) => ({ index: j, publicKey: keys[j]!.publicKey }))
  const repeats = k >= 128 ? 2 : 4

  // trainer side: one trainer's setup and masking (trainer 0; every trainer has k neighbours)
  const setup = best(
    () => dealRoundKey({ roundId, dealer: 0, roundKey: keys[0]!, graph, holderKey: (j) => encPublic[j]!, randomBytes: bytesFrom('deal') }),
    repeats,
  )
  const mask = best(
    () => maskUpdate({ roundId, graph, self: 0, secretKey: keys[0]!.secretKey, values: plain[0]!, weight: weights[0]!, peers: peersOf(0) }),
    repeats,
  )
  const masked = plain.map((values, i) =>
    maskUpdate({ roundId, graph, self: i, secretKey: keys[i]!.secretKey, values, weight: weights[i]!, peers: peersOf(i) }),
  )

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
  const secagg = secAggFedAvgRule()
  const honest = recompute(secagg, masked, weights, model, maskedFormat)
  const claim = { aggregate: honest.aggregateBytes, model: honest.modelBytes }
  if (!verifyAggregate(secagg, maskedBlobs, weights, base, maskedFormat, claim).matches)
    throw new Error('the honest secagg claim does not verify')
  const allPlain = recompute(fedavg, plain, weights, model, { ...plainFormat, dtype: 'int32' })
  if (!Buffer.from(allPlain.aggregateBytes).equals(Buffer.from(honest.aggregateBytes))) throw new Error('secagg-fedavg differs from fedavg')
  const secVerify = best(() => verifyAggregate(secagg, maskedBlobs, weights, base, maskedFormat, claim), repeats)

  // ⌈K/8⌉ dropped after setup: the chain rebuilds their keys from t shares each and their masks with survivors
  const drops = Math.ceil(k / 8)
  const dropped = Array.from({ length: drops }, (_, d) => Math.floor((d * k) / drops))
  const survivors = [...Array(k).keys()].filter((i) => !dropped.includes(i))
  const revealed = dropped.map((u) => {
    const dealt = dealRoundKey({
      roundId,
      dealer: u,
      roundKey: keys[u]!,
      graph,
      holderKey: (j) => encPublic[j]!,
      randomBytes: bytesFrom(`deal ${u}`),
    })
    const shares = dealt
      .filter((d) => !dropped.includes(d.holder))
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
        }),
      }))
    return { u, shares }
  })
  const survivorPeers = survivors.map((i) => ({ index: i, publicKey: keys[i]!.publicKey }))
  const recover = () => {
    const secrets = revealed.map(({ u, shares }) => ({
      index: u,
      secretKey: reconstructRoundSecret({ dealer: u, graph, publicKey: keys[u]!.publicKey, shares }),
    }))
    return maskCorrection({ roundId, graph, length: n, dropped: secrets, survivors: survivorPeers })
  }
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
  console.log(`           secagg, none dropped: verify ${ms(secVerify)}   ${(secVerify / plainVerify).toFixed(2)}× plain verify`)
  console.log(
    `           secagg, ${drops} dropped: rebuild keys + masks ${ms(recovery)}   verify incl. rebuild ${ms(dropVerify)}   ${(dropVerify / plainVerify).toFixed(2)}× plain verify`,
  )
}

/**
 * What a node does to verify one MsgSubmitAggregate (src/modules/training/model.ts
 * verifyAggregate, the handler's blob work: read every update blob against the round's header
 * (the blobs were hashed and checked at submission, see verifyAggregate), the same for the base
 * model, run the subnet's rule (`rule.fastInt16` on int16 views for the FedAvg family, else
 * `rule.fast` on widened copies), encode the aggregate and the next model and compare both with
 * the blobs the aggregator claims, which the message declares; only a wrong claim is hashed)
 * against the bare rule on the same decoded inputs, measured in the same run. FedAvg, int16
 * updates uniform in ±32767, sample counts ≤ 600.
 *
 * Two baselines, both the bare rule with nothing else: `rule.fast` on Int32Array copies of the
 * updates (the baseline, the rule as the aggregation bench times it) and
 * `rule.fastInt16` on Int16Array views of the blob bodies — the representation verifyAggregate
 * hands the FedAvg family. The second ratio is the honest cost of verification: it charges the
 * node only for what it adds around the very rule call it makes (headers, base model, next
 * model, encoding, comparing), and does not count as verification's gain the rule's own speed-up
 * from reading int16 in place.
 *
 *   npm run bench -- round-verify                    K=10 × N=159,010 (the MLP) and K=50 × N=1M
 *   npm run bench -- round-verify --k 10 --n 1e5     one shape
 *   target (issue 20): verify ≤ 1.5× the bare rule
 */
import { parseArgs } from 'node:util'
import { getAggregationRule } from '../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../src/fl/rules/repfedavg.js'
import { encodeUpdateBlob } from '../src/fl/update/blob.js'
import { blobCid } from '../src/modules/training/blob-cid.js'
import { modelOf, recompute, verifyAggregate } from '../src/modules/training/model.js'
import { seededRandom } from '../test/helpers/chain.js'

const { values: args } = parseArgs({ options: { k: { type: 'string' }, n: { type: 'string' } } })
const shapes: [number, number][] =
  args.k !== undefined && args.n !== undefined
    ? [[Number(args.k), Number(args.n)]]
    : [
        [10, 159_010],
        [50, 1_000_000],
      ]
const rule = getAggregationRule('fedavg')
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

console.log(
  'round-verify: MsgSubmitAggregate verification of an honest claim (decode, check, rule, encode, compare with the claimed blobs) vs the bare rule on int32 copies and on the int16 views the node reads, fedavg, best of runs',
)
for (const [k, n] of shapes) {
  const random = seededRandom(k * 7 + n)
  const updates = Array.from({ length: k }, () => Int32Array.from({ length: n }, () => Math.floor(random() * 65535) - 32767))
  const weights = updates.map(() => 1 + Math.floor(random() * 600))
  const blobs = updates.map((values) => {
    const bytes = encodeUpdateBlob({ dtype: 'int16', shape: [n], scale: SCALE, values })
    return { cid: blobCid(bytes), bytes }
  })
  const modelBytes = encodeUpdateBlob({
    dtype: 'int32',
    shape: [n],
    scale: SCALE,
    values: Int32Array.from({ length: n }, () => Math.floor(random() * 200_000) - 100_000),
  })
  const base = { cid: blobCid(modelBytes), bytes: modelBytes }
  const format = { dtype: 'int16', scale: SCALE, maxAbs: 32767, parameterCount: n }
  const repeats = k * n > 1e7 ? 3 : 10
  const views = blobs.map(({ bytes }) => new Int16Array(bytes.buffer, bytes.byteOffset + 16, n))
  const reputations = weights.map(() => REPUTATION_UNIT)
  const bare = best(() => rule.fast({ updates, weights, reputations }), repeats)
  const bareInt16 = best(() => rule.fastInt16!({ updates: views, weights, reputations }), repeats)
  // The honest claim, as an aggregator builds it (the chain's recompute); verification holds its result against these bytes.
  const honest = recompute(rule, updates, weights, modelOf(modelBytes, n, base.cid), format)
  const claim = { aggregate: honest.aggregateBytes, model: honest.modelBytes }
  if (!verifyAggregate(rule, blobs, weights, base, format, claim).matches) throw new Error('the honest claim does not verify')
  const verify = best(() => verifyAggregate(rule, blobs, weights, base, format, claim), repeats)
  // What the claim's byte comparison replaced: hashing both outputs to their UnixFS CIDs (now done only for a wrong claim).
  const hashOutputs = best(() => [claim.aggregate, claim.model].forEach((bytes) => blobCid(bytes)), repeats)
  const shape = `K=${String(k).padStart(3)} × N=${n.toLocaleString('en-US').padStart(10)}`
  const ms = (t: number): string => `${t.toFixed(1).padStart(7)} ms`
  console.log(
    `${shape}   bare rule.fast int32 ${ms(bare)}   bare rule.fastInt16 ${ms(bareInt16)}   verify ${ms(verify)}   ratio ${(verify / bareInt16).toFixed(2)}× (same input) ${(verify / bare).toFixed(2)}× (int32)   hashing both outputs instead would add ${ms(hashOutputs)}`,
  )
}

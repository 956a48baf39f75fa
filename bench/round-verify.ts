/**
 * What a node does to verify one MsgSubmitAggregate (src/modules/training/model.ts
 * verifyAggregate, the handler's blob work: hash every update blob against its CID, decode and
 * check it against the round, the same for the base model, run the subnet's rule with
 * `rule.fast`, encode the aggregate and the next model and hash both to their UnixFS CIDs)
 * against the bare `rule.fast` on the same decoded inputs, measured in the same run. FedAvg,
 * int16 updates uniform in ±32767, sample counts ≤ 600.
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
import { verifyAggregate } from '../src/modules/training/model.js'
import { seededRandom } from '../test/helpers/chain.js'

const { values: args } = parseArgs({ options: { k: { type: 'string' }, n: { type: 'string' } } })
const shapes: [number, number][] = args.k !== undefined && args.n !== undefined ? [[Number(args.k), Number(args.n)]] : [[10, 159_010], [50, 1_000_000]]
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

console.log('round-verify: MsgSubmitAggregate verification (hash, decode, check, rule.fast, encode, hash) vs bare rule.fast, fedavg, best of runs')
for (const [k, n] of shapes) {
  const random = seededRandom(k * 7 + n)
  const updates = Array.from({ length: k }, () => Int32Array.from({ length: n }, () => Math.floor(random() * 65535) - 32767))
  const weights = updates.map(() => 1 + Math.floor(random() * 600))
  const blobs = updates.map((values) => {
    const bytes = encodeUpdateBlob({ dtype: 'int16', shape: [n], scale: SCALE, values })
    return { cid: blobCid(bytes), bytes }
  })
  const modelBytes = encodeUpdateBlob({ dtype: 'int32', shape: [n], scale: SCALE, values: Int32Array.from({ length: n }, () => Math.floor(random() * 200_000) - 100_000) })
  const base = { cid: blobCid(modelBytes), bytes: modelBytes }
  const format = { dtype: 'int16', scale: SCALE, maxAbs: 32767, parameterCount: n }
  const repeats = k * n > 1e7 ? 3 : 10
  const bare = best(() => rule.fast({ updates, weights, reputations: weights.map(() => REPUTATION_UNIT) }), repeats)
  const verify = best(() => verifyAggregate(rule, blobs, weights, base, format), repeats)
  console.log(`K=${String(k).padStart(3)} × N=${n.toLocaleString('en-US').padStart(10)}   bare rule.fast ${bare.toFixed(1).padStart(8)} ms   verify ${verify.toFixed(1).padStart(8)} ms   ratio ${(verify / bare).toFixed(2)}×`)
}

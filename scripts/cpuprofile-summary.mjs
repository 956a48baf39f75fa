// node scripts/cpuprofile-summary.mjs FILE.cpuprofile [--top N] [--under PATTERN [--depth D]] [--from S] [--to S]
// Reads a V8 .cpuprofile (node --cpu-prof, e.g. a validator's under
// FEDRA_DEVNET_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npm run bench -- consensus) and prints
// shares of all samples, idle included:
// - without --under: self time by function (name file:line);
// - with --under PATTERN: the samples whose stack has a frame matching PATTERN (a substring of
//   "functionName@url"), grouped by the next D Fedra frames (src/…) below it and the leaf;
// - --from/--to: only the samples between those seconds after the profile's start.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '40' },
    under: { type: 'string' },
    depth: { type: 'string', default: '3' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: 'Infinity' },
  },
})
if (positionals.length !== 1) throw new Error('usage: cpuprofile-summary.mjs FILE [--top N] [--under PATTERN [--depth D]]')
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'))
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const fileOf = (url) => url.split('/').slice(-2).join('/')
const srcOf = (url) => url.split('/src/')[1]?.replace(/\.ts$/, '') ?? fileOf(url)
const name = (f) => `${f.functionName || '(anonymous)'} ${fileOf(f.url)}:${f.lineNumber + 1}`
const stackOf = (id) => {
  const frames = []
  for (let at = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at).callFrame)
  return frames.reverse() // root first
}

const groups = new Map()
let total = 0
let matched = 0
let at = 0
const [from, to] = [Number(values.from) * 1e6, Number(values.to) * 1e6]
for (let i = 0; i < profile.samples.length; i++) {
  const weight = profile.timeDeltas[i + 1] ?? 0
  at += profile.timeDeltas[i] ?? 0
  if (at < from || at >= to) continue
  total += weight
  let key
  if (values.under === undefined) key = name(byId.get(profile.samples[i]).callFrame)
  else {
    const stack = stackOf(profile.samples[i])
    const anchor = stack.findIndex((f) => `${f.functionName}@${f.url}`.includes(values.under))
    if (anchor < 0) continue
    matched += weight
    const below = stack.slice(anchor + 1).filter((f) => f.url.includes('/src/'))
    const path = below.slice(0, Number(values.depth)).map((f) => `${f.functionName}@${srcOf(f.url)}`)
    key = `${path.join(' > ')}  [leaf ${name(stack.at(-1))}]`
  }
  groups.set(key, (groups.get(key) ?? 0) + weight)
}
const pct = (x) => `${((100 * x) / total).toFixed(2).padStart(6)} %`
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`)
if (values.under !== undefined) console.log(`under ${values.under}: ${pct(matched)}`)
for (const [key, weight] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${pct(weight)}  ${key}`)

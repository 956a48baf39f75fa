/**
 * State commits vs raw level batch writes. Every side writes 1,000 keys of 64-byte values per
 * batch into a store already holding 50,000 keys. Raw: one level batch per 1,000 puts.
 * State: StateDB.prepare (tree update and hashing) + commit (one atomic, synced batch with the
 * leaves, height and root), i.e. the whole per-block cost of persisting state; the target ratio
 * is against the raw batch. Two more lines split the state side for profiling: the same raw
 * batch written with `sync: true` (what a commit's durability costs on this disk), and
 * `prepare` alone (the tree), against the same committed root.
 *
 * `npm run bench -- state --cpu-profile FILE` also writes a V8 CPU profile of the state-commit
 * runs alone (not the preload or the raw side) to FILE, for Chrome DevTools or speedscope.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { StateDB, keyId } from '../src/state/index.js'
import { measure, report } from './harness.js'

const PRELOAD = 50_000
const BATCH = 1_000
const BATCHES_PER_RUN = 10
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedra-bench-'))
  dirs.push(dir)
  return dir
}

function makeBatch(): [Uint8Array, Uint8Array][] {
  return Array.from({ length: BATCH }, () => [Uint8Array.from(randomBytes(24)), Uint8Array.from(randomBytes(64))])
}

const raw = new Level<Uint8Array, Uint8Array>(tempDir(), { keyEncoding: 'view', valueEncoding: 'view' })
await raw.open()
const state = await StateDB.open(tempDir(), { keepVersions: 10 })
for (let i = 0; i < PRELOAD / BATCH; i++) {
  const batch = makeBatch()
  await raw.batch(batch.map(([key, value]) => ({ type: 'put' as const, key, value })))
  await state.commit(state.height + 1, state.prepare(new Map(batch.map(([k, v]) => [keyId(k), v]))))
}

// Workloads are generated up front so neither side pays for random bytes inside the timing.
const RUNS = 6
const rawBatches = () =>
  Array.from({ length: RUNS * BATCHES_PER_RUN }, () => makeBatch().map(([key, value]) => ({ type: 'put' as const, key, value })))
const stateBatches = () =>
  Array.from({ length: RUNS * BATCHES_PER_RUN }, () => new Map(makeBatch().map(([k, v]) => [keyId(k), v] as [string, Uint8Array])))
const rawWork = rawBatches()
const syncedWork = rawBatches()
const stateWork = stateBatches()
const prepareWork = stateBatches()

const rawResult = await measure(`raw level batch writes (${BATCH}/batch)`, BATCH * BATCHES_PER_RUN, async () => {
  for (let i = 0; i < BATCHES_PER_RUN; i++) await raw.batch(rawWork.pop()!)
})
const profileTo = process.argv.indexOf('--cpu-profile') > 0 ? process.argv[process.argv.indexOf('--cpu-profile') + 1] : undefined
const profiler = new Session()
if (profileTo !== undefined) {
  profiler.connect()
  await profiler.post('Profiler.enable')
  await profiler.post('Profiler.start')
}
const stateResult = await measure(`state commit (tree + batch, ${BATCH}/block)`, BATCH * BATCHES_PER_RUN, async () => {
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    await state.commit(state.height + 1, state.prepare(stateWork.pop()!))
  }
})
if (profileTo !== undefined) {
  const { profile } = await profiler.post('Profiler.stop')
  writeFileSync(profileTo, JSON.stringify(profile))
  profiler.disconnect()
}
const syncedResult = await measure(`  of which: raw batch, sync: true`, BATCH * BATCHES_PER_RUN, async () => {
  for (let i = 0; i < BATCHES_PER_RUN; i++) await raw.batch(syncedWork.pop()!, { sync: true })
})
const prepareResult = await measure(`  of which: prepare alone (tree)`, BATCH * BATCHES_PER_RUN, () => {
  for (let i = 0; i < BATCHES_PER_RUN; i++) state.prepare(prepareWork.pop()!)
})

console.log(
  `state commits vs raw level, store preloaded with ${PRELOAD.toLocaleString('en-US')} keys, best of 5 runs of ${BATCHES_PER_RUN} batches`,
)
report(rawResult, undefined, 'keys/s')
report(stateResult, rawResult, 'keys/s')
report(syncedResult, rawResult, 'keys/s')
report(prepareResult, rawResult, 'keys/s')
console.log(`target: state commit ≥ 0.30× raw batched writes → ${(stateResult.opsPerSecond / rawResult.opsPerSecond).toFixed(2)}×`)
await raw.close()
await state.close()
for (const dir of dirs) rmSync(dir, { recursive: true, force: true })

import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import type { CrashPoint as NodeCrashPoint, TestSwitch } from '../test-switch.js'
import { HarnessError } from './errors.js'

/**
 * A harness manifest (docs/reliability.md), CometBFT e2e's idea: the nodes of a testnet, the
 * load it carries and a schedule of perturbations run one after the other, each followed by
 * the checks of src/harness/checks.ts. TOML or JSON, the same keys.
 */
export interface Manifest {
  name: string
  /** Seeds every random choice of the run (crash instants, load recipients). */
  seed: number
  /** consensus.commitDelayMs of every node. */
  blockTimeMs: number
  network: NetworkSpec
  load: LoadSpec | null
  training: TrainingSpec | null
  checks: ChecksSpec
  steps: Step[]
}

export interface NetworkSpec {
  /** One entry per validator (validator0…): its voting power. */
  validators: number[]
  /** Full nodes full0…. */
  fullNodes: number
  /** Nodes not started with the others: a `start` step starts them (they sync from genesis). */
  late: string[]
  /** Per node, an offset in ms added to its wall clock (Date.now) by a preload. */
  clockSkewMs: Record<string, number>
  /** Per node, test switches it runs with (FEDRA_TEST_PLANT): the planted bugs. */
  plants: Record<string, TestSwitch[]>
  /** Per node, config overrides as FEDRA_* variables (e.g. FEDRA_CONSENSUS_TIMEOUT_PROPOSE_MS). */
  env: Record<string, Record<string, string>>
}

export interface LoadSpec {
  /** Transfers per second, spread over the load accounts. */
  txPerSecond: number
  /** Funded accounts that send to each other. */
  accounts: number
}

export interface TrainingSpec {
  trainers: number
  aggregators: number
  /** Aggregators that submit a tampered aggregate first. */
  liars: number
  /** MNIST digits per trainer run (short runs). */
  rows: number
  /** Rounds that must complete by the end of the run. */
  rounds: number
  submitWindow: number
  aggregateWindow: number
}

export interface ChecksSpec {
  /** Bound on a wait for the chain to progress (after a heal, a restart, a start). */
  progressTimeoutMs: number
  /** Validators whose double signature is the point of the run (a twin): evidence of them is expected, not a failure. */
  expectDoubleSign: string[]
  /** Largest RSS growth per node over the run's second half (fitted) that still counts as bounded. */
  maxRssGrowthMiBPerHour: number
}

export type Step =
  | { kind: 'wait'; blocks: number }
  | { kind: 'kill'; node: string; downBlocks: number; downMs: number }
  | { kind: 'pause'; node: string; ms: number }
  | { kind: 'partition'; groups: string[][]; ms: number; blocks: number }
  | { kind: 'start'; node: string }
  | { kind: 'twin'; node: string }
  | { kind: 'byzantine'; node: string; ms: number }
  | { kind: 'kill_role'; role: string; downMs: number }
  | { kind: 'crash'; node: string; at: CrashPoint; iterations: number; hold: string[]; truncateWalEvery: number }

/**
 * Where a crash step kills the node: a group (sign, wal, commit: its points drawn at random;
 * any: all of them and kills from outside at random instants) or one point of src/test-switch.ts.
 */
export type CrashPoint = 'sign' | 'wal' | 'commit' | 'any' | NodeCrashPoint

const STEP_KINDS = ['wait', 'kill', 'pause', 'partition', 'start', 'twin', 'byzantine', 'kill_role', 'crash'] as const
const CRASH_POINTS = [
  'sign',
  'wal',
  'commit',
  'any',
  'sign-proposal',
  'sign-prevote',
  'sign-precommit',
  'wal-write',
  'commit-before',
  'commit-after',
] as const
const SWITCHES = ['skip-signer-fsync', 'accept-aggregate', 'p2p-no-announce', 'assert-invariants'] as const

type Raw = Record<string, unknown>

/** Reads a manifest file (.toml or .json). @throws HarnessError MANIFEST_INVALID */
export function loadManifest(path: string): Manifest {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new HarnessError('MANIFEST_INVALID', `cannot read ${path}: ${(error as Error).message}`, { path })
  }
  const ext = extname(path)
  if (ext !== '.toml' && ext !== '.json')
    throw new HarnessError('MANIFEST_INVALID', `${path}: a manifest is a .toml or .json file`, { path })
  return parseManifest(text, ext === '.toml' ? 'toml' : 'json', path)
}

/** Parses and checks a manifest; every field is checked and an unknown one is refused. @throws HarnessError MANIFEST_INVALID */
export function parseManifest(text: string, format: 'toml' | 'json', path = '<manifest>'): Manifest {
  let raw: unknown
  try {
    raw = format === 'toml' ? parseToml(text) : JSON.parse(text)
  } catch (error) {
    throw new HarnessError('MANIFEST_INVALID', `${path} is not valid ${format.toUpperCase()}: ${(error as Error).message}`, { path })
  }
  const r = new Reader(path)
  const top = r.object(raw, '')
  r.known(top, '', ['name', 'seed', 'block_time_ms', 'network', 'load', 'training', 'checks', 'step'])
  const net = r.object(top.network, 'network')
  r.known(net, 'network', ['validators', 'full_nodes', 'late', 'clock_skew_ms', 'plant', 'env'])
  const powers = r.list(net.validators, 'network.validators').map((p, i) => r.int(p, `network.validators[${i}]`, 1, 1_000_000))
  if (powers.length === 0) r.fail('network.validators', 'needs at least one validator')
  const fullNodes = r.int(net.full_nodes ?? 0, 'network.full_nodes', 0, 16)
  const names = [...powers.map((_, i) => `validator${i}`), ...Array.from({ length: fullNodes }, (_, i) => `full${i}`)]
  const node = (value: unknown, field: string): string => {
    const name = r.string(value, field)
    if (!names.includes(name))
      throw new HarnessError('NODE_UNKNOWN', `${path}: ${field} names ${name}, which is not one of ${names.join(', ')}`, {
        path,
        field,
        node: name,
      })
    return name
  }
  const late = r.list(net.late ?? [], 'network.late').map((v, i) => node(v, `network.late[${i}]`))
  const clockSkewMs = Object.fromEntries(
    Object.entries(r.object(net.clock_skew_ms ?? {}, 'network.clock_skew_ms')).map(([k, v]) => [
      node(k, 'network.clock_skew_ms'),
      r.int(v, `network.clock_skew_ms.${k}`, -3_600_000, 3_600_000),
    ]),
  )
  const plants = Object.fromEntries(
    Object.entries(r.object(net.plant ?? {}, 'network.plant')).map(([k, v]) => {
      const list = typeof v === 'string' ? [v] : r.list(v, `network.plant.${k}`)
      return [node(k, 'network.plant'), list.map((s, i) => r.oneOf(s, `network.plant.${k}[${i}]`, SWITCHES))]
    }),
  )
  const env = Object.fromEntries(
    Object.entries(r.object(net.env ?? {}, 'network.env')).map(([k, v]) => [
      node(k, 'network.env'),
      Object.fromEntries(
        Object.entries(r.object(v, `network.env.${k}`)).map(([name, value]) => {
          if (!/^FEDRA_[A-Z0-9_]+$/.test(name)) r.fail(`network.env.${k}`, `${name} is not a FEDRA_* variable`)
          return [name, typeof value === 'number' ? String(value) : r.string(value, `network.env.${k}.${name}`)]
        }),
      ),
    ]),
  )
  let load: LoadSpec | null = null
  if (top.load !== undefined) {
    const l = r.object(top.load, 'load')
    r.known(l, 'load', ['tx_per_second', 'accounts'])
    load = { txPerSecond: r.int(l.tx_per_second, 'load.tx_per_second', 1, 1000), accounts: r.int(l.accounts ?? 4, 'load.accounts', 2, 64) }
  }
  let training: TrainingSpec | null = null
  if (top.training !== undefined) {
    const t = r.object(top.training, 'training')
    r.known(t, 'training', ['trainers', 'aggregators', 'liars', 'rows', 'rounds', 'submit_window', 'aggregate_window'])
    training = {
      trainers: r.int(t.trainers ?? 2, 'training.trainers', 1, 16),
      aggregators: r.int(t.aggregators ?? 1, 'training.aggregators', 1, 8),
      liars: r.int(t.liars ?? 0, 'training.liars', 0, 7),
      rows: r.int(t.rows ?? 500, 'training.rows', 10, 8000),
      rounds: r.int(t.rounds ?? 2, 'training.rounds', 1, 1000),
      submitWindow: r.int(t.submit_window ?? 12, 'training.submit_window', 1, 10_000),
      aggregateWindow: r.int(t.aggregate_window ?? 8, 'training.aggregate_window', 1, 10_000),
    }
    if (training.liars >= training.aggregators)
      r.fail('training.liars', 'must be fewer than training.aggregators (an honest one completes the round)')
  }
  const c = r.object(top.checks ?? {}, 'checks')
  r.known(c, 'checks', ['progress_timeout_ms', 'expect_double_sign', 'max_rss_growth_mib_per_hour'])
  const checks: ChecksSpec = {
    progressTimeoutMs: r.int(c.progress_timeout_ms ?? 90_000, 'checks.progress_timeout_ms', 1000, 3_600_000),
    expectDoubleSign: r
      .list(c.expect_double_sign ?? [], 'checks.expect_double_sign')
      .map((v, i) => node(v, `checks.expect_double_sign[${i}]`)),
    maxRssGrowthMiBPerHour: r.int(c.max_rss_growth_mib_per_hour ?? 60, 'checks.max_rss_growth_mib_per_hour', 1, 100_000),
  }
  const roles =
    training === null
      ? []
      : [
          ...Array.from({ length: training.trainers }, (_, i) => `trainer${i}`),
          ...Array.from({ length: training.aggregators }, (_, i) => `aggregator${i}`),
        ]
  const steps = r.list(top.step ?? [], 'step').map((value, i): Step => {
    const f = `step[${i}]`
    const s = r.object(value, f)
    const kind = r.oneOf(s.kind, `${f}.kind`, STEP_KINDS)
    const allowed: Record<(typeof STEP_KINDS)[number], string[]> = {
      wait: ['blocks'],
      kill: ['node', 'down_blocks', 'down_ms'],
      pause: ['node', 'ms'],
      partition: ['groups', 'isolate', 'ms', 'blocks'],
      start: ['node'],
      twin: ['node'],
      byzantine: ['node', 'ms'],
      kill_role: ['role', 'down_ms'],
      crash: ['node', 'at', 'iterations', 'hold', 'truncate_wal_every'],
    }
    r.known(s, f, ['kind', ...allowed[kind]])
    switch (kind) {
      case 'wait':
        return { kind, blocks: r.int(s.blocks, `${f}.blocks`, 1, 100_000) }
      case 'kill': {
        const downMs = r.int(s.down_ms ?? 0, `${f}.down_ms`, 0, 600_000)
        return {
          kind,
          node: node(s.node, `${f}.node`),
          downBlocks: r.int(s.down_blocks ?? (downMs > 0 ? 0 : 3), `${f}.down_blocks`, 0, 10_000),
          downMs,
        }
      }
      case 'pause':
        return { kind, node: node(s.node, `${f}.node`), ms: r.int(s.ms ?? 3000, `${f}.ms`, 1, 600_000) }
      case 'partition': {
        let groups: string[][]
        if (s.isolate !== undefined) {
          if (s.groups !== undefined) r.fail(f, 'takes groups or isolate, not both')
          const alone = node(s.isolate, `${f}.isolate`)
          groups = [[alone], names.filter((n) => n !== alone)]
        } else {
          groups = r
            .list(s.groups, `${f}.groups`)
            .map((g, j) => r.list(g, `${f}.groups[${j}]`).map((v, k) => node(v, `${f}.groups[${j}][${k}]`)))
          if (groups.length < 2) r.fail(`${f}.groups`, 'a partition has at least two groups')
        }
        const ms = r.int(s.ms ?? 0, `${f}.ms`, 0, 600_000)
        const blocks = r.int(s.blocks ?? 0, `${f}.blocks`, 0, 10_000)
        if ((ms === 0) === (blocks === 0))
          r.fail(f, 'a partition lasts `ms` (when no side can progress) or `blocks` (of the side that can), one of them')
        return { kind, groups, ms, blocks }
      }
      case 'start': {
        const name = node(s.node, `${f}.node`)
        if (!late.includes(name)) r.fail(`${f}.node`, `${name} is not in network.late (it is already running)`)
        return { kind, node: name }
      }
      case 'twin': {
        const name = node(s.node, `${f}.node`)
        if (!name.startsWith('validator')) r.fail(`${f}.node`, 'only a validator has a twin')
        return { kind, node: name }
      }
      case 'byzantine':
        return { kind, node: node(s.node, `${f}.node`), ms: r.int(s.ms ?? 5000, `${f}.ms`, 100, 600_000) }
      case 'kill_role': {
        const role = r.string(s.role, `${f}.role`)
        if (!roles.includes(role))
          r.fail(`${f}.role`, `${role} is not one of the training roles (${roles.join(', ') || 'no [training] section'})`)
        return { kind, role, downMs: r.int(s.down_ms ?? 3000, `${f}.down_ms`, 0, 600_000) }
      }
      case 'crash': {
        const victim = node(s.node, `${f}.node`)
        const hold = r.list(s.hold ?? [], `${f}.hold`).map((v, j) => node(v, `${f}.hold[${j}]`))
        if (hold.includes(victim)) r.fail(`${f}.hold`, `cannot hold the node that crashes (${victim})`)
        return {
          kind,
          node: victim,
          at: r.oneOf(s.at ?? 'any', `${f}.at`, CRASH_POINTS),
          iterations: r.int(s.iterations ?? 3, `${f}.iterations`, 1, 10_000),
          hold,
          truncateWalEvery: r.int(s.truncate_wal_every ?? 4, `${f}.truncate_wal_every`, 0, 10_000),
        }
      }
    }
  })
  for (const t of steps) if (t.kind === 'twin' && !checks.expectDoubleSign.includes(t.node)) checks.expectDoubleSign.push(t.node)
  return {
    name: r.string(top.name, 'name'),
    seed: r.int(top.seed ?? 1, 'seed', 0, 2 ** 31),
    blockTimeMs: r.int(top.block_time_ms ?? 100, 'block_time_ms', 0, 60_000),
    network: { validators: powers, fullNodes, late, clockSkewMs, plants, env },
    load,
    training,
    checks,
    steps,
  }
}

/** The names of the nodes a manifest lays out: validator0…, then full0…. */
export function nodeNames(manifest: Manifest): string[] {
  return [
    ...manifest.network.validators.map((_, i) => `validator${i}`),
    ...Array.from({ length: manifest.network.fullNodes }, (_, i) => `full${i}`),
  ]
}

/** Field readers that throw MANIFEST_INVALID naming the field. */
class Reader {
  constructor(readonly path: string) {}

  fail(field: string, why: string): never {
    throw new HarnessError('MANIFEST_INVALID', `${this.path}: ${field === '' ? 'the manifest' : field} ${why}`, { path: this.path, field })
  }

  object(value: unknown, field: string): Raw {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(field, 'must be a table (object)')
    return value as Raw
  }

  list(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, 'must be a list')
    return value
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(field, 'must be a non-empty string')
    return value
  }

  int(value: unknown, field: string, min: number, max: number): number {
    const n = typeof value === 'bigint' ? Number(value) : value
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) this.fail(field, `must be an integer in ${min}..${max}`)
    return n
  }

  oneOf<T extends string>(value: unknown, field: string, values: readonly T[]): T {
    if (typeof value !== 'string' || !values.includes(value as T)) this.fail(field, `must be one of ${values.join(', ')}`)
    return value as T
  }

  known(object: Raw, field: string, keys: string[]): void {
    for (const key of Object.keys(object))
      if (!keys.includes(key)) this.fail(field === '' ? key : `${field}.${key}`, `is not a known setting (known: ${keys.join(', ')})`)
  }
}

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type BlobsConfig, DEFAULT_BLOBS_CONFIG } from '../blobs/service.js'
import { DEFAULT_LIMITS, type RpcLimits } from '../rpc/limits.js'
import { DEFAULT_SERVING_CONFIG, type ServingConfig } from '../serving/config.js'
import { NodeError } from './errors.js'

/** config/config.json in the node home; flags and FEDRA_* environment variables override it. */
export interface NodeConfig {
  moniker: string
  chainId: string
  p2p: { listen: string; bootstrap: string[]; maxPeers: number }
  /** `limits`: every bound the JSON-RPC server enforces (docs/rpc.md, "Limits"). */
  rpc: { listen: string; limits: RpcLimits }
  metrics: { listen: string }
  /** The web dashboard served at `/` of the RPC port (docs/dashboard.md); `--dashboard.enabled false` turns it off. */
  dashboard: { enabled: boolean }
  consensus: {
    timeoutProposeMs: number
    timeoutPrevoteMs: number
    timeoutPrecommitMs: number
    timeoutDeltaMs: number
    /** Pause after a commit before the next height: the knob for block time (CometBFT timeout_commit). */
    commitDelayMs: number
  }
  mempool: { maxTxs: number; maxBytes: number }
  /** Whether to keep the tx index behind tx_get / tx_search (CometBFT tx_index; validators often turn it off). */
  txIndex: { enabled: boolean }
  /** The parameter store (docs/blobs.md): quota, retention, bitswap fetch limits. */
  blobs: BlobsConfig
  /** `keepRecent`: how many recent heights of state stay queryable with proofs (Cosmos' pruning-keep-recent); older ones answer HEIGHT_UNAVAILABLE. */
  state: { keepRecent: number }
  /** Model inference (model_infer, docs/serving.md): off unless enabled; byte budgets of resident adapters and bases. */
  serving: ServingConfig
  logLevel: string
  /** 'auto': pretty in a terminal, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty'
}

export const DEFAULT_CONFIG: NodeConfig = {
  moniker: 'node0',
  chainId: 'fedra-devnet-1',
  p2p: { listen: '/ip4/127.0.0.1/tcp/26656', bootstrap: [], maxPeers: 50 },
  rpc: { listen: '127.0.0.1:26657', limits: { ...DEFAULT_LIMITS } },
  metrics: { listen: '127.0.0.1:26660' },
  dashboard: { enabled: true },
  consensus: { timeoutProposeMs: 3000, timeoutPrevoteMs: 1000, timeoutPrecommitMs: 1000, timeoutDeltaMs: 500, commitDelayMs: 200 },
  mempool: { maxTxs: 10_000, maxBytes: 64 * 1024 * 1024 },
  txIndex: { enabled: true },
  blobs: structuredClone(DEFAULT_BLOBS_CONFIG),
  state: { keepRecent: 100 },
  serving: { ...DEFAULT_SERVING_CONFIG },
  logLevel: 'info',
  logFormat: 'auto',
}

type Leaf = { path: string; kind: 'string' | 'int' | 'list' | 'enum' | 'bool'; values?: string[]; min?: number }

/** Every setting a flag (`--p2p.listen`) or variable (`FEDRA_P2P_LISTEN`) may override. */
export const CONFIG_LEAVES: Leaf[] = [
  { path: 'moniker', kind: 'string' },
  { path: 'p2p.listen', kind: 'string' },
  { path: 'p2p.bootstrap', kind: 'list' },
  { path: 'p2p.maxPeers', kind: 'int', min: 1 },
  { path: 'rpc.listen', kind: 'string' },
  ...Object.keys(DEFAULT_LIMITS).map((key): Leaf => ({ path: `rpc.limits.${key}`, kind: 'int', min: 1 })),
  { path: 'metrics.listen', kind: 'string' },
  { path: 'dashboard.enabled', kind: 'bool' },
  { path: 'consensus.timeoutProposeMs', kind: 'int', min: 1 },
  { path: 'consensus.timeoutPrevoteMs', kind: 'int', min: 1 },
  { path: 'consensus.timeoutPrecommitMs', kind: 'int', min: 1 },
  { path: 'consensus.timeoutDeltaMs', kind: 'int', min: 1 },
  { path: 'consensus.commitDelayMs', kind: 'int', min: 0 },
  { path: 'mempool.maxTxs', kind: 'int', min: 1 },
  { path: 'mempool.maxBytes', kind: 'int', min: 1024 },
  { path: 'txIndex.enabled', kind: 'bool' },
  { path: 'blobs.maxBytes', kind: 'int', min: 1024 * 1024 },
  { path: 'blobs.maxBlobBytes', kind: 'int', min: 1 },
  { path: 'blobs.retainRounds', kind: 'int', min: 1 },
  { path: 'blobs.gcGraceMs', kind: 'int', min: 0 },
  { path: 'blobs.gcIntervalMs', kind: 'int', min: 1000 },
  { path: 'blobs.fetch.timeoutMs', kind: 'int', min: 1 },
  { path: 'blobs.fetch.maxWants', kind: 'int', min: 1 },
  { path: 'blobs.fetch.maxPeerWantlist', kind: 'int', min: 1 },
  { path: 'blobs.fetch.maxMessageBytes', kind: 'int', min: 512 * 1024 },
  { path: 'state.keepRecent', kind: 'int', min: 1 },
  { path: 'serving.enabled', kind: 'bool' },
  { path: 'serving.maxBytes', kind: 'int', min: 1024 },
  { path: 'serving.maxBaseBytes', kind: 'int', min: 1024 },
  { path: 'serving.topContributors', kind: 'int', min: 1 },
  { path: 'logLevel', kind: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
  { path: 'logFormat', kind: 'enum', values: ['auto', 'json', 'pretty'] },
]

export const envName = (path: string): string =>
  `FEDRA_${path
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase()}`

function parseLeaf(leaf: Leaf, raw: unknown, source: string): unknown {
  const bad = (why: string): never => {
    throw new NodeError('CONFIG_INVALID', `${leaf.path} (${source}) ${why}`, { field: leaf.path })
  }
  switch (leaf.kind) {
    case 'string':
      if (typeof raw !== 'string' || raw.length === 0) bad('must be a non-empty string')
      return raw
    case 'enum':
      if (typeof raw !== 'string' || !leaf.values!.includes(raw)) bad(`must be one of ${leaf.values!.join(', ')}`)
      return raw
    case 'int': {
      const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (leaf.min ?? 0)) bad(`must be an integer ≥ ${leaf.min ?? 0}`)
      return value
    }
    case 'bool':
      if (raw === true || raw === 'true') return true
      if (raw === false || raw === 'false') return false
      return bad('must be true or false')
    case 'list': {
      const list =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s.length > 0)
          : raw
      if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.length === 0)) bad('must be a list of strings')
      return list
    }
  }
}

function getPath(object: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      object,
    )
}

function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = object
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[keys.at(-1)!] = value
}

export const configPath = (home: string): string => join(home, 'config', 'config.json')

/**
 * Reads the home's config.json (missing keys take defaults, so older homes keep working), then
 * applies environment variables, then flags. Every value is checked; an unknown key in the
 * file is an error so a typo does not silently fall back to a default.
 */
export function loadNodeConfig(home: string, flags: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const path = configPath(home)
  if (!existsSync(path)) throw new NodeError('CONFIG_INVALID', `${path} does not exist (run fedra init --home ${home})`, { path })
  let file: unknown
  try {
    file = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new NodeError('CONFIG_INVALID', `${path} is not valid JSON: ${(error as Error).message}`, { path })
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file))
    throw new NodeError('CONFIG_INVALID', `${path} must hold a JSON object`, { path })
  const config = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>
  checkKnownKeys(file as Record<string, unknown>, config, '', path)
  if (typeof (file as Record<string, unknown>).chainId === 'string') config.chainId = (file as Record<string, unknown>).chainId
  for (const leaf of CONFIG_LEAVES) {
    const fromFile = getPath(file as Record<string, unknown>, leaf.path)
    if (fromFile !== undefined) setPath(config, leaf.path, parseLeaf(leaf, fromFile, path))
    const fromEnv = env[envName(leaf.path)]
    if (fromEnv !== undefined && fromEnv !== '') setPath(config, leaf.path, parseLeaf(leaf, fromEnv, envName(leaf.path)))
    const fromFlag = flags[leaf.path]
    if (fromFlag !== undefined) setPath(config, leaf.path, parseLeaf(leaf, fromFlag, `--${leaf.path}`))
  }
  return config as unknown as NodeConfig
}

function checkKnownKeys(file: Record<string, unknown>, defaults: Record<string, unknown>, prefix: string, path: string): void {
  for (const [key, value] of Object.entries(file)) {
    const name = `${prefix}${key}`
    if (!(key in defaults)) throw new NodeError('CONFIG_INVALID', `${path}: unknown setting "${name}"`, { field: name, path })
    const known = defaults[key]
    if (known !== null && typeof known === 'object' && !Array.isArray(known)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new NodeError('CONFIG_INVALID', `${path}: "${name}" must be an object`, { field: name, path })
      checkKnownKeys(value as Record<string, unknown>, known as Record<string, unknown>, `${name}.`, path)
    }
  }
}

import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CliError } from './errors.js'

export const DEFAULT_HOME = process.env.FEDRA_HOME || resolve(process.env.HOME ?? '.', '.fedra')
export const FALLBACK_NODE = 'http://127.0.0.1:26657/'

/**
 * Which node a client command talks to, first match wins:
 * 1. `--node URL`; 2. FEDRA_NODE; 3. a devnet directory used as the home (`<home>/devnet.json`,
 * written by `npm run devnet -- --dir DIR`): its first validator's RPC; 4. a node home
 * (`<home>/config/config.json`): that node's `rpc.listen`; 5. 127.0.0.1:26657, CometBFT's default.
 * So `FEDRA_HOME=./devnet-data fedra status` finds the devnet with no other flag.
 */
export function resolveNodeUrl(options: { node?: string; home?: string }): string {
  if (options.node !== undefined) return normalize(options.node)
  const fromEnv = process.env.FEDRA_NODE
  if (fromEnv !== undefined && fromEnv !== '') return normalize(fromEnv)
  const home = options.home ?? DEFAULT_HOME
  const devnet = readJson(join(home, 'devnet.json')) as { nodes?: { rpcPort?: unknown }[] } | undefined
  const port = devnet?.nodes?.[0]?.rpcPort
  if (typeof port === 'number') return `http://127.0.0.1:${port}/`
  const config = readJson(join(home, 'config', 'config.json')) as { rpc?: { listen?: unknown } } | undefined
  const listen = config?.rpc?.listen
  if (typeof listen === 'string' && /^[^:]+:\d+$/.test(listen)) return `http://${listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}/`
  return FALLBACK_NODE
}

/** `127.0.0.1:26657` and `http://127.0.0.1:26657` both mean the node's JSON-RPC root. */
function normalize(url: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`
  try {
    return new URL(withScheme).toString()
  } catch {
    throw new CliError('USAGE', `"${url}" is not a node address like http://127.0.0.1:26657`, {})
  }
}

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { logger } from '../log/index.js'
import type { RpcBackend } from './backend.js'
import { registerChainMethods } from './handlers/chain.js'
import type { HandlerDeps } from './handlers/deps.js'
import { registerModuleMethods } from './handlers/modules.js'
import { registerContributionMethods } from './handlers/contribution.js'
import { registerStateMethods } from './handlers/state.js'
import { registerSubscriptionMethods } from './handlers/subscriptions.js'
import { registerTxMethods } from './handlers/tx.js'
import { type RpcLimits, resolveLimits } from './limits.js'
import { MethodTable } from './method.js'
import { SubscriptionHub } from './subscriptions.js'
import { type ListenOptions, type ServerAddress, createJsonRpcServer } from './transport.js'

export const RPC_API_VERSION = '0.1.0'
export const RPC_INFO = { title: 'Fedra JSON-RPC', version: RPC_API_VERSION }

export interface RpcServerOptions {
  backend: RpcBackend
  listen: ListenOptions
  limits?: Partial<RpcLimits>
  log?: Logger
  /** Clock for rate limits and chain_health (tests substitute it). */
  now?: () => number
  /** Registers further namespaces (`subnet_*`, `round_*`) on the same table. */
  extend?: (table: MethodTable, deps: HandlerDeps) => void
  /** Other HTTP routes on the same port (GET /health, /metrics); return true when handled. */
  httpRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean
}

export interface RpcServer {
  readonly address: ServerAddress
  readonly limits: RpcLimits
  readonly table: MethodTable
  readonly hub: SubscriptionHub
  /** Closes every WebSocket (clients reconnect and resume their subscriptions). */
  disconnectWebSockets(code?: number, reason?: string): void
  close(): Promise<void>
}

/** The core method table over a backend (also what scripts/gen-rpc-docs.ts documents). */
export function coreMethodTable(deps: Omit<HandlerDeps, 'table'>, extend?: RpcServerOptions['extend']): MethodTable {
  const table = new MethodTable()
  const full: HandlerDeps = { ...deps, table }
  registerChainMethods(table, full)
  registerTxMethods(table, full)
  registerStateMethods(table, full)
  registerModuleMethods(table, full)
  registerContributionMethods(table, full)
  registerSubscriptionMethods(table, full)
  extend?.(table, full)
  return table
}

/**
 * The core method table without a node behind it: what scripts/gen-rpc-docs.ts documents and
 * rpc.discover would answer. Its handlers must not be called. `extend` adds the namespaces the
 * node registers beside the core ones (blob_*), for the generated reference.
 */
export function documentationTable(extend?: RpcServerOptions['extend']): MethodTable {
  const limits = resolveLimits()
  const log = logger('rpc')
  const detached = new Proxy({} as RpcBackend, {
    get() {
      throw new Error('documentationTable has no backend')
    },
  })
  return coreMethodTable(
    { backend: detached, hub: new SubscriptionHub(detached, limits, log), limits, now: Date.now, log, info: RPC_INFO },
    extend,
  )
}

/** Fedra's JSON-RPC server: HTTP POST and WebSocket on `listen`, answering from `backend`. */
export async function createRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const limits = resolveLimits(options.limits)
  const log = options.log ?? logger('rpc')
  const now = options.now ?? Date.now
  const hub = new SubscriptionHub(options.backend, limits, log)
  await hub.start()
  const table = coreMethodTable({ backend: options.backend, hub, limits, now, log, info: RPC_INFO }, options.extend)
  let transport
  try {
    transport = await createJsonRpcServer({ table, listen: options.listen, limits, log, now, httpRoutes: options.httpRoutes })
  } catch (error) {
    hub.stop()
    throw error
  }
  return {
    address: transport.address,
    limits,
    table,
    hub,
    disconnectWebSockets: (code, reason) => transport.disconnectWebSockets(code, reason),
    async close() {
      hub.stop()
      await transport.close()
    },
  }
}

import type { Logger } from 'pino'
import type { RpcBackend } from '../backend.js'
import { RpcError } from '../errors.js'
import type { RpcLimits } from '../limits.js'
import type { MethodTable } from '../method.js'
import type { SubscriptionHub } from '../subscriptions.js'

/** What the core method handlers are built from. */
export interface HandlerDeps {
  backend: RpcBackend
  hub: SubscriptionHub
  limits: RpcLimits
  table: MethodTable
  now: () => number
  log: Logger
  info: { title: string; version: string }
}

/**
 * The height a request is about: the given one or the latest, which must lie within what the
 * node serves (HEIGHT_UNAVAILABLE names the range otherwise).
 */
export async function servedHeight(backend: RpcBackend, requested: number | undefined): Promise<number> {
  const status = await backend.status()
  const height = requested ?? status.latestHeight
  if (height > status.latestHeight || height < status.earliestHeight) {
    throw new RpcError(
      'HEIGHT_UNAVAILABLE',
      { height, earliest: status.earliestHeight, latest: status.latestHeight },
      `height ${height} is outside ${status.earliestHeight}..${status.latestHeight}`,
    )
  }
  return height
}

export const notFound = (what: string, where: { height?: number; hash?: string }) =>
  new RpcError('NOT_FOUND', { what, ...where }, `no ${what} ${where.hash ?? `at height ${where.height}`}`)

import { FEDRA_API } from '../api/index.js'
import { RpcError } from '../errors.js'
import type { MethodTable } from '../method.js'
import { openRpcDocument } from '../openrpc.js'
import type { Session } from '../session.js'
import type { SubscriptionFilterValue, SubscriptionKind } from '../subscriptions.js'
import type { HandlerDeps } from './deps.js'

const FILTER_FIELDS: Record<SubscriptionKind, readonly (keyof SubscriptionFilterValue)[]> = {
  newBlocks: [],
  txs: ['signer', 'messageType', 'event'],
  events: ['type', 'attributes'],
}

export function registerSubscriptionMethods(table: MethodTable, { backend, hub, info }: HandlerDeps): void {
  table.add(FEDRA_API.subscribe, async ({ kind, filter = {}, fromHeight }, ctx) => {
    for (const field of Object.keys(filter) as (keyof SubscriptionFilterValue)[]) {
      if (!FILTER_FIELDS[kind].includes(field)) {
        throw new RpcError(
          'INVALID_PARAMS',
          { field: `params.filter.${field}`, reason: `not a filter of ${kind}` },
          `params.filter.${field}: not a filter of ${kind}`,
        )
      }
    }
    const { earliestHeight } = await backend.status()
    return hub.subscribe(ctx.session as Session, kind, filter, fromHeight, earliestHeight)
  })

  table.add(FEDRA_API.unsubscribe, ({ subscription }, ctx) => ({ unsubscribed: hub.unsubscribe(ctx.session as Session, subscription) }))

  let cached: { size: number; document: unknown } | undefined
  table.add(FEDRA_API['rpc.discover'], () => {
    const size = table.list().length
    if (cached?.size !== size) cached = { size, document: openRpcDocument(table, info) }
    return cached.document
  })
}

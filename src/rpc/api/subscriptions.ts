import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { type EventJsonValue, address, height } from '../shapes.js'
import { TxSearchEvent } from './tx.js'

/** One item of an `events` subscription: a block's event with where it came from. */
export interface EventNotification {
  phase: 'begin' | 'tx' | 'end'
  txHash: string | null
  txIndex: number | null
  event: EventJsonValue
}

export const SUBSCRIPTION_KINDS = ['newBlocks', 'txs', 'events'] as const

export const SubscriptionFilter = s.object({
  signer: s.optional(s.describe(address, 'txs: signed by')),
  messageType: s.optional(s.string({ maxLength: 128, description: 'txs: carrying a message of this type' })),
  event: s.optional(s.describe(TxSearchEvent, 'txs: emitting this event attribute')),
  type: s.optional(s.string({ maxLength: 128, description: 'events: of this event type' })),
  attributes: s.optional(
    s.record(s.string({ maxLength: 512 }), { maxProperties: 16, description: 'events: having all these key = value attributes' }),
  ),
})

export const subscribe = defineMethod({
  name: 'subscribe',
  summary: 'Start a stream of notifications (WebSocket only).',
  description:
    'kind newBlocks: each committed block. kind txs: each committed transaction matching the filter (signer, messageType, event). kind events: each event (block begin/end and transaction events) matching the filter (type, attributes). Notifications are {"jsonrpc":"2.0","method":"subscription","params":{"subscription":ID,"height":H,"seq":N,"result":...}}, in (height, seq) order. fromHeight replays from that height first (to resume after a reconnect without gaps); without it the stream starts at nextHeight.',
  params: {
    kind: s.enum(SUBSCRIPTION_KINDS),
    filter: s.optional(SubscriptionFilter),
    fromHeight: s.optional(
      s.describe(s.integer({ min: 1, max: 2 ** 53 - 1 }), "replay from this height (at most the server's maxReplayBlocks back)"),
    ),
  },
  result: s.object({ subscription: s.string(), nextHeight: height }),
  errors: ['TOO_MANY_SUBSCRIPTIONS', 'WEBSOCKET_REQUIRED', 'HEIGHT_UNAVAILABLE'],
  transport: 'ws',
})

export const unsubscribe = defineMethod({
  name: 'unsubscribe',
  summary: 'Stop a stream.',
  params: { subscription: s.string({ maxLength: 64 }) },
  result: s.object({ unsubscribed: s.boolean() }),
  errors: ['WEBSOCKET_REQUIRED'],
  transport: 'ws',
})

export const rpcDiscover = defineMethod({
  name: 'rpc.discover',
  summary: 'The OpenRPC document of every method this server answers.',
  params: {},
  result: s.unknown('an OpenRPC 1.2.6 document'),
})

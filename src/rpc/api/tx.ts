import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { TxJson, TxResultJson, address, hash32, height } from '../shapes.js'

export const MAX_TX_HEX_BYTES = 512 * 1024

export const txBroadcast = defineMethod({
  name: 'tx_broadcast',
  summary: 'Submit a signed transaction.',
  description:
    'mode async: answers at once with the hash, before any check. mode sync (default): answers after the mempool admission check; a refusal is error -32000 with the code, except a full mempool: -32010, with how full it is (retry later, or outbid the cheapest pending transaction per gas). mode commit: also waits until a block includes the transaction (or timeoutMs passes: -32002) and returns its height, index and result; an included transaction that failed is a result with a non-zero code, not an error.',
  params: {
    tx: s.hex({ maxBytes: MAX_TX_HEX_BYTES, description: 'the signed transaction bytes' }),
    mode: s.optional(s.enum(['async', 'sync', 'commit'], 'default sync')),
    timeoutMs: s.optional(
      s.integer({ min: 1, max: 600_000, description: 'commit mode: how long to wait for inclusion (capped by the server)' }),
    ),
  },
  result: s.object({
    hash: hash32,
    mode: s.enum(['async', 'sync', 'commit']),
    height: s.optional(height),
    index: s.optional(s.integer({ min: 0 })),
    result: s.optional(TxResultJson),
  }),
  errors: ['TX_REJECTED', 'MEMPOOL_FULL', 'TIMEOUT'],
})

export const txGet = defineMethod({
  name: 'tx_get',
  summary: 'A committed transaction by hash, with its result.',
  params: { hash: hash32 },
  result: TxJson,
  errors: ['NOT_FOUND', 'INDEX_DISABLED'],
})

export const TxSearchEvent = s.object({
  type: s.string({ maxLength: 128 }),
  key: s.string({ maxLength: 256 }),
  value: s.string({ maxLength: 512 }),
})

export const txSearch = defineMethod({
  name: 'tx_search',
  summary: 'Committed transactions matching every given condition, a page at a time.',
  description: 'Pass the `next` of a page as `cursor` to get the following one; `next` is null on the last page.',
  params: {
    signer: s.optional(address),
    messageType: s.optional(s.string({ maxLength: 128, description: 'e.g. bank/MsgSend' })),
    event: s.optional(s.describe(TxSearchEvent, 'an event the transaction emitted with this attribute')),
    minHeight: s.optional(height),
    maxHeight: s.optional(height),
    limit: s.optional(s.integer({ min: 1, max: 100, description: 'default 30' })),
    cursor: s.optional(s.string({ maxLength: 64 })),
    order: s.optional(s.enum(['asc', 'desc'], 'default asc (oldest first)')),
  },
  result: s.object({ txs: s.array(TxJson), next: s.nullable(s.string()) }),
  errors: ['INDEX_DISABLED'],
})

export const mempoolPending = defineMethod({
  name: 'mempool_pending',
  summary: 'Transactions waiting in the mempool, oldest first.',
  params: { limit: s.optional(s.integer({ min: 1, max: 1000, description: 'default 100' })) },
  result: s.object({
    total: s.integer({ min: 0 }),
    totalBytes: s.integer({ min: 0 }),
    txs: s.array(s.object({ hash: hash32, size: s.integer({ min: 0 }), tx: s.hex() })),
  }),
})

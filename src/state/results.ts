import { t, type StructValue } from '../codec/index.js'
import type { Event } from './events.js'
import type { TxResult } from './deliver-tx.js'

const Attribute = t.struct('EventAttribute', 110, 1, { key: t.string({ max: 256 }), value: t.string({ max: 4096 }) })
const EventRecord = t.struct('Event', 111, 1, { type: t.string({ max: 128 }), attributes: t.array(Attribute, { max: 64 }) })
export const TxResultRecord = t.struct('TxResult', 112, 1, {
  hash: t.fixedBytes(32),
  code: t.u32,
  codespace: t.string({ max: 64 }),
  log: t.string({ max: 4096 }),
  gasWanted: t.u64,
  gasUsed: t.u64,
  events: t.array(EventRecord, { max: 1024 }),
})

/** What executing a block produced, stored beside it (CometBFT's FinalizeBlock response). */
export const BlockResults = t.struct('BlockResults', 113, 1, {
  height: t.u64,
  txResults: t.array(TxResultRecord, { max: 100_000 }),
  beginBlockEvents: t.array(EventRecord, { max: 100_000 }),
  endBlockEvents: t.array(EventRecord, { max: 100_000 }),
})

export type BlockResultsValue = StructValue<typeof BlockResults.fields>

const toRecord = (event: Event) => ({ type: event.type, attributes: event.attributes.map(([key, value]) => ({ key, value })) })

export function blockResultsRecord(
  height: number,
  txResults: TxResult[],
  beginBlockEvents: Event[],
  endBlockEvents: Event[],
): BlockResultsValue {
  return {
    height: BigInt(height),
    txResults: txResults.map((r) => ({ ...r, log: r.log.slice(0, 1024), events: r.events.map(toRecord) })),
    beginBlockEvents: beginBlockEvents.map(toRecord),
    endBlockEvents: endBlockEvents.map(toRecord),
  }
}

import { t, type StructValue } from '../../../../src/codec/index.js'
import { type MessageHandler, type Module, implementHooks, utf8 } from '../../../../src/state/index.js'
import { TEST_TAGS } from '../tags.js'
import { PING_HOOKS } from './hooks.js'

/** Test-only module that fires a hook for every ping, and listeners that count what they hear. */
export const MsgPing = t.struct('test/MsgPing', TEST_TAGS.ping, 1, { note: t.string({ max: 32 }) })
export type MsgPingValue = StructValue<typeof MsgPing.fields>

const COUNT = utf8('n')
const readCount = (raw: Uint8Array | undefined): bigint => (raw === undefined ? 0n : BigInt(Buffer.from(raw).toString('utf8')))

const ping: MessageHandler<MsgPingValue> = {
  type: MsgPing,
  handle(ctx, _message, signer) {
    const store = ctx.moduleStore()
    const count = readCount(store.get(COUNT)) + 1n
    store.set(COUNT, utf8(String(count)))
    ctx.hooks(PING_HOOKS).afterPing(signer.addressBytes, count)
  },
}

const base = { queries: {}, keeper: () => null, genesis: { validate: () => ({}), init: () => {}, export: () => ({}) }, invariants: {} }

export const pingerModule: Module<null> = { name: 'pinger', messages: [ping], ...base }

/** A listener: counts the pings it heard in its own store and emits `heard` with its name. */
export function listenerModule(name: string): Module<null> {
  return {
    name,
    messages: [],
    ...base,
    queries: { heard: (ctx) => String(readCount(ctx.moduleStore().get(COUNT))) },
    hooks: [
      implementHooks(PING_HOOKS, (ctx) => ({
        afterPing(_sender, count) {
          ctx.moduleStore().set(COUNT, utf8(String(readCount(ctx.moduleStore().get(COUNT)) + 1n)))
          ctx.emit('heard', { by: ctx.module, count: String(count) })
        },
      })),
    ],
  }
}

/** A module that records when the framework calls it, for the order tests. */
export function recorderModule(name: string, log: string[]): Module<null> {
  return {
    name,
    messages: [],
    ...base,
    genesis: { validate: () => ({}), init: () => void log.push(`init:${name}`), export: () => ({}) },
    beginBlock: () => void log.push(`begin:${name}`),
    endBlock: () => void log.push(`end:${name}`),
  }
}

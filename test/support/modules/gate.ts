import { t, type StructValue } from '../../../src/codec/index.js'
import { type Context, type MessageHandler, type Module, ModuleError, utf8 } from '../../../src/state/index.js'
import { TEST_TAGS } from './tags.js'

/**
 * Test-only module with a mempool admission rule (MessageHandler.admit). MsgKnock on a door is
 * refused while the door is closed (a state key MsgToggle flips) and, for door 3, at every
 * height divisible by 3 (a rule that reads the block's height); its handler refuses the same.
 */
export const MsgKnock = t.struct('test/MsgKnock', TEST_TAGS.knock, 1, { door: t.u32 })
export const MsgToggle = t.struct('test/MsgToggle', TEST_TAGS.toggle, 1, { door: t.u32 })
type MsgKnockValue = StructValue<typeof MsgKnock.fields>
type MsgToggleValue = StructValue<typeof MsgToggle.fields>

/** Door 3's rule: no knocking at heights divisible by this. */
export const QUIET_EVERY = 3

const closedKey = (door: number) => utf8(`closed/${door}`)
const knocksKey = utf8('knocks')

function checkKnock(ctx: Context, m: MsgKnockValue): void {
  if (ctx.moduleStore().get(closedKey(m.door)) !== undefined) throw new ModuleError('gate', 2, 'DOOR_CLOSED', `door ${m.door} is closed`)
  if (m.door === 3 && ctx.block.height % QUIET_EVERY === 0)
    throw new ModuleError('gate', 3, 'QUIET_HOURS', `no knocking on door 3 at height ${ctx.block.height}`)
}

const knock: MessageHandler<MsgKnockValue> = {
  type: MsgKnock,
  admit: (ctx, m) => checkKnock(ctx, m),
  handle(ctx, m) {
    checkKnock(ctx, m)
    const store = ctx.moduleStore()
    const count = BigInt(Buffer.from(store.get(knocksKey) ?? utf8('0')).toString('utf8')) + 1n
    store.set(knocksKey, utf8(String(count)))
  },
}

const toggle: MessageHandler<MsgToggleValue> = {
  type: MsgToggle,
  handle(ctx, m) {
    const store = ctx.moduleStore()
    if (store.get(closedKey(m.door)) === undefined) store.set(closedKey(m.door), utf8('1'))
    else store.delete(closedKey(m.door))
  },
}

export const gateModule: Module<null> = {
  name: 'gate',
  messages: [knock, toggle],
  queries: { knocks: (ctx) => Buffer.from(ctx.moduleStore().get(knocksKey) ?? utf8('0')).toString('utf8') },
  keeper: () => null,
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  invariants: {},
}

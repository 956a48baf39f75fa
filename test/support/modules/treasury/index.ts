import { t, type StructValue } from '../../../../src/codec/index.js'
import type { MessageHandler, Module } from '../../../../src/state/index.js'
import { TEST_TAGS } from '../tags.js'
import { BANK } from './expected-keepers.js'

/**
 * Test-only module exercising module accounts through an expected bank keeper: each message
 * names the module account it acts on, so tests can aim at accounts it does or does not own,
 * with or without a permission.
 */
export const MsgTreasury = t.struct('test/MsgTreasury', TEST_TAGS.treasury, 1, {
  action: t.string({ max: 16 }),
  account: t.string({ max: 32 }),
  to: t.fixedBytes(20),
  amount: t.uint(),
})
export type MsgTreasuryValue = StructValue<typeof MsgTreasury.fields>

const treasury: MessageHandler<MsgTreasuryValue> = {
  type: MsgTreasury,
  handle(ctx, { action, account, to, amount }, signer) {
    const bank = ctx.keeper(BANK)
    const coins = [{ denom: 'ufdr', amount }]
    if (action === 'mint') bank.mint(account, coins)
    else if (action === 'burn') bank.burn(account, coins)
    else if (action === 'deposit') bank.sendToModule(signer.addressBytes, account, coins)
    else if (action === 'payout') bank.sendFromModule(account, to, coins)
    else throw new Error(`unknown action ${action}`)
  },
}

export const treasuryModule: Module<null> = {
  name: 'treasury',
  expects: [BANK],
  messages: [treasury],
  queries: {},
  keeper: () => null,
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  invariants: {},
}

import type { MessageHandler } from '../../state/index.js'
import { BankKeeper } from './keeper.js'
import { MODULE } from './keys.js'
import { assertValidCoins } from './coins.js'
import { MsgSend, type MsgSendValue } from './messages.js'

/** Bank's message server: each handler is thin over the keeper. */
const send: MessageHandler<MsgSendValue> = {
  type: MsgSend,
  validate(message) {
    assertValidCoins(message.amount)
  },
  handle(ctx, message, signer) {
    new BankKeeper(ctx, MODULE).send(signer.addressBytes, message.to, message.amount)
  },
}

export const bankMessages: MessageHandler[] = [send]

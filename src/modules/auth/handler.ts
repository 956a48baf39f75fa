import type { MessageHandler } from '../../state/index.js'

/** Auth's message server: no messages yet (nonces and keys change only through the ante handler). */
export const authMessages: MessageHandler[] = []

// Message and state types only (codec, nothing else), like every module's messages.ts.
import { t, type StructValue } from '../../codec/index.js'

/** An account's nonce and, once it has signed, its public key. */
export const Account = t.struct('Account', 150, 1, {
  publicKey: t.optional(t.fixedBytes(32)),
  nonce: t.u64,
})

export type AccountValue = StructValue<typeof Account.fields>

import { t, type StructValue } from '../../../../src/codec/index.js'
import { type Module, ModuleError, utf8 } from '../../../../src/state/index.js'

/** Reads `read` through the block's blob reader and records its length under `declare`'s key; `declare` is what it announces. */
export const MsgReadBlob = t.struct('test/MsgReadBlob', 961, 1, { declare: t.string({ max: 100 }), read: t.string({ max: 100 }) })
type MsgReadBlobValue = StructValue<typeof MsgReadBlob.fields>

/** A test module whose one message declares a blob and reads one (the same, or another to plant the bug). */
export const blobReaderModule: Module = {
  name: 'blobreader',
  messages: [
    {
      type: MsgReadBlob,
      validate(message: MsgReadBlobValue) {
        if (message.declare === '') throw new ModuleError('blobreader', 2, 'EMPTY', 'declare a CID')
      },
      blobs: (message: MsgReadBlobValue) => [message.declare],
      handle(ctx, message: MsgReadBlobValue) {
        const bytes = ctx.block.blobs.get(message.read)
        ctx.moduleStore().set(utf8(`len/${message.read}`), Uint8Array.of(bytes.length))
      },
    },
  ],
  queries: {},
  keeper: () => ({}),
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  invariants: {},
}

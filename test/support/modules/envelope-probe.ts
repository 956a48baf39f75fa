import { t, type StructValue } from '../../../src/codec/index.js'
import { EnvelopeError, type KeySet } from '../../../src/fl/envelope/index.js'
import { type MessageHandler, type Module, StateError } from '../../../src/state/index.js'
import { TEST_TAGS } from './tags.js'

/**
 * Test-only module whose one message opens an envelope with the node's opener, as training's
 * handlers do for a private subnet (src/modules/training/envelope-open.ts): a key this node lacks
 * is StateError ENVELOPE_UNREADABLE, the node-local failure the ChainApp must stop on.
 */
export const MsgOpenEnvelope = t.struct('test/MsgOpenEnvelope', TEST_TAGS.openEnvelope, 1, { envelope: t.bytes({ max: 4096 }) })
type MsgOpenEnvelopeValue = StructValue<typeof MsgOpenEnvelope.fields>

export function envelopeProbeModule(keySet: KeySet): Module<null> {
  const open: MessageHandler<MsgOpenEnvelopeValue> = {
    type: MsgOpenEnvelope,
    handle(ctx, m) {
      try {
        ctx.block.envelopes.open(m.envelope, [keySet])
      } catch (error) {
        if (error instanceof EnvelopeError && error.code === 'ENVELOPE_NO_KEY')
          throw new StateError('ENVELOPE_UNREADABLE', `${error.code}: ${error.plainMessage}`, {})
        throw error
      }
    },
  }
  return {
    name: 'envelopeprobe',
    messages: [open],
    queries: {},
    keeper: () => null,
    genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
    invariants: {},
  }
}

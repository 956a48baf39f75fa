/** Encrypted envelopes for private subnets: see envelope.ts and docs/privacy.md. */
export { EnvelopeError, type EnvelopeErrorCode, type EnvelopeErrorContexts } from './errors.js'
export {
  type KeySet,
  type Recipient,
  envelopeHeader,
  membershipChanged,
  newKeySet,
  openEnvelope,
  rotateKeySet,
  sealEnvelope,
  unwrapContentKey,
} from './envelope.js'

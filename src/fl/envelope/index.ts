/** Encrypted envelopes for private subnets: see envelope.ts and docs/privacy.md. */
export { EnvelopeError, type EnvelopeErrorCode, type EnvelopeErrorContexts } from './errors.js'
export {
  ENVELOPE_HEADER_BYTES,
  type KeySet,
  type KeyWrap,
  type Recipient,
  type SealingKey,
  envelopeHeader,
  membershipChanged,
  newKeySet,
  openEnvelope,
  openEnvelopeAs,
  previousEpochSecret,
  rotateKeySet,
  sealEnvelope,
  unwrapEpochSecret,
} from './envelope.js'
export { EnvelopeKeyring } from './keyring.js'

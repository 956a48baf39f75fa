// The polyfill must evaluate before libp2p is used (see polyfill.ts): keep it the first import.
import './polyfill.js'

export { P2PError, type P2PErrorCode, type P2PErrorContext, RequestRefused } from './errors.js'
export type { GossipHandler, GossipVerdict } from './gossip.js'
export { SCORE_THRESHOLDS } from './gossip-params.js'
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_PEERS,
  DEFAULT_PENALTY_POINTS,
  P2PHost,
  type P2PHostConfig,
  type PeerInfo,
  type PeerListener,
} from './host.js'
export { peerIdFromSeed } from './identity.js'
export {
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type HandleOptions,
  type PeerMessageHandler,
  type MessageOptions,
  type RequestHandler,
  type RequestOptions,
} from './request-response.js'
export { type ChainProtocols, type ChainTopics, protocolsFor, topicsFor } from './topics.js'

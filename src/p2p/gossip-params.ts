import type { GossipsubOpts } from '@libp2p/gossipsub'
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

/**
 * Gossipsub tuning for Fedra: a few to a few dozen validators and full nodes, often a 4-5 node
 * full mesh on one machine in devnets, where a message must reach everyone within a consensus
 * timeout rather than save bandwidth.
 */
export const MESH = {
  /** Dlo 3 keeps a 4-node network's mesh from constantly grafting to reach the default 4. */
  D: 6,
  Dlo: 3,
  Dhi: 10,
  Dscore: 3,
  Dout: 1,
  Dlazy: 6,
  heartbeatInterval: 1000,
} as const satisfies Partial<GossipsubOpts>

/**
 * Score thresholds. With invalidMessageDeliveriesWeight -10 and the counter squared, one
 * rejected message costs 10, two cost 40 (no more gossip to/from the peer), three cost 90:
 * graylisted (its RPCs are ignored, and the host disconnects and bans it) even from the best
 * positive score (the topic cap, 10).
 */
export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -20,
  publishThreshold: -40,
  graylistThreshold: -70,
  acceptPXThreshold: 100, // PX is off; keep it unreachable
  opportunisticGraftThreshold: 3,
}

/**
 * Per-topic scoring. Mesh-delivery penalties (P3, P3b) are off: Fedra topics go quiet for long
 * stretches (no txs, or a node that is not a validator), which must not read as a peer
 * withholding messages. Invalid messages (P4) are what the validate callback's 'reject' feeds.
 */
export const TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.05,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 60,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -10,
  // Per decayInterval (1 s): the counter halves in about 69 s, so a burst of invalid messages
  // is forgiven within minutes but not by reconnecting (retainScore keeps it).
  invalidMessageDeliveriesDecay: 0.99,
}

/** Loopback peers are not colocation suspects: devnets run every node on 127.0.0.1. */
const LOOPBACK = new Set(['127.0.0.1', '::1'])

/**
 * Peer-level scoring. `appSpecificScore` is the host's penalty book (see penalties.ts), so a
 * peer the node catches sending bad data over request/response loses gossip standing too.
 */
export function peerScoreParams(appSpecificScore: (peerId: string) => number): Partial<PeerScoreParams> {
  return {
    topics: {},
    topicScoreCap: 10,
    appSpecificScore,
    appSpecificWeight: 1,
    IPColocationFactorWeight: -5,
    IPColocationFactorThreshold: 10,
    IPColocationFactorWhitelist: LOOPBACK,
    behaviourPenaltyWeight: -10,
    behaviourPenaltyThreshold: 0,
    behaviourPenaltyDecay: 0.9,
    decayInterval: 1000,
    decayToZero: 0.01,
    retainScore: 10 * 60 * 1000,
  }
}

/** Gossip topics of one chain. The chain id is in the name so two devnets never cross-talk. */
export interface ChainTopics {
  txs: string
  consensus: string
}

/** Stream protocols of one chain; the version suffix lets a wire format change side by side. */
export interface ChainProtocols {
  /** Request/response: blocks (with commits) by height range. */
  sync: string
  /** Request/response: blob bytes by CID. */
  blob: string
  /** One-way messages to a single peer (consensus answers to a peer that is behind). */
  direct: string
}

export function topicsFor(chainId: string): ChainTopics {
  return {
    txs: `/fedra/${chainId}/txs/1`,
    consensus: `/fedra/${chainId}/consensus/1`,
  }
}

export function protocolsFor(chainId: string): ChainProtocols {
  return {
    sync: `/fedra/${chainId}/sync/1`,
    blob: `/fedra/${chainId}/blob/1`,
    direct: `/fedra/${chainId}/direct/1`,
  }
}

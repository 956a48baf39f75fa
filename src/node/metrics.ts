import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * The node's Prometheus metrics (names follow CometBFT's where one exists). A registry per
 * node rather than prom-client's global one, so several nodes in one test process do not
 * share counters.
 */
export class NodeMetrics {
  readonly registry = new Registry()
  readonly height = new Gauge({ name: 'fedra_consensus_height', help: 'Height of the last committed block', registers: [this.registry] })
  readonly rounds = new Gauge({
    name: 'fedra_consensus_rounds',
    help: 'Round in which the last block was decided (0 = first try)',
    registers: [this.registry],
  })
  readonly round = new Gauge({
    name: 'fedra_consensus_round',
    help: 'Current round of the height being decided',
    registers: [this.registry],
  })
  readonly blockInterval = new Histogram({
    name: 'fedra_consensus_block_interval_seconds',
    help: 'Time between consecutive block header times',
    buckets: [0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    registers: [this.registry],
  })
  readonly txsCommitted = new Counter({
    name: 'fedra_consensus_txs_total',
    help: 'Transactions committed (rate() of it is tx/s)',
    registers: [this.registry],
  })
  readonly blockSize = new Gauge({
    name: 'fedra_consensus_block_size_bytes',
    help: 'Bytes of transactions in the last block',
    registers: [this.registry],
  })
  readonly peers = new Gauge({ name: 'fedra_p2p_peers', help: 'Connected peers', registers: [this.registry] })
  readonly gossip = new Counter({
    name: 'fedra_p2p_messages_total',
    help: 'Gossip messages by topic and validation result',
    labelNames: ['topic', 'result'],
    registers: [this.registry],
  })
  readonly mempoolSize = new Gauge({ name: 'fedra_mempool_size', help: 'Transactions in the mempool', registers: [this.registry] })
  readonly mempoolBytes = new Gauge({
    name: 'fedra_mempool_size_bytes',
    help: 'Bytes of transactions in the mempool',
    registers: [this.registry],
  })
  readonly txGossipQueued = new Gauge({
    name: 'fedra_gossip_tx_queued',
    help: 'Gossiped transactions received and waiting for admission (at the last commit)',
    registers: [this.registry],
  })
  readonly mempoolRejected = new Counter({
    name: 'fedra_mempool_rejected_total',
    help: 'Transactions refused admission, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  })
  readonly syncing = new Gauge({
    name: 'fedra_blocksync_syncing',
    help: '1 while the node is catching up by block sync',
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fedra_process_' })
  }

  async text(): Promise<string> {
    return this.registry.metrics()
  }
}

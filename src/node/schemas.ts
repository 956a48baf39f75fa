import { t } from '../codec/index.js'

/**
 * Node records and wire messages (codec tags 1000–1099). Stored blocks reuse consensus'
 * CommitMessage encoding (block + the commit that decided it), so what a node stores is
 * byte for byte what it serves to a peer that syncs.
 */

/** Proposer priorities are int64; stored offset by 2^63 so the codec's u64 holds them. */
export const PRIORITY_OFFSET = 2n ** 63n

export const StoredValidator = t.struct('StoredValidator', 1000, 1, {
  address: t.string({ max: 128 }),
  publicKey: t.bytes({ max: 64 }),
  votingPower: t.uint(64),
  priority: t.u64,
})

/** A validator set with its proposer priorities, as of the height it belongs to. */
export const StoredValidatorSet = t.struct('StoredValidatorSet', 1001, 1, {
  validators: t.array(StoredValidator, { max: 1000 }),
  proposer: t.string({ max: 128 }),
})

/** Block sync request: blocks `from`..`to` inclusive (the server may return fewer). */
export const SyncRequest = t.struct('SyncRequest', 1010, 1, { from: t.u64, to: t.u64 })

/** Block sync response: CommitMessage encodings of consecutive heights starting at the requested one. */
export const SyncResponse = t.struct('SyncResponse', 1011, 1, { blocks: t.array(t.bytes({ max: 64 * 1024 * 1024 }), { max: 1000 }) })

/** Status request/response: where a peer's chain is. */
export const StatusRequest = t.struct('StatusRequest', 1012, 1, {})
export const StatusResponse = t.struct('StatusResponse', 1013, 1, {
  chainId: t.string({ max: 64 }),
  height: t.u64,
  blockId: t.optional(t.fixedBytes(32)),
  earliestHeight: t.u64,
})

/** Txs travel on gossip in batches: one message per burst instead of one per transaction. */
export const TxBatch = t.struct('TxBatch', 1020, 1, { txs: t.array(t.bytes({ max: 1024 * 1024 }), { min: 1, max: 1000 }) })

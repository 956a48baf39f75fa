import { decode, encode } from '../codec/index.js'
import { type SignatureVerifier, blockId, checkBlock, checkCommit } from '../consensus/index.js'
import { fromHex, toHex } from '../crypto/index.js'
import type { Logger } from '../log/index.js'
import type { ChainApp } from './chain-app.js'
import { decodeStoredBlock } from './block-store.js'
import { NodeError } from './errors.js'
import { StatusRequest, StatusResponse, SyncRequest, SyncResponse } from './schemas.js'

/** What block sync needs of the p2p host: request/response with byte limits. */
export interface SyncTransport {
  connectedPeers(): string[]
  request(peer: string, protocol: string, data: Uint8Array, options: { timeoutMs: number; maxResponseBytes: number }): Promise<Uint8Array>
  handle(
    protocol: string,
    handler: (request: Uint8Array, from: string) => Promise<Uint8Array>,
    options: { maxRequestBytes: number },
  ): Promise<void>
  penalize(peer: string, reason: string): void
}

export interface PeerStatus {
  peer: string
  chainId: string
  height: number
  blockId: string | null
}

const MAX_BLOCKS_PER_RESPONSE = 100
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024
/** A node this close to the best peer joins consensus, whose own catch-up covers the last heights. */
export const SYNC_MARGIN = 2

export const syncProtocols = (chainId: string) => ({
  status: `/fedra/${chainId}/status/1`,
  blocks: `/fedra/${chainId}/blocks/1`,
})

/**
 * Block sync (CometBFT's blocksync): a node that is behind asks peers for their height, fetches
 * block ranges, and verifies every block exactly as consensus would before it joins: the block
 * against the tip (chain, header hashes, the last commit's +2/3 signatures), its own commit's
 * +2/3 signatures against the validator set of that height, and its execution against the
 * state root in its header. A peer that serves anything that does not verify is penalised.
 */
export class BlockSync {
  readonly #transport: SyncTransport
  readonly #chain: ChainApp
  readonly #verifier: SignatureVerifier
  readonly #log: Logger
  readonly #protocols: ReturnType<typeof syncProtocols>
  #target: number | null = null

  constructor(transport: SyncTransport, chain: ChainApp, verifier: SignatureVerifier, log: Logger) {
    this.#transport = transport
    this.#chain = chain
    this.#verifier = verifier
    this.#log = log
    this.#protocols = syncProtocols(chain.chainId)
  }

  /** Answers peers' status and block-range requests from the store. */
  async serve(): Promise<void> {
    await this.#transport.handle(
      this.#protocols.status,
      async () => {
        const tip = this.#chain.tip()
        return encode(StatusResponse, {
          chainId: tip.chainId,
          height: BigInt(tip.height),
          blockId: tip.blockId === null ? null : fromHex(tip.blockId),
          earliestHeight: 1n,
        })
      },
      { maxRequestBytes: 64 },
    )
    await this.#transport.handle(
      this.#protocols.blocks,
      async (request) => {
        const { from, to } = decode(SyncRequest, request)
        const blocks: Uint8Array[] = []
        let bytes = 0
        const last = Math.min(Number(to), Number(from) + MAX_BLOCKS_PER_RESPONSE - 1, this.#chain.height)
        for (let h = Number(from); h <= last; h++) {
          const stored = await this.#chain.blocks.blockBytes(h)
          if (stored === undefined) break
          if (blocks.length > 0 && bytes + stored.length > MAX_RESPONSE_BYTES / 2) break
          blocks.push(stored)
          bytes += stored.length
        }
        return encode(SyncResponse, { blocks })
      },
      { maxRequestBytes: 64 },
    )
  }

  async status(peer: string, timeoutMs = 2000): Promise<PeerStatus> {
    const bytes = await this.#transport.request(peer, this.#protocols.status, encode(StatusRequest, {}), {
      timeoutMs,
      maxResponseBytes: 1024,
    })
    const status = decode(StatusResponse, bytes)
    return { peer, chainId: status.chainId, height: Number(status.height), blockId: status.blockId === null ? null : toHex(status.blockId) }
  }

  /** Statuses of every connected peer on this chain that answered in time. */
  async peerStatuses(timeoutMs = 2000): Promise<PeerStatus[]> {
    const answers = await Promise.allSettled(this.#transport.connectedPeers().map((peer) => this.status(peer, timeoutMs)))
    return answers.flatMap((a) => (a.status === 'fulfilled' && a.value.chainId === this.#chain.chainId ? [a.value] : []))
  }

  /**
   * The best height a peer reported in the current catch-up's latest poll; null before the first
   * answer. A node within SYNC_MARGIN of it is at the network's tip even while the loop polls again.
   */
  get target(): number | null {
    return this.#target
  }

  /**
   * Fetches and applies blocks until no peer is more than SYNC_MARGIN heights ahead. Returns the
   * number of blocks applied. Consensus must not run meanwhile (both would commit).
   */
  async catchUp(
    options: { target?: number; stopped?: () => boolean; onProgress?: (height: number, target: number) => void } = {},
  ): Promise<number> {
    let applied = 0
    const failed = new Set<string>()
    this.#target = options.target ?? null
    while (!options.stopped?.()) {
      const peers = (await this.peerStatuses()).filter((p) => !failed.has(p.peer)).sort((a, b) => b.height - a.height)
      const best = peers[0]
      const height = this.#chain.height
      this.#target = best?.height ?? height
      if (best === undefined || best.height <= height + SYNC_MARGIN) return applied
      try {
        applied += await this.#fetchRange(best.peer, height + 1, best.height, options)
        options.onProgress?.(this.#chain.height, best.height)
      } catch (error) {
        if (!(error instanceof NodeError) || error.code !== 'SYNC_FAILED') {
          this.#log.warn({ peer: best.peer, err: error }, 'block sync request failed')
        }
        failed.add(best.peer)
      }
    }
    return applied
  }

  async #fetchRange(peer: string, from: number, to: number, options: { stopped?: () => boolean }): Promise<number> {
    const request = encode(SyncRequest, { from: BigInt(from), to: BigInt(Math.min(to, from + MAX_BLOCKS_PER_RESPONSE - 1)) })
    const response = decode(
      SyncResponse,
      await this.#transport.request(peer, this.#protocols.blocks, request, { timeoutMs: 15_000, maxResponseBytes: MAX_RESPONSE_BYTES }),
    )
    if (response.blocks.length === 0) throw this.#bad(peer, from, 'peer returned no blocks although it reported a higher height')
    let applied = 0
    for (const bytes of response.blocks) {
      if (options.stopped?.()) break
      await this.applyBlock(peer, bytes)
      applied++
    }
    return applied
  }

  /** Verifies one served block + commit at the next height and commits it. */
  async applyBlock(peer: string, bytes: Uint8Array): Promise<void> {
    const height = this.#chain.height + 1
    let stored: ReturnType<typeof decodeStoredBlock>
    try {
      stored = decodeStoredBlock(bytes)
    } catch (error) {
      throw this.#bad(peer, height, `undecodable block record: ${(error as Error).message}`)
    }
    const { block, commit } = stored
    const tip = this.#chain.tip()
    if (block.header.height !== height) throw this.#bad(peer, height, `served block ${block.header.height}`)
    const id = blockId(block.header)
    if (commit.height !== height || commit.blockId !== id) throw this.#bad(peer, height, 'commit is not for this block')
    const blockProblem = checkBlock(block, {
      tip,
      verifier: this.#verifier,
      validatorsAt: (h) => this.#chain.validatorsAt(h),
      maxEvidenceAge: this.#chain.maxEvidenceAge,
    })
    if (blockProblem !== null) throw this.#bad(peer, height, blockProblem)
    const commitProblem = checkCommit(commit, height, id, tip.validators, this.#verifier)
    if (commitProblem !== null) throw this.#bad(peer, height, `commit: ${commitProblem}`)
    const verdict = await this.#chain.verifyDecided(block)
    if (!verdict.valid) throw this.#bad(peer, height, `execution: ${verdict.reason ?? 'invalid'}`)
    await this.#chain.commitBlock(block, commit)
  }

  #bad(peer: string, height: number, reason: string): NodeError {
    this.#transport.penalize(peer, reason)
    this.#log.warn({ peer, height, reason }, 'peer served a block that does not verify')
    return new NodeError('SYNC_FAILED', `block ${height} from ${peer}: ${reason}`, { peer, height, reason })
  }
}

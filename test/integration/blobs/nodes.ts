import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobExchange, BlobStore, DEFAULT_FETCH_LIMITS, type BlobFetchLimits } from '../../../src/blobs/index.js'
import type { P2PHost } from '../../../src/p2p/index.js'
import { HostPool, silent } from '../p2p/hosts.js'

export interface BlobPeer {
  host: P2PHost
  store: BlobStore
  exchange: BlobExchange
  penalties: { peer: string; reason: string }[]
}

/** Real hosts on loopback, each with a level blob store in a temp dir and bitswap on the host. */
export class BlobPeers {
  readonly #pool = new HostPool()
  readonly #peers: BlobPeer[] = []
  readonly #dir = mkdtempSync(join(tmpdir(), 'fedra-blob-peers-'))
  readonly #fastPath: boolean

  /** `fastPath`: whether peers speak /fedra/blocks/1.0.0 unless start() says otherwise (false: bitswap only, as an IPFS peer). */
  constructor(options: { fastPath?: boolean } = {}) {
    this.#fastPath = options.fastPath ?? true
  }

  async start(
    index: number,
    options: {
      bootstrap?: string[]
      limits?: Partial<BlobFetchLimits>
      prepare?: (store: BlobStore) => Promise<void>
      fastPath?: boolean
    } = {},
  ): Promise<BlobPeer> {
    const host = await this.#pool.start(index, { bootstrap: options.bootstrap ?? [] })
    const store = new BlobStore({
      directory: join(this.#dir, String(index)),
      maxBytes: 256 * 1024 * 1024,
      maxBlobBytes: 64 * 1024 * 1024,
      gcGraceMs: 60_000,
    })
    await store.open()
    await options.prepare?.(store)
    const penalties: BlobPeer['penalties'] = []
    const exchange = new BlobExchange({
      store,
      libp2p: host.libp2p,
      penalize: (peer, reason) => {
        penalties.push({ peer, reason })
        host.penalize(peer, reason)
      },
      limits: { ...DEFAULT_FETCH_LIMITS, ...options.limits },
      log: silent,
      fastPath: options.fastPath ?? this.#fastPath,
    })
    await exchange.start()
    const peer = { host, store, exchange, penalties }
    this.#peers.push(peer)
    return peer
  }

  async stopAll(): Promise<void> {
    const peers = this.#peers.splice(0)
    await Promise.all(peers.map((peer) => peer.exchange.stop()))
    await this.#pool.stopAll()
    await Promise.all(peers.map((peer) => peer.store.close()))
    rmSync(this.#dir, { recursive: true, force: true })
  }
}

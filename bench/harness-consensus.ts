/**
 * The consensus bench's load generator and in-process measurements: a libp2p peer that gossips
 * pre-signed transactions at a rate and reads the committed blocks back over block sync.
 */
import { verify as nodeVerify, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { decode, encode } from '../src/codec/index.js'
import {
  type ConsensusMessage,
  type Validator,
  blockId,
  decodeConsensusMessage,
  ed25519Verifier,
  encodeConsensusMessage,
  keySigner,
} from '../src/consensus/index.js'
import { PrivateKey, signBytes, toHex } from '../src/crypto/index.js'
import type { NodeProcess } from '../src/devnet/process.js'
import { type StoredBlock, decodeStoredBlock } from '../src/node/block-store.js'
import { syncProtocols } from '../src/node/block-sync.js'
import { SyncRequest, SyncResponse, TxBatch } from '../src/node/schemas.js'
import { P2PHost, topicsFor } from '../src/p2p/index.js'
import { txHash } from '../src/state/index.js'

export const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

// CPU seconds a process has used (user + system), from /proc: independent of how many other
// processes share the cores, unlike wall time.
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

export interface LoadResult {
  offered: number
  offeredRate: number
  /** Offered transactions found in a block. */
  committed: number
  /** Of those, the ones in blocks whose header time is within the load window. */
  inWindow: number
  windowSeconds: number
  /** inWindow over the window: the sustained rate while the load was offered. */
  windowRate: number
  /** committed over the window extended to the last including block (the drain counted). */
  committedRate: number
  latencies: number[]
  blocks: StoredBlock[]
  cpuPerTx: number[]
  generatorCpuPerTx: number
}

export class LoadGenerator {
  readonly #host: P2PHost
  readonly #chainId: string
  readonly #nodes: NodeProcess[]
  readonly #tickMs: number

  private constructor(host: P2PHost, chainId: string, nodes: NodeProcess[], tickMs: number) {
    this.#host = host
    this.#chainId = chainId
    this.#nodes = nodes
    this.#tickMs = tickMs
  }

  static async connect(chainId: string, bootstrap: string[], nodes: NodeProcess[], tickMs: number): Promise<LoadGenerator> {
    const host = await P2PHost.create({ seed: new Uint8Array(32).fill(7), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap })
    await host.start()
    const { waitFor } = await import('../src/devnet/process.js')
    await waitFor('load generator connected to every validator', async () => host.peers().length >= nodes.length, 30_000)
    return new LoadGenerator(host, chainId, nodes, tickMs)
  }

  /** Validator 0's committed height; a node busy draining an overload answers late, so this waits (≤ 60 s) rather than fail on one slow /status. */
  async height(): Promise<number> {
    const { waitFor } = await import('../src/devnet/process.js')
    const status = await waitFor('validator 0 to answer /status', async () => (await this.#nodes[0]!.status(5_000)) ?? undefined, 60_000)
    return status.height
  }

  /** Blocks from..to (inclusive) over the block-sync protocol, 100 per request. */
  async blocks(from: number, to: number): Promise<StoredBlock[]> {
    const sync = syncProtocols(this.#chainId)
    const out: StoredBlock[] = []
    for (let h = from; h <= to; h += 100) {
      const peer = this.#host.peers()[0]!.id
      const request = encode(SyncRequest, { from: BigInt(h), to: BigInt(Math.min(to, h + 99)) })
      const bytes = await this.#host.request(peer, sync.blocks, request, { timeoutMs: 10_000, maxResponseBytes: 64 * 1024 * 1024 })
      out.push(...decode(SyncResponse, bytes).blocks.map(decodeStoredBlock))
    }
    return out
  }

  /** Gossips `txs` at `rate` tx/s in one batch per tick, waits for the pools to drain (≤ 60 s), reads the blocks back. */
  async run(txs: Uint8Array[], rate: number): Promise<LoadResult> {
    const topics = topicsFor(this.#chainId)
    const sentAt = new Map<string, number>()
    const from = await this.height()
    const cpuBefore = this.#nodes.map((n) => cpuSeconds(n.pid))
    const generatorBefore = process.cpuUsage()
    const perTick = Math.max(1, Math.round((rate * this.#tickMs) / 1000))
    const start = Date.now()
    let sent = 0
    while (sent < txs.length) {
      const due = Math.min(txs.length, Math.floor(((Date.now() - start) / 1000) * rate) + perTick)
      if (due > sent) {
        const batch = txs.slice(sent, due)
        const now = Date.now()
        for (const tx of batch) sentAt.set(toHex(txHash(tx)), now)
        for (let i = 0; i < batch.length; i += 500) await this.#host.publish(topics.txs, encode(TxBatch, { txs: batch.slice(i, i + 500) }))
        sent = due
      }
      await new Promise((r) => setTimeout(r, this.#tickMs))
    }
    const end = Date.now()
    const drained = async () => (await Promise.all(this.#nodes.map((n) => n.status()))).every((s) => s !== null && s.mempool.size === 0)
    const { waitFor } = await import('../src/devnet/process.js')
    await waitFor('mempools drained', drained, 60_000).catch(() => {})
    const to = await this.height()
    const cpuUsed = this.#nodes.map((n, i) => cpuSeconds(n.pid) - cpuBefore[i]!)
    const generatorCpu = process.cpuUsage(generatorBefore)
    const blocks = await this.blocks(from + 1, to)
    const latencies: number[] = []
    let inWindow = 0
    let lastTime = 0
    for (const { block } of blocks) {
      for (const tx of block.txs) {
        const at = sentAt.get(toHex(txHash(tx)))
        if (at === undefined) continue
        latencies.push(block.header.time - at)
        lastTime = Math.max(lastTime, block.header.time)
        if (block.header.time <= end) inWindow++
      }
    }
    latencies.sort((a, b) => a - b)
    const windowSeconds = (end - start) / 1000
    const perTx = (cpu: number) => (cpu * 1000) / Math.max(1, latencies.length)
    return {
      offered: txs.length,
      offeredRate: rate,
      committed: latencies.length,
      inWindow,
      windowSeconds,
      windowRate: inWindow / windowSeconds,
      committedRate: latencies.length / Math.max(0.001, (Math.max(lastTime, end) - start) / 1000),
      latencies,
      blocks,
      cpuPerTx: cpuUsed.map(perTx),
      generatorCpuPerTx: perTx((generatorCpu.user + generatorCpu.system) / 1e6),
    }
  }

  async stop(): Promise<void> {
    await this.#host.stop()
  }
}

/** node:crypto ed25519 verifications per second in this process (best of 5 runs of 2,000). */
export function rawVerifyRate(): number {
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(9))
  const spki = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.publicKey.bytes]),
    format: 'der',
    type: 'spki',
  })
  const messages = Array.from({ length: 2000 }, (_, i) => new Uint8Array(200).fill(i & 0xff))
  const signed = messages.map((m) => ({ bytes: signBytes('tx', 'fedra-bench', m), signature: key.sign('tx', 'fedra-bench', m) }))
  let best = Infinity
  for (let run = 0; run < 5; run++) {
    const started = performance.now()
    for (const { bytes, signature } of signed) if (!nodeVerify(null, bytes, spki, signature)) throw new Error('raw verify failed')
    best = Math.min(best, performance.now() - started)
  }
  return signed.length / (best / 1000)
}

export interface VerdictCacheSaving {
  proposalMs: number
  voteMs: number
  messagesPerHeight: number
  txsPerBlock: number
  /** CPU a validator no longer spends per committed tx on judging each consensus message a second time. */
  perTxMs: number
}

/**
 * What the gossip verdict cache saves, from measured parts: before the fix every consensus
 * message a validator received over gossip was decoded and signature-checked twice (validate,
 * then deliver). Per height a validator receives one proposal (carrying the block) and a prevote
 * and a precommit from each of the other validators; their second judging is timed here on the
 * median load block, and spread over that block's transactions.
 */
export function verdictCacheSaving(chainId: string, blocks: StoredBlock[], validators: number): VerdictCacheSaving {
  const sorted = [...blocks].sort((a, b) => a.block.txs.length - b.block.txs.length)
  const { block } = sorted[Math.floor(sorted.length / 2)] ?? sorted[0]!
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(11))
  const signer = keySigner(key, chainId)
  const validator: Validator = { address: key.publicKey.address, publicKey: key.publicKey.bytes, votingPower: 10n }
  const verifier = ed25519Verifier(chainId)
  const unsignedProposal = {
    height: block.header.height,
    round: 0,
    valueId: blockId(block.header),
    polRound: -1,
    proposer: key.publicKey.address,
  }
  const proposal: ConsensusMessage = {
    type: 'proposal',
    proposal: { ...unsignedProposal, signature: signer.signProposal(unsignedProposal) },
    block,
  }
  const unsignedVote = {
    type: 'prevote' as const,
    height: block.header.height,
    round: 0,
    valueId: blockId(block.header),
    validator: key.publicKey.address,
  }
  const vote: ConsensusMessage = { type: 'vote', vote: { ...unsignedVote, signature: signer.signVote(unsignedVote) } }
  const judge = (bytes: Uint8Array) => {
    const message = decodeConsensusMessage(bytes)
    if (message.type === 'proposal') {
      if (!verifier.verifyProposal(message.proposal, validator) || blockId(message.block.header) !== message.proposal.valueId)
        throw new Error('bad proposal')
    } else if (message.type === 'vote' && !verifier.verifyVote(message.vote, validator)) throw new Error('bad vote')
  }
  const time = (bytes: Uint8Array, runs: number) => {
    judge(bytes)
    const samples: number[] = []
    for (let i = 0; i < runs; i++) {
      const started = performance.now()
      judge(bytes)
      samples.push(performance.now() - started)
    }
    return quantile(
      samples.sort((a, b) => a - b),
      0.5,
    )
  }
  const proposalMs = time(encodeConsensusMessage(proposal), 21)
  const voteMs = time(encodeConsensusMessage(vote), 201)
  const votes = 2 * (validators - 1)
  const txsPerBlock = Math.max(1, block.txs.length)
  return { proposalMs, voteMs, messagesPerHeight: 1 + votes, txsPerBlock, perTxMs: (proposalMs + votes * voteMs) / txsPerBlock }
}

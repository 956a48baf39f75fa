/**
 * The blobs bench's providing node as its own process (what a peer on another machine is): a
 * libp2p host with a BlobService that puts the blobs the parent asks for, serves them over
 * `/fedra/blocks/1.0.0` and bitswap, serves the bench's plain libp2p copy protocol, and a raw
 * TCP server that sends the first N bytes of the same source (the raw baseline, also across
 * processes). Talks to bench/blobs.ts over the fork IPC channel.
 */
import { createCipheriv } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { type Socket, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as lp from 'it-length-prefixed'
import { pino } from 'pino'
import { BlobService, DEFAULT_BLOBS_CONFIG } from '../src/blobs/index.js'
import { P2PHost } from '../src/p2p/index.js'

export const COPY_PROTOCOL = '/fedra-bench/copy/1.0.0'
export const MiB = 1024 * 1024

/** Deterministic bytes of `length` for `seed` (AES-CTR of zeros), the same in both processes. */
export function bytesOf(length: number, seed: number): Uint8Array {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed)
  return new Uint8Array(createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length)))
}

export type ProviderRequest = { type: 'put'; size: number; seed: number } | { type: 'stop' }
export type ProviderReply = { type: 'ready'; peerId: string; addresses: string[]; tcpPort: number } | { type: 'put'; cid: string }

async function main(): Promise<void> {
  const send = (reply: ProviderReply) => process.send!(reply)
  const silent = pino({ level: 'silent' })
  const dir = mkdtempSync(join(tmpdir(), 'fedra-bench-provider-'))
  const copySource = bytesOf(40 * MiB, 99)
  const host = await P2PHost.create({
    seed: Object.assign(new Uint8Array(32), { 0: 0xbe, 31: 1 }),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    log: silent,
  })
  const fetch = JSON.parse(process.env.FEDRA_BENCH_FETCH ?? '{}') as Partial<typeof DEFAULT_BLOBS_CONFIG.fetch>
  const blobs = new BlobService({
    directory: join(dir, 'store'),
    config: { ...DEFAULT_BLOBS_CONFIG, fetch: { ...DEFAULT_BLOBS_CONFIG.fetch, ...fetch } },
    libp2p: host.libp2p,
    penalize: (p, r) => host.penalize(p, r),
    peers: () => host.peers().map((p) => p.id),
    log: silent,
    fastPath: true,
  })
  await blobs.open()
  await host.start()
  await blobs.start()
  await host.libp2p.handle(COPY_PROTOCOL, async (stream) => {
    for await (const request of lp.decode(stream)) {
      const size = Buffer.from(request.subarray()).readUInt32BE(0)
      for (let offset = 0; offset < size; offset += 256 * 1024) {
        if (!stream.send(lp.encode.single(copySource.subarray(offset, Math.min(size, offset + 256 * 1024))))) await stream.onDrain()
      }
    }
    await stream.close()
  })
  // Raw baseline: each connection asks for N bytes (4 bytes, big-endian) and gets them.
  const sockets = new Set<Socket>()
  const tcp = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.once('data', (request) => socket.end(copySource.subarray(0, Buffer.from(request).readUInt32BE(0))))
  })
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve))
  const stop = async () => {
    for (const socket of sockets) socket.destroy()
    tcp.close()
    await blobs.stop()
    await host.stop()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('disconnect', () => void stop())
  process.on('message', (message: ProviderRequest) => {
    if (message.type === 'stop') void stop()
    else void blobs.put(bytesOf(message.size, message.seed)).then(({ cid }) => send({ type: 'put', cid: cid.toString() }))
  })
  send({ type: 'ready', peerId: host.peerId, addresses: host.addresses(), tcpPort: (tcp.address() as { port: number }).port })
}

if (process.send !== undefined) await main()

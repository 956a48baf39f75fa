/**
 * The parameter store on loopback: put (chunk + hash + one level batch) and fetch (walk, verify,
 * store) of 1 MiB and 40 MiB blobs between two real libp2p hosts in this process, each as a ratio
 * to a raw TCP copy of the same bytes between two sockets in this process (target ≥ 0.3×); and
 * the CPU of UnixFS chunking + hashing per MiB against one raw sha256 over the same bytes
 * (target ≤ 2×). Best of several runs, as the other benches.
 *
 * Fetch is measured three ways in the same run: Fedra to Fedra (`/fedra/blocks/1.0.0`, what a
 * node uses), bitswap alone (a third host with the fast path off: what an IPFS peer gets), and
 * for reference the same bytes as 256 KiB frames on one libp2p stream between the two hosts
 * (noise + yamux, no store): the most any protocol on this host can reach.
 *   npm run bench -- blobs [--repeats N] [--max-wants N (blobs.fetch.maxWants)]
 */
import { createHash, createCipheriv } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { peerIdFromString } from '@libp2p/peer-id'
import { join } from 'node:path'
import * as lp from 'it-length-prefixed'
import { pino } from 'pino'
import { BlobService, DEFAULT_BLOBS_CONFIG, buildUnixfsFile } from '../src/blobs/index.js'
import { BLOCKS_PROTOCOL } from '../src/blobs/blocks-protocol.js'
import { P2PHost } from '../src/p2p/index.js'
import { type Measurement, report } from './harness.js'
type BlobCid = ReturnType<typeof buildUnixfsFile>['root']

const MiB = 1024 * 1024
const repeatsArg = process.argv.indexOf('--repeats')
const REPEATS = repeatsArg >= 0 ? Number(process.argv[repeatsArg + 1]) : 3
const wantsArg = process.argv.indexOf('--max-wants')
const FETCH = { ...DEFAULT_BLOBS_CONFIG.fetch, ...(wantsArg >= 0 ? { maxWants: Number(process.argv[wantsArg + 1]) } : {}) }
const silent = pino({ level: 'silent' })

function bytesOf(length: number, seed: number): Uint8Array {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed)
  return new Uint8Array(createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length)))
}

/** Best wall time of `runs` (warm-up excluded) as a MiB/s rate. */
async function best(name: string, size: number, runs: number, run: (i: number) => Promise<void> | void): Promise<Measurement> {
  await run(-1)
  let seconds = Infinity
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    await run(i)
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9)
  }
  return { name, opsPerSecond: size / MiB / seconds, secondsPerRun: seconds }
}

async function tcpCopy(bytes: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let received = 0
    const server = createServer((socket) => {
      socket.on('data', (chunk) => {
        received += chunk.length
        if (received === bytes.length) {
          socket.destroy()
          server.close(() => resolve())
        }
      })
    })
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      const client = connect(port, '127.0.0.1', () => client.end(bytes))
      client.on('error', reject)
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'fedra-bench-blobs-'))
const seed = (i: number) => Object.assign(new Uint8Array(32), { 0: 0xbe, 31: i })
const hosts: P2PHost[] = []
const services: BlobService[] = []
async function node(index: number, bootstrap: string[], fastPath = true): Promise<{ host: P2PHost; blobs: BlobService }> {
  const host = await P2PHost.create({ seed: seed(index), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, log: silent })
  const blobs = new BlobService({ directory: join(dir, String(index)), config: { ...DEFAULT_BLOBS_CONFIG, fetch: FETCH }, libp2p: host.libp2p, penalize: (p, r) => host.penalize(p, r), peers: () => host.peers().map((p) => p.id), log: silent, fastPath })
  await blobs.open()
  await host.start()
  await blobs.start()
  hosts.push(host)
  services.push(blobs)
  return { host, blobs }
}

/** Until identify has told `host` that `peer` speaks the fast path. */
async function untilSpeaks(host: P2PHost, peer: string): Promise<void> {
  const id = peerIdFromString(peer)
  while (!(await host.libp2p.peerStore.get(id).then((info) => info.protocols.includes(BLOCKS_PROTOCOL), () => false))) await new Promise((resolve) => setTimeout(resolve, 20))
}

try {
  const a = await node(1, [])
  const b = await node(2, a.host.addresses())
  // An IPFS-like fetcher: bitswap only.
  const c = await node(3, a.host.addresses(), false)
  while (b.host.peers().length === 0 || c.host.peers().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
  await untilSpeaks(b.host, a.host.peerId)
  const COPY_PROTOCOL = '/fedra-bench/copy/1.0.0'
  const copySource = bytesOf(40 * MiB, 99)
  await a.host.libp2p.handle(COPY_PROTOCOL, async (stream) => {
    for await (const request of lp.decode(stream)) {
      const size = Buffer.from(request.subarray()).readUInt32BE(0)
      for (let offset = 0; offset < size; offset += 256 * 1024) {
        if (!stream.send(lp.encode.single(copySource.subarray(offset, Math.min(size, offset + 256 * 1024))))) await stream.onDrain()
      }
    }
    await stream.close()
  })
  const copyStream = await b.host.libp2p.dialProtocol(a.host.libp2p.peerId, COPY_PROTOCOL)
  const copyFrames = lp.decode(copyStream, { maxDataLength: 1024 * 1024 })[Symbol.asyncIterator]()
  const streamCopy = async (size: number): Promise<void> => {
    const request = Buffer.alloc(4)
    request.writeUInt32BE(size)
    copyStream.send(lp.encode.single(request))
    for (let received = 0; received < size; ) received += (await copyFrames.next()).value!.length
  }
  console.log(`blobs bench: three hosts on loopback in one process (one thread), best of ${REPEATS} runs (MiB/s), blobs.fetch.maxWants ${FETCH.maxWants}`)
  for (const size of [1 * MiB, 40 * MiB]) {
    const label = `${size / MiB} MiB`
    const runs = size === MiB ? REPEATS * 4 : REPEATS
    const inputs = Array.from({ length: runs + 1 }, (_, i) => bytesOf(size, size / MiB * 1000 + i + 1))
    const cids: BlobCid[] = []
    const raw = await best(`raw TCP copy ${label}`, size, runs, () => tcpCopy(inputs[0]!))
    const put = await best(`blob put ${label} (chunk, hash, store)`, size, runs, async (i) => void cids.push((await a.blobs.put(inputs[i + 1]!)).cid))
    const stream = await best(`libp2p stream copy ${label} (noise + yamux)`, size, runs, () => streamCopy(size))
    const fetch = await best(`fetch ${label} Fedra→Fedra (verify, store)`, size, runs, async (i) => void (await b.blobs.exchange.fetch(cids[i + 1]!, { timeoutMs: 120_000 })))
    const bitswap = await best(`fetch ${label} bitswap only (verify, store)`, size, runs, async (i) => void (await c.blobs.exchange.fetch(cids[i + 1]!, { timeoutMs: 120_000 })))
    report(raw, undefined, 'MiB/s')
    report(put, raw, 'MiB/s')
    report(stream, raw, 'MiB/s')
    report(fetch, raw, 'MiB/s')
    console.log(`${''.padEnd(44)} ${''.padStart(14)}        ratio ${(fetch.opsPerSecond / stream.opsPerSecond).toFixed(2)}× libp2p stream copy ${label}`)
    report(bitswap, raw, 'MiB/s')
  }
  // Interleaved, so both meet the same load from the other processes on the machine.
  const sample = bytesOf(40 * MiB, 7)
  let [shaSeconds, chunkSeconds] = [Infinity, Infinity]
  for (let i = 0; i < REPEATS * 4; i++) {
    let start = process.hrtime.bigint()
    createHash('sha256').update(sample).digest()
    shaSeconds = Math.min(shaSeconds, Number(process.hrtime.bigint() - start) / 1e9)
    start = process.hrtime.bigint()
    buildUnixfsFile(sample)
    chunkSeconds = Math.min(chunkSeconds, Number(process.hrtime.bigint() - start) / 1e9)
  }
  const sha: Measurement = { name: 'raw sha256 40 MiB', opsPerSecond: 40 / shaSeconds, secondsPerRun: shaSeconds }
  const chunk: Measurement = { name: 'UnixFS chunk + hash 40 MiB (kubo v1 DAG)', opsPerSecond: 40 / chunkSeconds, secondsPerRun: chunkSeconds }
  report(sha, undefined, 'MiB/s')
  report(chunk, sha, 'MiB/s')
  console.log(`CPU per MiB: chunk + hash ${(1000 / chunk.opsPerSecond).toFixed(2)} ms, raw sha256 ${(1000 / sha.opsPerSecond).toFixed(2)} ms: ${(sha.opsPerSecond / chunk.opsPerSecond).toFixed(2)}× (target ≤ 2×)`)
} finally {
  for (const service of services) await service.stop()
  for (const host of hosts) await host.stop()
  rmSync(dir, { recursive: true, force: true })
}

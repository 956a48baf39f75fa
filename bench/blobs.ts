/**
 * The parameter store on loopback: put (chunk + hash + one level batch) and fetch (walk, verify,
 * store) of 1 MiB and 40 MiB blobs between real libp2p hosts, each as a ratio to a raw TCP copy
 * of the same bytes measured in the same run (target ≥ 0.3×); and the CPU of UnixFS chunking +
 * hashing per MiB against one raw sha256 over the same bytes (target ≤ 2×). Best of several
 * runs, as the other benches.
 *
 * The providing node runs in its own process by default (`--provider process`: two nodes are
 * two processes, and each side of every transfer, the raw TCP copy included, runs on its own
 * thread); `--provider same` keeps all hosts and both ends of the raw copy in this one thread,
 * as the bench did before (its figures in docs/perf.md are of that mode).
 *
 * Fetch is measured three ways in the same run: Fedra to Fedra (`/fedra/blocks/1.0.0`, what a
 * node uses), bitswap alone (a host with the fast path off: what an IPFS peer gets), and for
 * reference the same bytes as 256 KiB frames on one libp2p stream (noise + yamux, no store):
 * the most any protocol on these hosts can reach.
 *   npm run bench -- blobs [--repeats N] [--max-wants N (blobs.fetch.maxWants)] [--provider process|same]
 */
import { type ChildProcess, fork } from 'node:child_process'
import { createHash } from 'node:crypto'
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
import { COPY_PROTOCOL, MiB, type ProviderReply, type ProviderRequest, bytesOf } from './harness-blob-provider.js'
import { type Measurement, report } from './harness.js'
import { CID } from 'multiformats/cid'
type BlobCid = ReturnType<typeof buildUnixfsFile>['root']
const repeatsArg = process.argv.indexOf('--repeats')
const REPEATS = repeatsArg >= 0 ? Number(process.argv[repeatsArg + 1]) : 3
const wantsArg = process.argv.indexOf('--max-wants')
const FETCH = { ...DEFAULT_BLOBS_CONFIG.fetch, ...(wantsArg >= 0 ? { maxWants: Number(process.argv[wantsArg + 1]) } : {}) }
const providerArg = process.argv.indexOf('--provider')
const PROVIDER = providerArg >= 0 ? process.argv[providerArg + 1] : 'process'
if (PROVIDER !== 'process' && PROVIDER !== 'same') throw new Error('--provider must be process or same')
const silent = pino({ level: 'silent' })

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
  const blobs = new BlobService({
    directory: join(dir, String(index)),
    config: { ...DEFAULT_BLOBS_CONFIG, fetch: FETCH },
    libp2p: host.libp2p,
    penalize: (p, r) => host.penalize(p, r),
    peers: () => host.peers().map((p) => p.id),
    log: silent,
    fastPath,
  })
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
  while (
    !(await host.libp2p.peerStore.get(id).then(
      (info) => info.protocols.includes(BLOCKS_PROTOCOL),
      () => false,
    ))
  )
    await new Promise((resolve) => setTimeout(resolve, 20))
}

/** The node that holds the blobs and the raw copy's sending end: here, or its own process. */
interface Provider {
  peerId: string
  addresses: string[]
  /** Puts bytesOf(size, seed) on the provider; its CID. */
  put(size: number, seed: number): Promise<BlobCid>
  /** The raw baseline: `size` bytes from the provider's side to this one over plain TCP. */
  rawCopy(size: number): Promise<void>
  close(): Promise<void>
}

async function sameProcessProvider(): Promise<Provider> {
  const a = await node(1, [])
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
  return {
    peerId: a.host.peerId,
    addresses: a.host.addresses(),
    put: async (size, seed) => (await a.blobs.put(bytesOf(size, seed))).cid,
    rawCopy: (size) => tcpCopy(copySource.subarray(0, size)),
    close: async () => {},
  }
}

async function childProcessProvider(): Promise<Provider> {
  const child: ChildProcess = fork(new URL('./harness-blob-provider.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FEDRA_BENCH_FETCH: JSON.stringify(FETCH) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const replies: ProviderReply[] = []
  let waiting: (() => void) | null = null
  child.on('message', (reply: ProviderReply) => {
    replies.push(reply)
    waiting?.()
  })
  const next = async (): Promise<ProviderReply> => {
    while (replies.length === 0) {
      if (child.exitCode !== null) throw new Error(`the provider process exited (${child.exitCode})`)
      await new Promise<void>((resolve) => {
        waiting = resolve
        setTimeout(resolve, 1000)
      })
    }
    return replies.shift()!
  }
  const ready = await next()
  if (ready.type !== 'ready') throw new Error('the provider did not start')
  const ask = (request: ProviderRequest) => child.send(request)
  return {
    peerId: ready.peerId,
    addresses: ready.addresses,
    async put(size, seed) {
      ask({ type: 'put', size, seed })
      const reply = await next()
      if (reply.type !== 'put') throw new Error('unexpected provider reply')
      return CID.parse(reply.cid) as unknown as BlobCid
    },
    rawCopy: (size) =>
      new Promise<void>((resolve, reject) => {
        let received = 0
        const socket = connect(ready.tcpPort, '127.0.0.1', () => {
          const request = Buffer.alloc(4)
          request.writeUInt32BE(size)
          socket.write(request)
        })
        socket.on('data', (chunk) => {
          received += chunk.length
        })
        socket.on('end', () => (received === size ? resolve() : reject(new Error(`raw copy got ${received} of ${size} bytes`))))
        socket.on('error', reject)
      }),
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      ask({ type: 'stop' })
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

let provider: Provider | undefined
try {
  provider = PROVIDER === 'process' ? await childProcessProvider() : await sameProcessProvider()
  const b = await node(2, provider.addresses)
  // An IPFS-like fetcher: bitswap only.
  const c = await node(3, provider.addresses, false)
  while (b.host.peers().length === 0 || c.host.peers().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
  await untilSpeaks(b.host, provider.peerId)
  const copyStream = await b.host.libp2p.dialProtocol(peerIdFromString(provider.peerId), COPY_PROTOCOL)
  const copyFrames = lp.decode(copyStream, { maxDataLength: 1024 * 1024 })[Symbol.asyncIterator]()
  const streamCopy = async (size: number): Promise<void> => {
    const request = Buffer.alloc(4)
    request.writeUInt32BE(size)
    copyStream.send(lp.encode.single(request))
    for (let received = 0; received < size; ) received += (await copyFrames.next()).value!.length
  }
  console.log(
    `blobs bench: three hosts on loopback, the provider ${PROVIDER === 'process' ? 'in its own process' : 'in this process (one thread)'}, best of ${REPEATS} runs (MiB/s), blobs.fetch.maxWants ${FETCH.maxWants}`,
  )
  for (const size of [1 * MiB, 40 * MiB]) {
    const label = `${size / MiB} MiB`
    const runs = size === MiB ? REPEATS * 4 : REPEATS
    const seedOf = (i: number) => (size / MiB) * 1000 + i + 1
    // What the provider holds (for the fetches) and what this side puts (other bytes: a fetch of
    // bytes already here would be a no-op).
    const cids: BlobCid[] = []
    for (let i = -1; i < runs; i++) cids.push(await provider.put(size, seedOf(i)))
    const local = Array.from({ length: runs + 1 }, (_, i) => bytesOf(size, 500_000 + seedOf(i)))
    const raw = await best(`raw TCP copy ${label}`, size, runs, () => provider!.rawCopy(size))
    const put = await best(`blob put ${label} (chunk, hash, store)`, size, runs, async (i) => void (await b.blobs.put(local[i + 1]!)))
    const stream = await best(`libp2p stream copy ${label} (noise + yamux)`, size, runs, () => streamCopy(size))
    const fetch = await best(
      `fetch ${label} Fedra→Fedra (verify, store)`,
      size,
      runs,
      async (i) => void (await b.blobs.exchange.fetch(cids[i + 1]!, { timeoutMs: 120_000 })),
    )
    // Bitswap fetches the same blobs as C (a store of its own).
    const bitswap = await best(
      `fetch ${label} bitswap only (verify, store)`,
      size,
      runs,
      async (i) => void (await c.blobs.exchange.fetch(cids[i + 1]!, { timeoutMs: 120_000 })),
    )
    report(raw, undefined, 'MiB/s')
    report(put, raw, 'MiB/s')
    report(stream, raw, 'MiB/s')
    report(fetch, raw, 'MiB/s')
    console.log(
      `${''.padEnd(44)} ${''.padStart(14)}        ratio ${(fetch.opsPerSecond / stream.opsPerSecond).toFixed(2)}× libp2p stream copy ${label}`,
    )
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
  const chunk: Measurement = {
    name: 'UnixFS chunk + hash 40 MiB (kubo v1 DAG)',
    opsPerSecond: 40 / chunkSeconds,
    secondsPerRun: chunkSeconds,
  }
  report(sha, undefined, 'MiB/s')
  report(chunk, sha, 'MiB/s')
  console.log(
    `CPU per MiB: chunk + hash ${(1000 / chunk.opsPerSecond).toFixed(2)} ms, raw sha256 ${(1000 / sha.opsPerSecond).toFixed(2)} ms: ${(sha.opsPerSecond / chunk.opsPerSecond).toFixed(2)}× (target ≤ 2×)`,
  )
} finally {
  await provider?.close()
  for (const service of services) await service.stop()
  for (const host of hosts) await host.stop()
  rmSync(dir, { recursive: true, force: true })
}

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  BlobError,
  BlobService,
  DEFAULT_BLOBS_CONFIG,
  blobHttpRoutes,
  buildUnixfsFile,
  formatCid,
  registerBlobMethods,
} from '../../../src/blobs/index.js'
import type { P2PHost } from '../../../src/p2p/index.js'
import { type RpcBackend, type RpcServer, createRpcServer } from '../../../src/rpc/index.js'
import { HostPool, silent, waitFor } from '../p2p/hosts.js'
import { KiB, pseudoRandomBytes } from '../../unit/blobs/fixtures.js'

/** Only what the server's subscription hub touches at start; blob methods never reach the chain. */
const chainless = {
  chainId: 'blobs-test',
  onCommittedBlock: () => () => {},
  status: async () => ({ latestHeight: 0, earliestHeight: 0 }),
} as unknown as RpcBackend

const MAX_BLOB = 600 * KiB

describe('blobs: JSON-RPC methods and the /blobs routes', function () {
  this.timeout(20_000)
  const pool = new HostPool()
  let dir: string
  let host: P2PHost
  let service: BlobService
  let server: RpcServer
  let putOutcomes: string[]

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-blob-rpc-'))
    host = await pool.start(131)
    service = new BlobService({
      directory: join(dir, 'blobs'),
      config: { ...DEFAULT_BLOBS_CONFIG, maxBytes: 2 * 1024 * 1024 },
      libp2p: host.libp2p,
      penalize: (peer, reason) => host.penalize(peer, reason),
      peers: () => host.peers().map((peer) => peer.id),
      log: silent,
    })
    await service.open()
    await service.start()
    putOutcomes = []
    const put = service.put.bind(service)
    service.put = async (...args) => {
      try {
        const result = await put(...args)
        putOutcomes.push('stored')
        return result
      } catch (error) {
        putOutcomes.push(error instanceof BlobError ? error.code : String(error))
        throw error
      }
    }
    const deps = { blobs: service, peerId: host.peerId, maxBlobBytes: MAX_BLOB, log: silent }
    server = await createRpcServer({
      backend: chainless,
      listen: { host: '127.0.0.1', port: 0 },
      log: silent,
      extend: (table) => registerBlobMethods(table, deps),
      httpRoutes: blobHttpRoutes(deps),
    })
  })
  after(async () => {
    await server.close()
    await service.stop()
    await pool.stopAll()
    rmSync(dir, { recursive: true, force: true })
  })

  const call = async (method: string, params: Record<string, unknown>) => {
    const response = await fetch(server.address.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
    return (await response.json()) as { result?: any; error?: { code: number; data: any } }
  }

  it('blob_put answers the kubo CID and blob_get, blob_stat and blob_providers see the blob', async () => {
    const bytes = pseudoRandomBytes(300 * KiB, 1)
    const put = await call('blob_put', { data: Buffer.from(bytes).toString('base64'), pin: true })
    assert.deepEqual(put.result, { cid: formatCid(buildUnixfsFile(bytes).root), size: bytes.length, blocks: 3, created: true })
    const got = await call('blob_get', { cid: put.result.cid })
    assert.ok(Buffer.from(got.result.data, 'base64').equals(bytes))
    const stat = await call('blob_stat', { cid: put.result.cid })
    assert.deepEqual([stat.result.local, stat.result.size, stat.result.blocks, stat.result.pins], [true, bytes.length, 3, ['user']])
    assert.deepEqual((await call('blob_providers', { cid: put.result.cid })).result.providers, [host.peerId])
    assert.deepEqual((await call('blob_stat', { cid: formatCid(buildUnixfsFile(new Uint8Array([5])).root) })).result.local, false)
  })

  it('refuses a malformed CID with -32602 INVALID_CID and another codec or hash with -32013 UNSUPPORTED_CID', async () => {
    const bad = await call('blob_stat', { cid: 'bafy-not-a-cid' })
    assert.deepEqual([bad.error?.code, bad.error?.data.code], [-32602, 'INVALID_CID'])
    const other = CID.createV1(json.code, await sha256.digest(new Uint8Array([1]))).toString()
    const unsupported = await call('blob_get', { cid: other })
    assert.deepEqual([unsupported.error?.code, unsupported.error?.data.code], [-32013, 'UNSUPPORTED_CID'])
  })

  it('refuses bad base64 with -32602 and a blob over rpc.limits.maxBlobBytes with -32013 TOO_LARGE', async () => {
    assert.equal((await call('blob_put', { data: 'abc' })).error?.code, -32602)
    const big = await call('blob_put', { data: Buffer.from(pseudoRandomBytes(MAX_BLOB + 1, 2)).toString('base64') })
    assert.deepEqual([big.error?.code, big.error?.data.code, big.error?.data.limit], [-32013, 'TOO_LARGE', MAX_BLOB])
  })

  it('answers -32001 for a blob that is not local with localOnly, and -32002 FETCH_TIMEOUT when no peer has it', async () => {
    const absent = formatCid(buildUnixfsFile(pseudoRandomBytes(10, 3)).root)
    assert.equal((await call('blob_get', { cid: absent, localOnly: true })).error?.code, -32001)
    const timedOut = await call('blob_get', { cid: absent, timeoutMs: 200 })
    assert.deepEqual([timedOut.error?.code, timedOut.error?.data.code], [-32002, 'FETCH_TIMEOUT'])
  })

  it('refuses a put over blobs.maxBytes with -32013 QUOTA_EXCEEDED', async () => {
    const uploads = [1, 2, 3, 4, 5].map((seed) => pseudoRandomBytes(500 * KiB, 10 + seed))
    let answer
    for (const bytes of uploads) {
      answer = await fetch(`${server.address.url}blobs?pin=true`, { method: 'POST', body: new Blob([bytes as Uint8Array<ArrayBuffer>]) })
      if (answer.status !== 200) break
    }
    assert.equal(answer!.status, 507)
    assert.equal(((await answer!.json()) as any).error.data.code, 'QUOTA_EXCEEDED')
  })

  it('streams POST /blobs and GET /blobs/<cid>, and answers 413 for a Content-Length over the limit before reading it', async () => {
    const bytes = pseudoRandomBytes(100 * KiB, 4)
    const posted = await fetch(`${server.address.url}blobs`, { method: 'POST', body: new Blob([bytes as Uint8Array<ArrayBuffer>]) })
    const { cid } = (await posted.json()) as { cid: string }
    assert.equal(cid, formatCid(buildUnixfsFile(bytes).root))
    const got = await fetch(`${server.address.url}blobs/${cid}`)
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(bytes))
    assert.equal((await fetch(`${server.address.url}blobs/notacid`)).status, 400)
    const tooLarge = await rawRequest(server.address.port, `POST /blobs HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BLOB + 1}\r\n\r\n`)
    assert.match(tooLarge, /^HTTP\/1.1 413/)
    assert.match(tooLarge, /TOO_LARGE/)
  })

  it('stores nothing from an upload that ends before its Content-Length (TRUNCATED)', async () => {
    const before = await service.store.list()
    const socket = connect(server.address.port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(`POST /blobs HTTP/1.1\r\nHost: x\r\nContent-Length: ${300 * KiB}\r\n\r\n`)
    socket.write(pseudoRandomBytes(100 * KiB, 5))
    const outcomes = putOutcomes.length
    socket.destroy()
    await waitFor('the truncated put refused', () => putOutcomes.length > outcomes, 5000)
    assert.equal(putOutcomes.at(-1), 'TRUNCATED')
    assert.deepEqual(await service.store.list(), before)
  })
})

/** One raw HTTP exchange: what the server answers before (or instead of) reading a body. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head))
    let text = ''
    socket.on('data', (chunk) => (text += chunk.toString('latin1')))
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

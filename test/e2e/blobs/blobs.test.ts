import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { importBytes } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { Level } from 'level'
import { RAW_CODEC, blockKey, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
import { type DevnetLayout, createDevnet } from '../../../src/devnet/layout.js'
import { NodeProcess, waitFor } from '../../../src/devnet/process.js'
import { configPath } from '../../../src/node/config.js'
import { tempDir } from '../../helpers/chain.js'
import { MiB, pseudoRandomBytes } from '../../unit/blobs/fixtures.js'

const FEDRA = fileURLToPath(new URL('../../../bin/fedra.js', import.meta.url))
const run = promisify(execFile)
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * Three validators as real `fedra start` processes in a line A — B — C (C has no connection to
 * A): a 40 MiB blob put on A with `fedra blob put` travels A → B → C over bitswap, A keeps it
 * across a restart, a blob nobody has times out, and a peer serving corrupted blocks is
 * penalised while the fetch completes from an honest one.
 */
describe('blobs: 3 nodes, real processes', function () {
  this.timeout(240_000)
  const dir = tempDir('fedra-e2e-blobs-')
  let layout: DevnetLayout
  let nodes: NodeProcess[] = []
  const [A, B, C] = [0, 1, 2]

  const url = (i: number) => `http://127.0.0.1:${layout.nodes[i]!.rpcPort}/`
  const rpc = async (i: number, method: string, params: Record<string, unknown> = {}) => {
    const response = await fetch(url(i), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
    return (await response.json()) as { result?: any; error?: any }
  }
  const peersOf = async (i: number): Promise<string[]> => ((await rpc(i, 'net_info')).result?.peers ?? []).map((p: { id: string }) => p.id)
  const fedra = (i: number, ...args: string[]) => run(process.execPath, [FEDRA, ...args, '--node', url(i)], { maxBuffer: 1 << 20 })
  const up = (i: number) =>
    waitFor(
      `${layout.nodes[i]!.name} answering`,
      async () =>
        (await nodes[i]!.status()) !== null &&
        (await rpc(i, 'blob_stat', { cid: formatCid(buildUnixfsFile(new Uint8Array()).root) })).result,
      60_000,
    )
  const setBootstrap = (i: number, peers: number[]) => {
    const path = configPath(layout.nodes[i]!.home)
    const config = JSON.parse(readFileSync(path, 'utf8'))
    config.p2p.bootstrap = peers.map((p) => layout.nodes[p]!.multiaddr)
    writeFileSync(path, JSON.stringify(config, null, 2))
  }

  const big = pseudoRandomBytes(40 * MiB, 40)
  const bigFile = join(dir.path, 'model.bin')
  let bigCid: string

  before(async () => {
    layout = await createDevnet({ dir: dir.path, validators: 3, fullNodes: 0, chainId: 'fedra-e2e-blobs', commitDelayMs: 200, accounts: 1 })
    setBootstrap(A, [B])
    setBootstrap(B, [A, C])
    setBootstrap(C, [B])
    nodes = layout.nodes.map((node) => new NodeProcess(node))
    for (const node of nodes) node.start()
    await Promise.all([A, B, C].map(up))
    await waitFor('the line A — B — C', async () => (await peersOf(B)).length === 2 && (await peersOf(A)).length === 1, 30_000)
    writeFileSync(bigFile, big)
  })

  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()))
    dir.remove()
  })

  it('fedra blob put prints the CID kubo v1 settings give the same 40 MiB (ipfs-unixfs-importer)', async () => {
    const { stdout } = await fedra(A, 'blob', 'put', bigFile)
    bigCid = stdout.trim()
    const independent = await importBytes(big, { put: async (cid: unknown) => cid } as never, {
      cidVersion: 1,
      rawLeaves: true,
      chunker: fixedSize({ chunkSize: 262144 }),
      layout: balanced({ maxChildrenPerNode: 174 }),
    })
    assert.equal(bigCid, independent.cid.toString())
    assert.match(bigCid, /^bafybei[a-z2-7]+$/)
  })

  it('C, not connected to A, gets the 40 MiB byte for byte once B has fetched it from A', async () => {
    assert.ok(!(await peersOf(C)).includes(layout.nodes[A]!.peerId))
    const viaB = await fetch(`${url(B)}blobs/${bigCid}?timeoutMs=60000`)
    assert.equal(viaB.status, 200)
    assert.equal(sha(new Uint8Array(await viaB.arrayBuffer())), sha(big))
    // Before C has it: its only provider is B (A is not connected to C).
    const before = (await rpc(C, 'blob_providers', { cid: bigCid, timeoutMs: 20_000 })).result.providers
    assert.deepEqual(before, [layout.nodes[B]!.peerId])
    const out = join(dir.path, 'fetched.bin')
    await fedra(C, 'blob', 'get', bigCid, '-o', out, '--timeout', '60000')
    assert.equal(sha(readFileSync(out)), sha(big))
    assert.ok(!(await peersOf(C)).includes(layout.nodes[A]!.peerId))
    assert.ok((await rpc(C, 'blob_providers', { cid: bigCid, timeoutMs: 1000 })).result.providers.includes(layout.nodes[C]!.peerId))
  })

  it('A keeps the blob across a restart', async () => {
    await nodes[A]!.stop()
    nodes[A]!.start()
    await up(A)
    const { stdout } = await fedra(A, 'blob', 'stat', bigCid, '--json')
    const stat = JSON.parse(stdout)
    assert.deepEqual([stat.local, stat.size, stat.blocks], [true, 40 * MiB, 161])
  })

  it('a blob nobody has ends in FETCH_TIMEOUT (exit 1), and C stores nothing of it', async () => {
    const absent = formatCid(buildUnixfsFile(pseudoRandomBytes(1000, 7)).root)
    await assert.rejects(
      fedra(C, 'blob', 'get', absent, '-o', join(dir.path, 'absent.bin'), '--timeout', '1500'),
      (error: { code?: number; stderr?: string }) => {
        assert.equal(error.code, 1)
        assert.match(error.stderr ?? '', /FETCH_TIMEOUT/)
        return true
      },
    )
    assert.equal((await rpc(C, 'blob_stat', { cid: absent })).result.local, false)
  })

  it('a peer serving corrupted blocks is penalised and the fetch completes from an honest peer', async () => {
    const bytes = pseudoRandomBytes(MiB, 8)
    const dag = buildUnixfsFile(bytes)
    const cid = formatCid(dag.root)
    assert.equal((await fetch(`${url(A)}blobs`, { method: 'POST', body: new Blob([bytes as Uint8Array<ArrayBuffer>]) })).status, 200)
    assert.equal((await fetch(`${url(B)}blobs/${cid}?timeoutMs=30000`)).status, 200)
    // B's disk rots: every leaf of the blob answers other bytes (bitswap serves without re-hashing, as kubo does).
    await nodes[B]!.stop()
    const db = new Level<string, Uint8Array>(join(layout.nodes[B]!.home, 'data', 'blobs'), { keyEncoding: 'utf8', valueEncoding: 'view' })
    const blocks = db.sublevel<string, Uint8Array>('blocks', { keyEncoding: 'utf8', valueEncoding: 'view' })
    for (const block of dag.blocks.filter((b) => b.cid.code === RAW_CODEC))
      await blocks.put(
        blockKey(block.cid),
        block.bytes.map((x) => x ^ 0xff),
      )
    await db.close()
    nodes[B]!.start()
    await up(B)
    // A is down, so C's first copies can only come from B; C may dial A and B from now on.
    await nodes[A]!.stop()
    await nodes[C]!.stop()
    setBootstrap(C, [A, B])
    nodes[C]!.start()
    await up(C)
    await waitFor('C connected to B', async () => (await peersOf(C)).includes(layout.nodes[B]!.peerId), 30_000)
    const fetching = fetch(`${url(C)}blobs/${cid}?timeoutMs=90000`)
    const penalised = () =>
      readFileSync(join(layout.nodes[C]!.home, 'node.log'), 'utf8')
        .split('\n')
        .some((line) => line.includes('"peer penalized"') && line.includes(layout.nodes[B]!.peerId))
    await waitFor('C penalising B', async () => penalised(), 30_000)
    nodes[A]!.start()
    const answer = await fetching
    assert.equal(answer.status, 200)
    assert.equal(sha(new Uint8Array(await answer.arrayBuffer())), sha(bytes))
  })
})

import assert from 'node:assert/strict'
import * as lp from 'it-length-prefixed'
import { multiaddr } from '@multiformats/multiaddr'
import { BlobError, type BlobStore, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
import { BLOCKS_PROTOCOL } from '../../../src/blobs/blocks-protocol.js'
import { waitFor } from '../p2p/hosts.js'
import { MiB, pseudoRandomBytes } from '../../unit/blobs/fixtures.js'
import { BlobPeers, type BlobPeer } from './nodes.js'

const isCode = (code: string) => (error: unknown) => error instanceof BlobError && error.code === code

/** Bitswap's reads of this store (its interface-blockstore) answer every block with a byte flipped. */
function corruptBitswapServing(store: BlobStore): void {
  const honest = store.blockstore
  async function* corruptGet(cid: Parameters<typeof honest.get>[0], options?: Parameters<typeof honest.get>[1]) {
    for await (const chunk of honest.get(cid, options)) {
      const copy = new Uint8Array(chunk)
      copy[0] = copy[0]! ^ 0xff
      yield copy
    }
  }
  const corrupting = new Proxy(honest, {
    get(target, property) {
      if (property === 'get') return corruptGet
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  Object.defineProperty(store, 'blockstore', { value: corrupting })
}

/** The store's own block reads (what /fedra/blocks serves from) answer leaves after the first `intact` with a byte flipped. */
function corruptFastPathServing(store: BlobStore, intact = 0): void {
  const honest = store.readBlock
  let leaves = 0
  Object.defineProperty(store, 'readBlock', {
    value: async (cid: Parameters<typeof honest>[0]) => {
      const bytes = await honest(cid)
      if (bytes === undefined || cid.code !== 0x55 || leaves++ < intact) return bytes
      const copy = new Uint8Array(bytes)
      copy[7] = copy[7]! ^ 0x01
      return copy
    },
  })
}

async function speaksFastPath(from: BlobPeer, to: BlobPeer): Promise<void> {
  await waitFor('identify', () => from.host.peers().length > 0)
  const deadline = Date.now() + 5000
  for (;;) {
    try {
      const peer = await from.host.libp2p.peerStore.get(to.host.libp2p.peerId)
      if (peer.protocols.includes(BLOCKS_PROTOCOL)) return
    } catch {
      // not identified yet
    }
    if (Date.now() > deadline) throw new Error('peer never announced the blocks protocol')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('blobs: /fedra/blocks/1.0.0 fast path between Fedra nodes', function () {
  this.timeout(30_000)
  const peers = new BlobPeers()
  afterEach(() => peers.stopAll())

  it('fetches a multi-level blob byte for byte over the fast path, not bitswap', async () => {
    // 175 chunks: a root over two interior nodes, so the walk goes two levels deep.
    const bytes = pseudoRandomBytes(175 * 256 * 1024 + 5, 11)
    // Its bitswap serves only corrupted blocks: a fetch that completes without a penalty came over the fast path.
    const a = await peers.start(131, {
      prepare: async (store) => {
        await store.put(bytes)
        corruptBitswapServing(store)
      },
    })
    const b = await peers.start(132, { bootstrap: a.host.addresses() })
    await speaksFastPath(b, a)
    const cid = buildUnixfsFile(bytes).root
    const fetched = await b.exchange.fetch(cid, { timeoutMs: 20_000, pin: 'user' })
    assert.deepEqual([formatCid(fetched.cid), fetched.size, fetched.created], [formatCid(cid), bytes.length, true])
    assert.ok(Buffer.from(await b.store.get(cid)).equals(bytes))
    assert.deepEqual((await b.store.stat(cid))?.pins, ['user'])
    assert.deepEqual(b.penalties, [])
    // A second blob reuses the pooled stream.
    const small = pseudoRandomBytes(MiB, 12)
    const { cid: second } = await a.store.put(small)
    await b.exchange.fetch(second, { timeoutMs: 10_000 })
    assert.ok(Buffer.from(await b.store.get(second)).equals(small))
    assert.deepEqual(b.penalties, [])
  })

  it('refuses a corrupted block, penalises its sender and completes over bitswap', async () => {
    const bytes = pseudoRandomBytes(2 * MiB + 9, 13)
    const cid = buildUnixfsFile(bytes).root
    const liar = await peers.start(133, {
      prepare: async (store) => {
        await store.put(bytes)
        corruptFastPathServing(store)
      },
    })
    const c = await peers.start(134, { bootstrap: liar.host.addresses() })
    await speaksFastPath(c, liar)
    const fetched = await c.exchange.fetch(cid, { timeoutMs: 20_000 })
    assert.equal(formatCid(fetched.cid), formatCid(cid))
    assert.ok(Buffer.from(await c.store.get(cid)).equals(bytes))
    assert.equal(c.penalties.length, 1)
    assert.equal(c.penalties[0]!.peer, liar.host.peerId)
    assert.match(c.penalties[0]!.reason, /fedra\/blocks.*hash does not match/)
    assert.ok(c.host.score(liar.host.peerId) < 0)
  })

  it('stores nothing of a blob whose fetch fails, and leaves no staged block behind', async () => {
    const bytes = pseudoRandomBytes(8 * MiB, 14)
    const cid = buildUnixfsFile(bytes).root
    // Leaves corrupted on both paths (the fast path's after 5 MiB: a staged batch is on disk by then).
    const liar = await peers.start(135, {
      prepare: async (store) => {
        await store.put(bytes)
        corruptFastPathServing(store, 20)
        corruptBitswapServing(store)
      },
    })
    const c = await peers.start(136, { bootstrap: liar.host.addresses() })
    await speaksFastPath(c, liar)
    await assert.rejects(c.exchange.fetch(cid, { timeoutMs: 1500 }), isCode('FETCH_TIMEOUT'))
    assert.equal(await c.store.has(cid), false)
    assert.equal(c.store.usedBytes, 0)
    const left: string[] = []
    for await (const pair of c.store.blockstore.getAll()) left.push(pair.cid.toString())
    assert.deepEqual(left, [])
    assert.ok(c.penalties.some((p) => /fedra\/blocks/.test(p.reason)))
  })

  it('falls back to bitswap for a peer that does not speak it, both ways (IPFS interop)', async () => {
    const bytes = pseudoRandomBytes(MiB + 1, 15)
    const ipfsLike = await peers.start(137, { fastPath: false, prepare: async (store) => void (await store.put(bytes)) })
    // Dialled once both exchanges run (identify-push covers the other order; docs/blobs.md).
    const fedra = await peers.start(138)
    await fedra.host.libp2p.dial(multiaddr(ipfsLike.host.addresses()[0]!))
    await waitFor('connected', () => fedra.host.peers().length === 1 && ipfsLike.host.peers().length === 1)
    const cid = buildUnixfsFile(bytes).root
    await fedra.exchange.fetch(cid, { timeoutMs: 10_000 })
    assert.ok(Buffer.from(await fedra.store.get(cid)).equals(bytes))
    // And an IPFS-like peer fetches a blob from a Fedra node over bitswap.
    const other = pseudoRandomBytes(600_000, 16)
    const { cid: second } = await fedra.store.put(other)
    await ipfsLike.exchange.fetch(second, { timeoutMs: 10_000 })
    assert.ok(Buffer.from(await ipfsLike.store.get(second)).equals(other))
    assert.deepEqual([fedra.penalties, ipfsLike.penalties], [[], []])
  })

  it('leaves a peer that accepts the request and never answers after stallMs, for bitswap', async () => {
    const bytes = pseudoRandomBytes(MiB, 17)
    const cid = buildUnixfsFile(bytes).root
    // Speaks the protocol, reads the request, then says nothing; its bitswap is honest.
    const staller = await peers.start(139, { fastPath: false, prepare: async (store) => void (await store.put(bytes)) })
    await staller.host.libp2p.handle(BLOCKS_PROTOCOL, (stream) => {
      void (async () => {
        for await (const _ of lp.decode(stream)) {
          // never answered
        }
      })().catch(() => undefined)
    })
    const c = await peers.start(140, { bootstrap: staller.host.addresses(), limits: { stallMs: 300 } })
    await speaksFastPath(c, staller)
    const started = Date.now()
    await c.exchange.fetch(cid, { timeoutMs: 15_000 })
    assert.ok(Date.now() - started < 10_000)
    assert.ok(Buffer.from(await c.store.get(cid)).equals(bytes))
    assert.deepEqual(c.penalties, [])
  })

  it('answers FETCH_TIMEOUT within the deadline when the Fedra peers lack the blob', async () => {
    const a = await peers.start(141)
    const b = await peers.start(142, { bootstrap: a.host.addresses() })
    await speaksFastPath(b, a)
    const absent = buildUnixfsFile(pseudoRandomBytes(700_000, 18)).root
    const started = Date.now()
    await assert.rejects(
      b.exchange.fetch(absent, { timeoutMs: 400 }),
      (error: unknown) => isCode('FETCH_TIMEOUT')(error) && (error as BlobError<'FETCH_TIMEOUT'>).context.missing === 1,
    )
    assert.ok(Date.now() - started < 3000)
    assert.equal(await b.store.has(absent), false)
  })

  it('refuses a root announcing more than maxBlobBytes before taking its leaves', async () => {
    const a = await peers.start(143)
    const b = await peers.start(144, { bootstrap: a.host.addresses(), limits: { maxBlobBytes: MiB } })
    await speaksFastPath(b, a)
    const { cid } = await a.store.put(pseudoRandomBytes(2 * MiB, 19))
    await assert.rejects(b.exchange.fetch(cid, { timeoutMs: 10_000 }), isCode('TOO_LARGE'))
    assert.equal(await b.store.has(cid), false)
    assert.deepEqual(b.penalties, [])
  })

  it('takes the rest from another Fedra peer after one that lacks part of the DAG', async () => {
    const bytes = pseudoRandomBytes(2 * MiB, 20)
    const dag = buildUnixfsFile(bytes)
    // A holds the root and only some leaves (blocks without a record, as a crash leaves them).
    const partial = await peers.start(145, {
      prepare: async (store) => {
        const full = await store.put(bytes)
        assert.equal(full.created, true)
      },
    })
    const honest = await peers.start(146, { prepare: async (store) => void (await store.put(bytes)) })
    const leafKeys = dag.blocks.filter((block) => block.cid.code === 0x55).slice(0, 4)
    for (const leaf of leafKeys) await partial.store.blockstore.delete(leaf.cid)
    const c = await peers.start(147, { bootstrap: partial.host.addresses() })
    await speaksFastPath(c, partial)
    await c.host.libp2p.dial(multiaddr(honest.host.addresses()[0]!))
    await speaksFastPath(c, honest)
    await c.exchange.fetch(dag.root, { timeoutMs: 15_000 })
    assert.ok(Buffer.from(await c.store.get(dag.root)).equals(bytes))
    assert.deepEqual(c.penalties, [])
  })
})

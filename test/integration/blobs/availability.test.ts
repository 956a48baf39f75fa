import assert from 'node:assert/strict'
import { BlobError, type BlobCid, DataAvailability, buildUnixfsFile, formatCid, gateOnAvailability } from '../../../src/blobs/index.js'
import { waitFor } from '../p2p/hosts.js'
import { pseudoRandomBytes } from '../../unit/blobs/fixtures.js'
import { BlobPeers } from './nodes.js'

describe('blobs: data availability before execution', function () {
  this.timeout(20_000)
  const peers = new BlobPeers()
  afterEach(() => peers.stopAll())

  it('fetches what a block references, reports what it cannot get by the deadline, and succeeds once the data appears', async () => {
    const a = await peers.start(121)
    const validator = await peers.start(122, { bootstrap: a.host.addresses() })
    await waitFor('connected', () => validator.host.peers().length === 1)
    const present = await a.store.put(pseudoRandomBytes(300_000, 1))
    const lateBytes = pseudoRandomBytes(1000, 2)
    const late = buildUnixfsFile(lateBytes).root
    const da = new DataAvailability(validator.store, validator.exchange)

    assert.equal(da.holds([present.cid]), false)
    const first = await da.ensureAvailable([present.cid, late], Date.now() + 500)
    assert.deepEqual(first, { available: false, missing: [{ cid: formatCid(late), code: 'FETCH_TIMEOUT' }] })
    assert.equal(da.holds([present.cid]), true)

    const dag = buildUnixfsFile(lateBytes)
    await a.store.putDag(dag)
    await a.exchange.announce(dag.blocks.map((block) => block.cid))
    assert.deepEqual(await da.ensureAvailable([present.cid, late], Date.now() + 5000), { available: true })
    const blobs = await da.load([present.cid, late])
    assert.ok(Buffer.from(blobs.get(late)).equals(lateBytes))
    assert.throws(
      () => blobs.get(buildUnixfsFile(new Uint8Array([7])).root),
      (error: unknown) => error instanceof BlobError && error.code === 'NOT_FOUND',
    )
  })

  it('prevotes nil (invalid, unexecuted) for a block whose blob nobody has, and executes it once the blob appears', async () => {
    const a = await peers.start(123)
    const validator = await peers.start(124, { bootstrap: a.host.addresses() })
    await waitFor('connected', () => validator.host.peers().length === 1)
    const bytes = pseudoRandomBytes(400_000, 3)
    const dag = buildUnixfsFile(bytes)
    type TestBlock = { cids: BlobCid[] }
    let executed = 0
    // Two budgets: a short one for the blob nobody has (it must time out), a generous one once a
    // peer has it (on a loaded machine a 400 kB bitswap fetch can take longer than 2 s).
    const gate = (budgetMs: number) =>
      gateOnAvailability((_block: TestBlock) => (executed++, { valid: true }), {
        availability: new DataAvailability(validator.store, validator.exchange),
        referenced: (block) => block.cids,
        budgetMs,
      })
    const block: TestBlock = { cids: [dag.root] }
    const first = await gate(2000)(block)
    assert.equal(first.valid, false)
    assert.match(first.reason ?? '', /FETCH_TIMEOUT/)
    assert.equal(executed, 0)
    await a.store.putDag(dag)
    await a.exchange.announce(dag.blocks.map((b) => b.cid))
    const process = gate(30_000)
    assert.deepEqual(await process(block), { valid: true })
    assert.equal(executed, 1)
    assert.deepEqual(await process({ cids: [] }), { valid: true })
  })
})

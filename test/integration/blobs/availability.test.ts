import assert from 'node:assert/strict'
import { BlobError, DataAvailability, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
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

    assert.equal(await da.holds([present.cid]), false)
    const first = await da.ensureAvailable([present.cid, late], Date.now() + 500)
    assert.deepEqual(first, { available: false, missing: [{ cid: formatCid(late), code: 'FETCH_TIMEOUT' }] })
    assert.equal(await da.holds([present.cid]), true)

    const dag = buildUnixfsFile(lateBytes)
    await a.store.putDag(dag)
    await a.exchange.announce(dag.blocks.map((block) => block.cid))
    assert.deepEqual(await da.ensureAvailable([present.cid, late], Date.now() + 5000), { available: true })
    const blobs = await da.load([present.cid, late])
    assert.ok(Buffer.from(blobs.get(late)).equals(lateBytes))
    assert.throws(() => blobs.get(buildUnixfsFile(new Uint8Array([7])).root), (error: unknown) => error instanceof BlobError && error.code === 'NOT_FOUND')
  })
})

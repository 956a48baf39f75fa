import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { DEFAULT_CONSENSUS_PARAMS, StateError, blobReader, checkTxStateless, txHash } from '../../../src/state/index.js'
import { CHAIN_ID, GENESIS_TIME, testKey } from '../../helpers/chain.js'
import { openTestApp, signedTx, tempDirs } from '../../support/chain.js'
import { MsgReadBlob, blobReaderModule } from '../../support/modules/blob-reader/index.js'

const A = 'bafkreiaaaa'
const B = 'bafkreibbbb'
const read = (nonce: bigint, declare: string, readCid = declare) => signedTx(0, nonce, [encode(MsgReadBlob, { declare, read: readCid })])
const blockAt = (height: number, txs: Uint8Array[], blobs?: ReturnType<typeof blobReader>) => ({
  height,
  time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
  proposer: testKey(100).publicKey.addressBytes,
  txs,
  ...(blobs === undefined ? {} : { blobs }),
})
const stateError = (code: string) => (e: unknown) => e instanceof StateError && e.code === code

describe('blobs in execution: messages declare them, execution reads only those, locally', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('referencedBlobs lists what the messages declare, sorted and unique, and none for a tx that fails its stateless checks', async () => {
    const app = await openTestApp(dirs.next(), [blobReaderModule])
    const bad = encode(MsgReadBlob, { declare: '', read: '' })
    assert.deepEqual(app.referencedBlobs([read(0n, B), read(1n, A), read(2n, B), signedTx(0, 3n, [bad]), Uint8Array.of(1, 2)]), [A, B])
    await app.db.close()
  })

  it('declaredBlobs of an admitted tx (the mempool prefetch) finds what referencedBlobs finds in its bytes', async () => {
    const app = await openTestApp(dirs.next(), [blobReaderModule])
    const tx = signedTx(0, 0n, [encode(MsgReadBlob, { declare: B, read: B }), encode(MsgReadBlob, { declare: A, read: A })])
    const checked = checkTxStateless(tx, CHAIN_ID, DEFAULT_CONSENSUS_PARAMS, app.registry)
    assert.deepEqual(app.declaredBlobs(checked), [A, B])
    assert.deepEqual(app.declaredBlobs(checked), app.referencedBlobs([tx]))
    // A proposal's txs this node admitted are read from admission's result (the node wires checkedTxs to its mempool).
    const asked: string[] = []
    app.checkedTxs = (hash) => {
      asked.push(hash)
      return hash === toHex(txHash(tx)) ? checked : undefined
    }
    const other = read(1n, 'bafkreicccc')
    assert.deepEqual(app.referencedBlobs([tx, other]), [A, B, 'bafkreicccc'])
    assert.deepEqual(asked, [toHex(txHash(tx)), toHex(txHash(other))])
    await app.db.close()
  })

  it('a handler reads a declared, loaded blob', async () => {
    const app = await openTestApp(dirs.next(), [blobReaderModule])
    const txs = [read(0n, A)]
    const executed = app.executeBlock(blockAt(1, txs, blobReader(app.referencedBlobs(txs), new Map([[A, new Uint8Array(7)]]))))
    assert.equal(executed.txResults[0]!.code, 0)
    await app.db.close()
  })

  it('reading a blob no message declared fails the block the same way on every node (BLOB_NOT_DECLARED)', async () => {
    const app = await openTestApp(dirs.next(), [blobReaderModule])
    const txs = [read(0n, A, B)]
    // Even with B at hand: what a block may read is fixed by the block, not by what a node holds.
    const loaded = new Map([
      [A, new Uint8Array(1)],
      [B, new Uint8Array(2)],
    ])
    assert.throws(() => app.executeBlock(blockAt(1, txs, blobReader(app.referencedBlobs(txs), loaded))), stateError('BLOB_NOT_DECLARED'))
    await app.db.close()
  })

  it('executing without the declared blobs loaded is refused (BLOB_NOT_LOADED), never a tx result', async () => {
    const app = await openTestApp(dirs.next(), [blobReaderModule])
    const txs = [read(0n, A)]
    assert.throws(() => app.executeBlock(blockAt(1, txs)), stateError('BLOB_NOT_LOADED'))
    assert.throws(() => app.executeBlock(blockAt(1, txs, blobReader([A], new Map()))), stateError('BLOB_NOT_LOADED'))
    await app.db.close()
  })
})

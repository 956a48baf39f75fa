import assert from 'node:assert/strict'
import { Level } from 'level'
import type { Block } from '../../../src/consensus/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { IndexerError, TxIndexer } from '../../../src/indexer/index.js'
import { type Application, txHash } from '../../../src/state/index.js'
import { type BlockResultsValue, blockResultsRecord } from '../../../src/state/results.js'
import { GENESIS_TIME, openApp, tempDir, testKey, transfer } from '../../helpers/chain.js'

const addr = (i: number) => testKey(i).publicKey.address

/** Executes and commits `txs` as the next block; returns a block carrying them and its results. */
async function commit(app: Application, txs: Uint8Array[]): Promise<{ block: Block; results: BlockResultsValue }> {
  const height = app.height + 1
  const executed = app.executeBlock({ height, time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height), proposer: new Uint8Array(20), txs })
  await app.commitBlock(executed)
  const block = { header: { height }, txs, lastCommit: null, evidence: [] } as unknown as Block
  return { block, results: blockResultsRecord(height, executed.txResults, executed.beginBlockEvents, executed.endBlockEvents) }
}

describe('TxIndexer', () => {
  let dir: ReturnType<typeof tempDir>
  let app: Application
  let index: TxIndexer
  const hashes: string[][] = []

  before(async () => {
    dir = tempDir()
    app = await openApp(`${dir.path}/state`)
    index = await TxIndexer.open(`${dir.path}/index`, app.registry, { maxScan: 4 })
    const blocks = [
      [transfer(0, 1, 10n, 0n), transfer(2, 3, 10n, 0n)],
      [transfer(0, 2, 10n, 1n), Uint8Array.of(1, 2, 3)],
      [],
      [transfer(1, 0, 10n, 0n), transfer(0, 3, 10n ** 15n, 2n)],
    ]
    for (const txs of blocks) {
      const { block, results } = await commit(app, txs)
      await index.index(block, results)
      hashes.push(txs.map((tx) => toHex(txHash(tx))))
    }
  })
  after(async () => {
    await index.close()
    await app.db.close()
    dir.remove()
  })

  const all = async (filter: Parameters<TxIndexer['search']>[0]) => {
    const out: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 50; i++) {
      const page = await index.search({ ...filter, ...(cursor === undefined ? {} : { cursor }) })
      out.push(...page.txs.map((t) => t.hash))
      if (page.next === null) return out
      cursor = page.next
    }
    throw new Error('too many pages')
  }

  it('finds a transaction by hash with its decoded body and result', async () => {
    const record = await index.get(hashes[0]![1]!)
    assert.equal(record!.height, 1)
    assert.equal(record!.index, 1)
    assert.equal(record!.signer, addr(2))
    assert.equal(record!.body!.messages[0]!.type, 'bank/MsgSend')
    assert.equal(record!.result.code, 0)
    assert.equal(await index.get('ff'.repeat(32)), null)
    assert.equal(await index.get('not hex'), null)
  })

  it('records an undecodable transaction with null signer and body', async () => {
    const record = await index.get(hashes[1]![1]!)
    assert.equal(record!.signer, null)
    assert.equal(record!.body, null)
    assert.notEqual(record!.result.code, 0)
  })

  it('searches by signer in chain order, and in reverse', async () => {
    assert.deepEqual(await all({ signer: addr(0) }), [hashes[0]![0], hashes[1]![0], hashes[3]![1]])
    assert.deepEqual(await all({ signer: addr(0), order: 'desc' }), [hashes[3]![1], hashes[1]![0], hashes[0]![0]])
  })

  it('searches by height range, message type and event attribute', async () => {
    assert.deepEqual(await all({ minHeight: 2, maxHeight: 3 }), hashes[1])
    assert.equal((await all({ messageType: 'bank/MsgSend' })).length, 5)
    assert.deepEqual(await all({ event: { type: 'transfer', key: 'recipient', value: addr(3) } }), [hashes[0]![1]])
    assert.deepEqual(await all({ signer: addr(0), minHeight: 2 }), [hashes[1]![0], hashes[3]![1]])
  })

  it('pages through results with a cursor, also when a page stops at the scan bound', async () => {
    const page = await index.search({ limit: 2 })
    assert.equal(page.txs.length, 2)
    assert.equal(page.next, '1.1')
    assert.deepEqual(await all({ limit: 3 }), hashes.flat())
    // Only one of every scanned entry matches: pages end at maxScan (4) with fewer results.
    const sparse = await index.search({ event: { type: 'tx', key: 'signer', value: addr(0) }, limit: 10 })
    assert.ok(sparse.txs.length <= 4)
  })

  it('refuses a cursor it did not hand out', async () => {
    await assert.rejects(index.search({ cursor: '1;2' }), (e: unknown) => e instanceof IndexerError && e.code === 'BAD_CURSOR')
  })

  it('is idempotent and resumes its height after a reopen', async () => {
    const { block, results } = await commit(app, [transfer(4, 5, 1n, 0n)])
    await index.index(block, results)
    await index.index(block, results)
    assert.equal((await all({ signer: addr(4) })).length, 1)
    assert.equal(index.lastHeight, 5)
    await index.close()
    index = await TxIndexer.open(`${dir.path}/index`, app.registry, { maxScan: 4 })
    assert.equal(index.lastHeight, 5)
    assert.equal((await all({ signer: addr(4) })).length, 1)
  })

  it('drops an index written in the earlier JSON layout, to be rebuilt from the blocks', async () => {
    const old = tempDir()
    try {
      const db = new Level<Uint8Array, Uint8Array>(old.path, { keyEncoding: 'view', valueEncoding: 'view' })
      await db.open()
      const meta = new Uint8Array(8)
      new DataView(meta.buffer).setBigUint64(0, 7n)
      await db.put(Uint8Array.of(0x4d), meta) // last indexed height 7, no format marker
      await db.put(Uint8Array.of(0x68, ...new Uint8Array(32).fill(1)), new TextEncoder().encode('{"hash":"0101"}'))
      await db.close()
      const reopened = await TxIndexer.open(old.path, app.registry)
      assert.equal(reopened.lastHeight, 0)
      assert.equal(await reopened.get('01'.repeat(32)), null)
      const { block, results } = await commit(app, [transfer(6, 7, 1n, 0n)])
      await reopened.index(block, results)
      await reopened.close()
      const again = await TxIndexer.open(old.path, app.registry) // now in the current layout: kept
      assert.equal(again.lastHeight, block.header.height)
      assert.equal((await again.get(toHex(txHash(block.txs[0]!))))?.height, block.header.height)
      await again.close()
    } finally {
      old.remove()
    }
  })

  it('refuses results that belong to another block', async () => {
    const { block, results } = await commit(app, [transfer(5, 6, 1n, 0n)])
    await assert.rejects(
      index.index(block, { ...results, txResults: [] }),
      (e: unknown) => e instanceof IndexerError && e.code === 'RESULTS_MISMATCH',
    )
    await assert.rejects(
      index.index(block, { ...results, height: 99n }),
      (e: unknown) => e instanceof IndexerError && e.code === 'RESULTS_MISMATCH',
    )
  })
})

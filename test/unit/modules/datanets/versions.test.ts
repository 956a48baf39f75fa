import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { fromHex, merkleRoot, toHex, verifyMerkleProof } from '../../../../src/crypto/index.js'
import { RecordLeaf, recordLeaf } from '../../../../src/modules/datanets/index.js'
import { tempDirs } from '../../../support/chain.js'
import { CURATORS, DatanetsChain, MsgPublishVersion, OWNER, eventsOf, hashRecord } from './harness.js'

const dirs = tempDirs()
after(() => dirs.removeAll())

interface ProofJson {
  leaf: string
  index: number
  count: number
  proof: string[]
  root: string
}

/** A chain with private Datanet 0 whose records 0..4 (contributors 2, 3, 4, 2, 3) were contributed; records 3, 1, 4 accepted in that order. */
async function withAccepted(dir: string): Promise<DatanetsChain> {
  const c = await DatanetsChain.open(dir)
  const id = await c.create({ privacy: 'private' })
  for (const [i, from] of [2, 3, 4, 2, 3].entries()) await c.contribute(from, hashRecord(id, `record ${i}`))
  for (const record of [3n, 1n, 4n]) await c.accept(id, record)
  return c
}

describe('datanets: versions and record proofs', () => {
  it('publishes versions from 1 over the accepted records in acceptance order, under their RFC 6962 root', async () => {
    const c = await withAccepted(dirs.next())
    const executed = await c.ok(CURATORS[2]!, MsgPublishVersion, { datanet: 0n })
    const event = eventsOf(executed, 'version_published')[0]!
    assert.deepEqual([event.version, event.record_count], ['1', '3'])
    // The leaf is RecordLeaf's canonical bytes, built here from the published view.
    const leaves = [3n, 1n, 4n].map((record) => {
      const r = c.view((k) => k.record(0n, record))!
      return encode(RecordLeaf, { datanet: 0n, record, contentId: r.contentId, contributor: r.contributor, quality: r.quality })
    })
    assert.equal(event.root, toHex(merkleRoot(leaves)))
    const version = c.view((k) => k.version(0n, 1n))!
    assert.deepEqual([version.version, version.recordCount, toHex(version.root), version.height], [1n, 3n, event.root, BigInt(c.height)])
    assert.equal(await c.try(OWNER, MsgPublishVersion, { datanet: 0n }), 'NOTHING_NEW')
    await c.accept(0n, 0n)
    assert.equal(await c.publish(0n), 2n)
    const v2 = c.query<{ record_count: string; root: string; publisher: string }>('version', { datanet: 0, version: 2 })
    assert.equal(v2.record_count, '4')
    assert.equal(v2.root, toHex(merkleRoot([...leaves, recordLeaf(c.view((k) => k.record(0n, 0n))!)])))
    assert.deepEqual(
      c.query<{ versions: { version: string }[] }>('versions', { datanet: 0 }).versions.map((v) => v.version),
      ['1', '2'],
    )
    assert.equal(
      c.view((k) => k.version(0n, 3n)),
      undefined,
    )
    await c.close()
  })

  it('refuses a version with nothing accepted, one by a stranger, and one of an unknown Datanet', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create({ privacy: 'private' })
    await c.contribute(2, hashRecord(id, 'pending'))
    assert.equal(await c.try(OWNER, MsgPublishVersion, { datanet: id }), 'NOTHING_NEW')
    await c.accept(id, 0n)
    assert.equal(await c.try(2, MsgPublishVersion, { datanet: id }), 'NOT_OWNER_OR_CURATOR')
    assert.equal(await c.try(OWNER, MsgPublishVersion, { datanet: 5n }), 'UNKNOWN_DATANET')
    assert.equal(await c.publish(id), 1n)
    await c.close()
  })

  it('proves each record of a version with verifyMerkleProof; a tampered leaf, index or root fails', async () => {
    const c = await withAccepted(dirs.next())
    await c.publish(0n)
    await c.accept(0n, 0n)
    for (const [record, index] of [
      [3n, 0],
      [1n, 1],
      [4n, 2],
    ] as const) {
      const p = c.query<ProofJson>('record_proof', { datanet: '0', version: '1', record: String(record) })
      assert.deepEqual([p.index, p.count], [index, 3])
      assert.equal(p.leaf, toHex(recordLeaf(c.view((k) => k.record(0n, record))!)))
      const proof = p.proof.map(fromHex)
      const root = fromHex(p.root)
      assert.equal(verifyMerkleProof(root, fromHex(p.leaf), p.index, p.count, proof), true)
      const tampered = fromHex(p.leaf)
      tampered[tampered.length - 1]! ^= 1
      assert.equal(verifyMerkleProof(root, tampered, p.index, p.count, proof), false, 'a tampered leaf')
      assert.equal(verifyMerkleProof(root, fromHex(p.leaf), (p.index + 1) % 3, p.count, proof), false, 'another index')
      const otherRoot = fromHex(p.root)
      otherRoot[0]! ^= 1
      assert.equal(verifyMerkleProof(otherRoot, fromHex(p.leaf), p.index, p.count, proof), false, 'another root')
    }
    // Record 0 was accepted after version 1: it is in no version yet, and record 2 is pending.
    const codeOf = (params: Record<string, unknown>) => {
      try {
        c.query('record_proof', params)
      } catch (error) {
        return (error as { code: string }).code
      }
      return 'OK'
    }
    assert.equal(codeOf({ datanet: '0', version: '1', record: '0' }), 'NOT_ACCEPTED')
    assert.equal(codeOf({ datanet: '0', version: '1', record: '2' }), 'NOT_ACCEPTED')
    assert.equal(codeOf({ datanet: '0', version: '2', record: '0' }), 'UNKNOWN_VERSION')
    assert.equal(codeOf({ datanet: '0', version: '1', record: '9' }), 'UNKNOWN_RECORD')
    assert.equal(codeOf({ datanet: '3', version: '1', record: '0' }), 'UNKNOWN_DATANET')
    assert.equal(codeOf({ datanet: 'zero', version: '1', record: '0' }), 'INVALID_QUERY')
    await c.close()
  })
})

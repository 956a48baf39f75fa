import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.js'
import { assembleBlock } from '../../../src/consensus/index.js'
import type { BlockData } from '../../../src/node/chain-app.js'
import { fourValidatorGenesis, openChain, signedTx, tempDirs } from '../../support/chain.js'
import { MsgReadBlob, blobReaderModule } from '../../support/modules/blob-reader/index.js'

const A = 'bafkreiaaaa'
const readTx = (nonce: bigint, cid: string) => signedTx(0, nonce, [encode(MsgReadBlob, { declare: cid, read: cid })])
const plainTx = (nonce: bigint) => signedTx(1, nonce, [encode(MsgReadBlob, { declare: 'none', read: 'none' })])

/** A parameter store double: `held` is what is local; `arrives` what a fetch finds (it then becomes held). */
function store(held: Map<string, Uint8Array>, arrives: Map<string, Uint8Array> = new Map()) {
  const asked: string[][] = []
  const data: BlockData = {
    holds: (cids) => cids.every((cid) => held.has(cid)),
    async load(cids) {
      asked.push([...cids])
      for (const cid of cids) if (!held.has(cid) && arrives.has(cid)) held.set(cid, arrives.get(cid)!)
      const missing = cids.filter((cid) => !held.has(cid))
      return missing.length > 0 ? { ok: false, missing } : { ok: true, blobs: new Map(cids.map((cid) => [cid, held.get(cid)!])) }
    },
  }
  return { data, asked }
}

describe('data availability: a block that reads blobs is executed only with them local', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  const open = () => openChain(dirs.next(), fourValidatorGenesis(), [blobReaderModule])

  async function propose(chain: Awaited<ReturnType<typeof open>>, txs: Uint8Array[]) {
    const tip = chain.tip()
    const context = { height: tip.height + 1, round: 0, time: tip.time + 1000, proposer: tip.validators.proposer, evidence: [] }
    chain.setTxSource({ reap: () => txs })
    const prepared = await chain.prepareBlock(context)
    return assembleBlock(tip, context, prepared)
  }

  it('a proposer leaves out a transaction whose blobs it does not hold, and keeps the rest', async () => {
    const chain = await open()
    chain.setBlockData(store(new Map([['none', new Uint8Array(1)]])).data, 1000)
    const block = await propose(chain, [readTx(0n, A), plainTx(0n)])
    assert.equal(block.txs.length, 1)
    assert.deepEqual(chain.state.referencedBlobs(block.txs), ['none'])
  })

  it("a validator that cannot get a proposal's blobs in time answers invalid without executing; once they appear the same block is valid", async () => {
    const proposer = await open()
    proposer.setBlockData(store(new Map([[A, new Uint8Array(3)]])).data, 1000)
    const block = await propose(proposer, [readTx(0n, A)])
    assert.equal(block.txs.length, 1)

    const validator = await open()
    const arriving = new Map<string, Uint8Array>()
    const { data, asked } = store(new Map(), arriving)
    validator.setBlockData(data, 1000)
    const refused = await validator.processBlock(block)
    assert.equal(refused.valid, false)
    assert.match(refused.reason ?? '', /blobs unavailable: bafkreiaaaa/)
    // Asked again after the data appeared (the consensus core keeps one verdict per value and height, so in
    // consensus that is the next height's or another round's proposal; here, the same block asked twice).
    arriving.set(A, new Uint8Array(3))
    assert.deepEqual(await validator.processBlock(block), { valid: true })
    assert.deepEqual(asked, [[A], [A]])
  })

  it('different bytes under the declared CID give another state root: the block is invalid, not silently accepted', async () => {
    const proposer = await open()
    proposer.setBlockData(store(new Map([[A, new Uint8Array(3)]])).data, 1000)
    const block = await propose(proposer, [readTx(0n, A)])
    const validator = await open()
    validator.setBlockData(store(new Map([[A, new Uint8Array(5)]])).data, 1000)
    const verdict = await validator.processBlock(block)
    assert.equal(verdict.valid, false)
    assert.match(verdict.reason ?? '', /state root/)
  })

  it('a node without a blob store refuses a block that declares blobs, and still executes one that declares none', async () => {
    const proposer = await open()
    proposer.setBlockData(store(new Map([[A, new Uint8Array(3)]])).data, 1000)
    const reading = await propose(proposer, [readTx(0n, A)])
    const bare = await open()
    assert.match((await bare.processBlock(reading)).reason ?? '', /no blob store/)
    const plain = await propose(await open(), [])
    assert.deepEqual(await bare.processBlock(plain), { valid: true })
  })

  it('a decided block (block sync) waits for its blobs instead of refusing them', async () => {
    const proposer = await open()
    proposer.setBlockData(store(new Map([[A, new Uint8Array(3)]])).data, 1000)
    const block = await propose(proposer, [readTx(0n, A)])
    const follower = await open()
    follower.setBlockData(store(new Map(), new Map([[A, new Uint8Array(3)]])).data, 1)
    assert.deepEqual(await follower.verifyDecided(block), { valid: true })
  })
})

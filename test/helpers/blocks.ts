import { type Block, type Commit, assembleBlock, blockId, commitFromPrecommits, keySigner } from '../../src/consensus/index.js'
import type { PrivateKey } from '../../src/crypto/index.js'
import { ChainApp } from '../../src/node/chain-app.js'

/**
 * Builds the next block on `chain` the way the consensus driver does, with a commit signed by
 * `validator` (the only validator of the test genesis), without running consensus.
 */
export function nextBlock(chain: ChainApp, validator: PrivateKey, txs: Uint8Array[] = []): { block: Block; commit: Commit } {
  const tip = chain.tip()
  const height = tip.height + 1
  const time = tip.time + 1000
  const proposer = validator.publicKey.address
  chain.setTxSource({ reap: () => txs })
  const prepared = chain.prepareBlock({ height, round: 0, time, proposer, evidence: [] })
  const block = assembleBlock(tip, { height, time, proposer, evidence: [] }, prepared)
  const id = blockId(block.header)
  const signer = keySigner(validator, tip.chainId)
  const unsigned = { type: 'precommit' as const, height, round: 0, valueId: id, validator: proposer }
  const commit = commitFromPrecommits(height, 0, id, [{ ...unsigned, signature: signer.signVote(unsigned) }])
  return { block, commit }
}

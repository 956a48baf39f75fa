import type { Block, Commit } from '../../src/consensus/index.js'
import type { PrivateKey } from '../../src/crypto/index.js'
import type { ChainApp } from '../../src/node/chain-app.js'
import { proposeNext } from '../support/chain.js'

/**
 * Builds the next block on `chain` the way the consensus driver does, with a commit signed by
 * `validator` (the only validator of the test genesis), without running consensus.
 */
export function nextBlock(chain: ChainApp, validator: PrivateKey, txs: Uint8Array[] = []): { block: Block; commit: Commit } {
  return proposeNext(chain, [validator], { txs, proposer: validator.publicKey.address })
}

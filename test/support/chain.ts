import { type Block, type Commit, type DuplicateVoteEvidence, assembleBlock, blockId, commitFromPrecommits, keySigner } from '../../src/consensus/index.js'
import type { PrivateKey } from '../../src/crypto/index.js'
import { defaultModules } from '../../src/modules/index.js'
import { ChainApp } from '../../src/node/chain-app.js'
import { Application, type Module, ModuleRegistry, StateDB, parseGenesis } from '../../src/state/index.js'
import { testGenesisJson, testKey } from '../helpers/chain.js'

/** The four validators of a multi-validator test chain. */
export const VALIDATORS = [testKey(100), testKey(101), testKey(102), testKey(103)]

/** A test genesis with four validators of power 10 and extra app-state sections. */
export function fourValidatorGenesis(appState: Record<string, unknown> = {}): Record<string, unknown> {
  const base = testGenesisJson()
  return {
    ...base,
    validators: VALIDATORS.map((k, i) => ({ name: `v${i}`, pub_key: k.publicKey.hex, power: '10' })),
    app_state: { ...(base.app_state as Record<string, unknown>), ...appState },
  }
}

/** A ChainApp over the default modules plus `extra`, initialised from `genesisJson`. */
export async function openChain(directory: string, genesisJson: Record<string, unknown>, extra: Module[] = []): Promise<ChainApp> {
  const registry = new ModuleRegistry([...defaultModules(), ...extra])
  const state = new Application(await StateDB.open(directory), registry, parseGenesis(genesisJson, registry))
  await state.initChain()
  return ChainApp.open(state)
}

export interface ProposeOptions {
  txs?: Uint8Array[]
  /** Who signs the commit (every key of the tip's set among `keys` by default). */
  signers?: readonly PrivateKey[]
  /** The block's builder (the round-0 proposer by default). */
  proposer?: string
  evidence?: DuplicateVoteEvidence[]
}

/**
 * The next block on `chain` as the consensus driver builds it, and a commit for it; the block
 * is not processed or committed.
 */
export function proposeNext(chain: ChainApp, keys: readonly PrivateKey[], options: ProposeOptions = {}): { block: Block; commit: Commit } {
  const tip = chain.tip()
  const height = tip.height + 1
  const time = tip.time + 1000
  const { txs = [], proposer = tip.validators.proposer, evidence = [] } = options
  chain.setTxSource({ reap: () => txs })
  const prepared = chain.prepareBlock({ height, round: 0, time, proposer, evidence })
  const block = assembleBlock(tip, { height, time, proposer, evidence }, prepared)
  const id = blockId(block.header)
  const members = new Set(tip.validators.validators.map((v) => v.address))
  const precommits = (options.signers ?? keys)
    .filter((k) => members.has(k.publicKey.address))
    .map((key) => {
      const unsigned = { type: 'precommit' as const, height, round: 0, valueId: id, validator: key.publicKey.address }
      return { ...unsigned, signature: keySigner(key, tip.chainId).signVote(unsigned) }
    })
  return { block, commit: commitFromPrecommits(height, 0, id, precommits) }
}

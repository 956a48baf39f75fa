import {
  type Block,
  type Commit,
  type DuplicateVoteEvidence,
  assembleBlock,
  blockId,
  commitFromPrecommits,
  keySigner,
} from '../../src/consensus/index.js'
import type { PrivateKey } from '../../src/crypto/index.js'
import { DEFAULT_COMPOSITION, FEE_COLLECTOR, authModule, bankModule, defaultModules } from '../../src/modules/index.js'
import { ChainApp } from '../../src/node/chain-app.js'
import {
  Application,
  type Composition,
  type ExecutedBlock,
  type Module,
  ModuleRegistry,
  StateDB,
  parseGenesis,
  signTx,
} from '../../src/state/index.js'
import { CHAIN_ID, FEE, GAS_LIMIT, GENESIS_TIME, tempDir, testGenesisJson, testKey } from '../helpers/chain.js'

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

/**
 * The default chain plus `extra`, composed as the default chain is (its accounts, hooks and
 * orders, `extra` last in each order), with `composition`'s accounts, hooks and params
 * authorities added (its orders, when given, replace the defaults). An extra module named like a
 * default one replaces it in its place of every order (a test double of datanets under lineage's
 * tests, a module with a planted bug); a hook subscription the defaults already list is not added again (one `composition` lists twice
 * still is, for the registry to refuse).
 */
export function testRegistry(extra: Module[] = [], composition: Composition = {}): ModuleRegistry {
  const order = DEFAULT_COMPOSITION.order!
  const defaults = defaultModules()
  const replaced = new Set(extra.map((m) => m.name).filter((name) => defaults.some((m) => m.name === name)))
  const added = extra.map((m) => m.name).filter((name) => !replaced.has(name))
  const defaultHooks = DEFAULT_COMPOSITION.hooks ?? []
  const isDefault = (hook: (typeof defaultHooks)[number]) =>
    defaultHooks.some((h) => h.point === hook.point && h.subscriber === hook.subscriber)
  const hooks = [...defaultHooks, ...(composition.hooks ?? []).filter((hook) => !isDefault(hook))]
  return new ModuleRegistry([...defaults.filter((m) => !replaced.has(m.name)), ...extra], {
    moduleAccounts: { ...DEFAULT_COMPOSITION.moduleAccounts, ...composition.moduleAccounts },
    hooks,
    paramsAuthorities: composition.paramsAuthorities ?? DEFAULT_COMPOSITION.paramsAuthorities ?? [],
    order: composition.order ?? {
      initGenesis: [...order.initGenesis!, ...added],
      beginBlock: [...order.beginBlock!, ...added],
      endBlock: [...order.endBlock!, ...added],
    },
  })
}

/**
 * Only auth and bank (what the ante handler needs) plus `modules`, in that order: for a
 * module's unit tests against test doubles of the modules it expects (a fake staking module
 * named `staking`), without the rest of the default chain. Bank owns the fee collector unless
 * `composition` gives it to another module.
 */
export function coreRegistry(modules: Module[], composition: Composition = {}): ModuleRegistry {
  return new ModuleRegistry([authModule, bankModule, ...modules], {
    moduleAccounts: { [FEE_COLLECTOR]: { owner: 'bank', permissions: [] }, ...composition.moduleAccounts },
    hooks: composition.hooks ?? [],
    paramsAuthorities: composition.paramsAuthorities ?? [],
    ...(composition.order === undefined ? {} : { order: composition.order }),
  })
}

/** A ChainApp over the default modules plus `extra`, initialised from `genesisJson`. */
export async function openChain(
  directory: string,
  genesisJson: Record<string, unknown>,
  extra: Module[] = [],
  composition: Composition = {},
): Promise<ChainApp> {
  const registry = testRegistry(extra, composition)
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
  // Synchronous unless the txs declare blobs (then use proposeNextWithBlobs-style async code).
  if (prepared instanceof Promise) throw new Error('proposeNext: txs declaring blobs prepare asynchronously')
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

/** A state Application over the default modules plus `extra`, initialised from `genesisJson`. */
export async function openTestApp(
  directory: string,
  extra: Module[] = [],
  composition: Composition = {},
  genesisJson: Record<string, unknown> = testGenesisJson(),
): Promise<Application> {
  const registry = testRegistry(extra, composition)
  const app = new Application(await StateDB.open(directory), registry, parseGenesis(genesisJson, registry))
  await app.initChain()
  return app
}

/** A transaction of test account `from` carrying already-encoded messages. */
export function signedTx(from: number, nonce: bigint, messages: Uint8Array[]): Uint8Array {
  return signTx(testKey(from), { chainId: CHAIN_ID, nonce, fee: FEE, gasLimit: GAS_LIMIT, messages, memo: '' })
}

/**
 * Executes and commits one block of `txs` on `app`, then checks every invariant (the supply
 * invariant among them): DESIGN §3.7 after every block of every test that uses it.
 */
export async function commitTxs(app: Application, txs: Uint8Array[]): Promise<ExecutedBlock> {
  const height = app.height + 1
  const executed = app.executeBlock({
    height,
    time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
    proposer: testKey(100).publicKey.addressBytes,
    txs,
  })
  await app.commitBlock(executed)
  app.assertInvariants()
  return executed
}

/** Temporary directories for a test file: `next()` makes one, `removeAll()` (in `after`) deletes them. */
export function tempDirs(): { next(): string; removeAll(): void } {
  const made: ReturnType<typeof tempDir>[] = []
  return {
    next() {
      const d = tempDir()
      made.push(d)
      return d.path
    },
    removeAll: () => made.forEach((d) => d.remove()),
  }
}

/** A state Application over auth, bank and `modules` only (coreRegistry), initialised from `genesisJson`. */
export async function openCoreApp(
  directory: string,
  modules: Module[] = [],
  composition: Composition = {},
  genesisJson: Record<string, unknown> = testGenesisJson(),
): Promise<Application> {
  const registry = coreRegistry(modules, composition)
  const app = new Application(await StateDB.open(directory), registry, parseGenesis(genesisJson, registry))
  await app.initChain()
  return app
}

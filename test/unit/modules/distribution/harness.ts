import { encode } from '../../../../src/codec/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { authModule } from '../../../../src/modules/auth/index.js'
import { FEE_COLLECTOR, bankModule } from '../../../../src/modules/bank/index.js'
import { DISTRIBUTION_ACCOUNT, distributionModule } from '../../../../src/modules/distribution/index.js'
import { STAKING_HOOKS } from '../../../../src/modules/staking/hooks.js'
import {
  Application,
  type CommitVote,
  type ExecutedBlock,
  type Module,
  type ModulePermission,
  ModuleRegistry,
  StateDB,
  moduleAddress,
  parseGenesis,
  signTx,
} from '../../../../src/state/index.js'
import { CHAIN_ID, GENESIS_TIME, tempDir, testKey } from '../../../helpers/chain.js'
import { FAKE_BOND_DENOM, FAKE_POOL, fakeStakingModule } from './fake-staking.js'

export const FEE_DENOM = 'ufdr'
export const START_BALANCE = 10_000_000_000n
/** A withdraw-all over three delegations with slash events reads a few hundred keys. */
export const TX_GAS = 2_000_000n

export interface ChainOptions {
  /** app_state.distribution.params */
  params?: Record<string, unknown>
  /** The staking module to run against (the fake by default). */
  staking?: Module
  /** Extra app_state sections (the real staking's genesis). */
  appState?: Record<string, unknown>
  /** Staking's module accounts (the fake's pool by default). */
  stakingAccounts?: Record<string, { owner: string; permissions?: readonly ModulePermission[] }>
  bondDenom?: string
  /** Test accounts funded with START_BALANCE of the fee and bond denominations. */
  accounts?: number
  /** The first height (a chain restarted from an export continues its heights). */
  initialHeight?: number
  /** Test-only modules registered after distribution (a slasher calling staking's keeper). */
  extraModules?: Module[]
  /** Registry with a planted wrong module in distribution's place (the planted-bug checks). */
  distribution?: Module
}

/** Accounts and hooks as composition will wire distribution (fee collector owned by distribution, distribution a minter). */
export function distributionComposition(options: ChainOptions, names: string[] = ['auth', 'bank', 'staking', 'distribution']) {
  // distribution's begin-block before staking's (and before slashing's, when it comes); staking's end-block last
  const order = [
    'auth',
    'bank',
    'distribution',
    ...names.filter((n) => !['auth', 'bank', 'distribution', 'staking'].includes(n)),
    'staking',
  ]
  return {
    moduleAccounts: {
      [FEE_COLLECTOR]: { owner: 'distribution', permissions: [] as ModulePermission[] },
      [DISTRIBUTION_ACCOUNT]: { owner: 'distribution', permissions: ['minter'] as ModulePermission[] },
      ...(options.stakingAccounts ?? { [FAKE_POOL]: { owner: 'staking', permissions: ['burner', 'staking'] as ModulePermission[] } }),
    },
    hooks: [{ point: STAKING_HOOKS, subscriber: 'distribution' }],
    order: { initGenesis: order, beginBlock: order, endBlock: order },
  }
}

/** A chain of auth, bank, staking (fake or real) and distribution, driven block by block with a chosen last commit. */
export class DistributionChain {
  readonly app: Application
  readonly #nonces = new Map<number, bigint>()
  readonly #removeDir: () => void

  private constructor(app: Application, removeDir: () => void) {
    this.app = app
    this.#removeDir = removeDir
  }

  static async open(options: ChainOptions = {}): Promise<DistributionChain> {
    const bondDenom = options.bondDenom ?? FAKE_BOND_DENOM
    const modules = [
      authModule,
      bankModule,
      options.staking ?? fakeStakingModule,
      options.distribution ?? distributionModule,
      ...(options.extraModules ?? []),
    ]
    const registry = new ModuleRegistry(
      modules,
      distributionComposition(
        options,
        modules.map((m) => m.name),
      ),
    )
    const accounts = options.accounts ?? 24
    const denoms = [...new Set([FEE_DENOM, bondDenom])].sort()
    const genesisJson = {
      chain_id: CHAIN_ID,
      genesis_time: GENESIS_TIME,
      ...(options.initialHeight === undefined ? {} : { initial_height: options.initialHeight }),
      validators: [{ name: 'v0', pub_key: testKey(100).publicKey.hex, power: '10' }],
      app_state: {
        bank: {
          params: { fee_denom: FEE_DENOM },
          balances: Array.from({ length: accounts }, (_, i) => ({
            address: testKey(i).publicKey.address,
            coins: denoms.map((denom) => ({ denom, amount: String(START_BALANCE) })),
          })),
        },
        distribution: { params: options.params ?? {} },
        ...options.appState,
      },
    }
    const dir = tempDir('fedra-distribution-')
    const db = await StateDB.open(dir.path)
    try {
      const app = new Application(db, registry, parseGenesis(genesisJson, registry))
      await app.initChain()
      return new DistributionChain(app, dir.remove)
    } catch (error) {
      // A refused genesis (the tests that expect one) must not leave its store behind.
      await db.close()
      dir.remove()
      throw error
    }
  }

  async close(): Promise<void> {
    await this.app.db.close()
    this.#removeDir()
  }

  /** Continues `other`'s nonces (a chain restarted from its export: auth carried them over). */
  adoptNonces(other: DistributionChain): void {
    for (const [account, nonce] of other.#nonces) this.#nonces.set(account, nonce)
  }

  get height(): number {
    return this.app.height
  }

  /** A signed tx of test account `from` with the next nonce. */
  tx(from: number, messages: { type: Parameters<typeof encode>[0]; value: unknown }[], fee = 200n): Uint8Array {
    const nonce = this.#nonces.get(from) ?? 0n
    this.#nonces.set(from, nonce + 1n)
    return signTx(testKey(from), {
      chainId: CHAIN_ID,
      nonce,
      fee,
      gasLimit: TX_GAS,
      messages: messages.map((m) => encode(m.type, m.value as never)),
      memo: '',
    })
  }

  /**
   * Executes and commits the next block: `proposer` a consensus address, `votes` the previous
   * block's commit (null: none, as in the first block). Every invariant is checked after it.
   */
  async block(txs: Uint8Array[] = [], options: { proposer?: Uint8Array; votes?: CommitVote[] | null } = {}): Promise<ExecutedBlock> {
    const height = this.app.height + 1
    const executed = this.app.executeBlock({
      height,
      time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
      proposer: options.proposer ?? new Uint8Array(20),
      txs,
      lastCommit: options.votes === undefined || options.votes === null ? null : { round: 0, votes: options.votes },
    })
    await this.app.commitBlock(executed)
    this.app.assertInvariants()
    return executed
  }

  query(module: string, name: string, params: Record<string, unknown> = {}): any {
    return this.app.query(module, name, params)
  }

  balance(address: Uint8Array, denom: string): bigint {
    return BigInt((this.query('bank', 'balance', { address: encodeAddress(address), denom }) as { amount: string }).amount)
  }

  balances(address: Uint8Array): Map<string, bigint> {
    const { coins } = this.query('bank', 'balances', { address: encodeAddress(address) }) as { coins: { denom: string; amount: string }[] }
    return new Map(coins.map((c) => [c.denom, BigInt(c.amount)]))
  }

  supply(denom: string): bigint {
    const { supply } = this.query('bank', 'supply') as { supply: { denom: string; amount: string }[] }
    return BigInt(supply.find((c) => c.denom === denom)?.amount ?? '0')
  }

  feeCollector(): Map<string, bigint> {
    return this.balances(moduleAddress(FEE_COLLECTOR))
  }
}

export const addressOf = (i: number): Uint8Array => testKey(i).publicKey.addressBytes
export const valoper = (operator: Uint8Array): string => encodeAddress(operator, 'fedravaloper')
/** A consensus address for fake validator `i` (any 20 bytes do: the fake maps it to the operator). */
export const consensusAddress = (i: number): Uint8Array => new Uint8Array(20).fill(200 + i)

/** Asserts a tx succeeded; returns its result. */
export function ok(executed: ExecutedBlock, index = 0) {
  const result = executed.txResults[index]!
  if (result.code !== 0) throw new Error(`tx ${index} failed: ${result.codespace}/${result.code} ${result.log}`)
  return result
}

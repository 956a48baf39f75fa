import { PrivateKey } from '../../../../src/crypto/index.js'
import { BankKeeper, defaultModules, moduleAddress } from '../../../../src/modules/index.js'
import { STAKING_MODULE_ACCOUNTS, StakingKeeper, stakingModule } from '../../../../src/modules/staking/index.js'
import type { BONDED_POOL, BONDS_POOL, NOT_BONDED_POOL } from '../../../../src/modules/staking/keys.js'
import {
  type Application,
  CacheStore,
  type Composition,
  type Module,
  Context,
  Dec,
  FRAMEWORK,
  GasMeter,
  type ModuleRegistry,
  ModuleError,
  type ValidatorUpdate,
  outsideBlock,
} from '../../../../src/state/index.js'
import { GENESIS_TIME, testGenesisJson, testKey } from '../../../helpers/chain.js'
import { openTestApp, testRegistry } from '../../../support/chain.js'

export const COMPOSITION = { moduleAccounts: STAKING_MODULE_ACCOUNTS }
/** Staking on top of the default modules, unless the defaults include it already (once composed into src/modules/index.ts). */
export const STAKING_EXTRA: Module[] = defaultModules().some((m) => m.name === 'staking') ? [] : [stakingModule]
export const stakingRegistry = (): ModuleRegistry => testRegistry(STAKING_EXTRA, COMPOSITION)

export const DAY = 86_400_000n
export const UNBONDING = 1_814_400_000n
export const MILLION = 1_000_000n
export const addr = (i: number): Uint8Array => testKey(i).publicKey.addressBytes
/** Consensus keys of test validators (distinct from the account keys). */
export const consKey = (i: number): PrivateKey => PrivateKey.fromSeed(new Uint8Array(32).fill(200 - i))
export const consAddr = (i: number): Uint8Array => consKey(i).publicKey.addressBytes
export const coin = (amount: bigint) => ({ denom: 'ufdr', amount })
export const dec = (text: string) => Dec.parse(text)

/** A genesis with `accounts` funded test accounts and staking's section / params. */
export function stakingGenesisJson(
  staking: Record<string, unknown> = {},
  accounts = 8,
  amount = 1_000_000_000_000n,
): Record<string, unknown> {
  const base = testGenesisJson(accounts, amount)
  return { ...base, app_state: { ...(base.app_state as Record<string, unknown>), staking } }
}

/**
 * Drives staking directly over one write cache on a genesis-initialised store: each `tx`
 * runs in a nested cache dropped on failure (as a failed message), `endBlock` runs staking's
 * end-block and moves to the next height, one second of block time later (or `advance`).
 */
export class Harness {
  readonly app: Application
  readonly registry: ModuleRegistry
  store: CacheStore
  height: number
  time: bigint
  readonly events: { type: string; attributes: [string, string][] }[] = []

  private constructor(app: Application) {
    this.app = app
    this.registry = app.registry
    this.store = new CacheStore(app.db)
    this.height = app.height + 1
    this.time = BigInt(Date.parse(GENESIS_TIME)) + 1000n
  }

  static async open(
    dir: string,
    staking: Record<string, unknown> = {},
    accounts = 8,
    extra: Module[] = [],
    composition: Composition = {},
  ): Promise<Harness> {
    return new Harness(
      await openTestApp(dir, [...STAKING_EXTRA, ...extra], { ...COMPOSITION, ...composition }, stakingGenesisJson(staking, accounts)),
    )
  }

  ctx(module = 'staking', store: CacheStore = this.store): Context {
    return new Context(
      { ...outsideBlock('fedra-test-1', this.height), time: this.time },
      store,
      new GasMeter(2n ** 64n),
      this.registry,
      this.events as never,
      module,
    )
  }

  get keeper(): StakingKeeper {
    return new StakingKeeper(this.ctx(), 'staking')
  }

  keeperFor(caller: string): StakingKeeper {
    return new StakingKeeper(this.ctx(), caller)
  }

  get bank(): BankKeeper {
    return new BankKeeper(this.ctx('bank'), FRAMEWORK)
  }

  balance(address: Uint8Array): bigint {
    return this.bank.balance(address, 'ufdr')
  }

  pool(name: typeof BONDED_POOL | typeof NOT_BONDED_POOL | typeof BONDS_POOL): bigint {
    return this.balance(moduleAddress(name))
  }

  supply(): bigint {
    return this.bank.supply('ufdr')
  }

  /** Runs `fn` against a nested cache, kept only if it does not throw (a transaction). */
  tx<T>(fn: (k: StakingKeeper) => T): T {
    const nested = new CacheStore(this.store)
    const result = fn(new StakingKeeper(this.ctx('staking', nested), 'staking'))
    nested.flushTo(this.store)
    return result
  }

  /** Like `tx` but the error it must throw: its ModuleError code. */
  fails(fn: (k: StakingKeeper) => unknown): string {
    try {
      this.tx(fn)
    } catch (error) {
      if (error instanceof ModuleError) return error.code
      throw error
    }
    throw new Error('expected a ModuleError')
  }

  endBlock(advance = 1000n): ValidatorUpdate[] {
    const updates = stakingModule.endBlock!(this.ctx()) ?? []
    this.height++
    this.time += advance
    return updates
  }

  /** Every module's invariants on the current store; throws naming the first that fails. */
  assertInvariants(): void {
    const broken = this.brokenInvariant()
    if (broken !== null) throw new Error(broken)
  }

  brokenInvariant(): string | null {
    for (const module of this.registry.modules) {
      for (const [name, check] of Object.entries(module.invariants)) {
        const broken = check(this.ctx(module.name))
        if (broken !== null) return `${module.name}/${name}: ${broken}`
      }
    }
    return null
  }

  /** Creates a validator run by account `i` with consensus key consKey(i). */
  createValidator(i: number, selfBond: bigint, options: { rate?: string; maxRate?: string; maxChange?: string; min?: bigint } = {}): void {
    this.tx((k) =>
      k.createValidator(addr(i), {
        pubKey: consKey(i).publicKey.bytes,
        moniker: `val${i}`,
        commissionRate: dec(options.rate ?? '0.1'),
        commissionMaxRate: dec(options.maxRate ?? '0.2'),
        commissionMaxChangeRate: dec(options.maxChange ?? '0.01'),
        minSelfDelegation: options.min ?? 1n,
        value: coin(selfBond),
      }),
    )
  }

  /** Commits the cache as the next height of the store (so exports and queries see it). */
  async commit(): Promise<void> {
    await this.app.db.commit(this.app.db.height + 1, this.app.db.prepare(this.store.writes))
    this.store = new CacheStore(this.app.db)
  }

  close(): Promise<void> {
    return this.app.db.close()
  }
}

export { testKey }

import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import type { StructType } from '../../../../src/codec/index.js'
import { mlpSpec } from '../../../../src/fl/model/spec.js'
import { BankKeeper, moduleAddress } from '../../../../src/modules/index.js'
import { BONDS_POOL, stakingModule } from '../../../../src/modules/staking/index.js'
import {
  SUBNETS_MODULE_ACCOUNTS,
  SubnetsKeeper,
  canonicalModelSpec,
  subnetsModule,
  type SubnetParamsValue,
} from '../../../../src/modules/subnets/index.js'
import {
  type Application,
  CacheStore,
  Context,
  Dec,
  FRAMEWORK,
  GasMeter,
  type MessageHandler,
  ModuleError,
  type ModuleRegistry,
  outsideBlock,
} from '../../../../src/state/index.js'
import { GENESIS_TIME, testGenesisJson, testKey } from '../../../helpers/chain.js'
import { openTestApp } from '../../../support/chain.js'

export const COMPOSITION = { moduleAccounts: SUBNETS_MODULE_ACCOUNTS }
export const DEPOSIT = 1_000_000n
export const UNBONDING = 10_000n
export const addr = (i: number): Uint8Array => testKey(i).publicKey.addressBytes
export const dec = (text: string): Dec => Dec.parse(text)
export const coin = (amount: bigint, denom = 'ufdr') => ({ denom, amount })

/** The CIDv1 (raw, sha2-256) of `text`'s bytes. */
export function cidOf(text: string): string {
  const digest = createHash('sha256').update(text).digest()
  return CID.createV1(0x55, Digest.create(0x12, new Uint8Array(digest))).toString()
}

export const SPEC = canonicalModelSpec(mlpSpec([4, 3, 2]))
export const MODEL_CID = cidOf('initial model')

export function subnetParams(overrides: Partial<SubnetParamsValue> = {}): SubnetParamsValue {
  return {
    validationSet: cidOf('validation set'),
    aggregationRule: 'fedavg',
    timing: { submitWindow: 5, aggregateWindow: 3, gap: 1 },
    quantization: { dtype: 'int16', scale: 16384, maxAbs: 32767, clipNorm: dec('5') },
    sampleCap: 600,
    maxTrainers: 16,
    minTrainerBond: 1000n,
    minAggregatorBond: 5000n,
    membership: 'open',
    sharing: { mode: 'private', subnets: [] },
    rewardSplit: { trainers: dec('0.7'), aggregator: dec('0.1'), scorers: dec('0.15'), data: dec('0.05') },
    aggregatorSlashFraction: dec('0.1'),
    ...overrides,
  }
}

export function createMsg(overrides: Record<string, unknown> = {}) {
  return {
    name: 'digits',
    domain: 'vision/digits',
    description: 'MNIST digits',
    modelSpec: SPEC,
    initialModelCid: MODEL_CID,
    allowList: [] as Uint8Array[],
    params: subnetParams(),
    ...overrides,
  }
}

/** The genesis of the default chain plus subnets: 8 funded accounts, a short unbonding time. */
export function subnetsGenesisJson(
  subnets: Record<string, unknown> = { params: { creation_deposit: String(DEPOSIT) } },
): Record<string, unknown> {
  const base = testGenesisJson(8, 1_000_000_000n)
  return {
    ...base,
    app_state: { ...(base.app_state as Record<string, unknown>), staking: { params: { unbonding_time: String(UNBONDING) } }, subnets },
  }
}

export const openSubnetsApp = (dir: string, genesis: Record<string, unknown> = subnetsGenesisJson()): Promise<Application> =>
  openTestApp(dir, [], {}, genesis)

const handlerOf = (type: StructType<any>): MessageHandler => subnetsModule.messages.find((h) => h.type === type)!

/**
 * Drives subnets' message server directly over one write cache on a genesis-initialised
 * store (as staking's harness): each `send` runs validate and handle in a nested cache kept
 * only on success; `endBlock` runs staking's end-block (bond unbonding matures there) and
 * moves one second (or `advance` ms) on.
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

  static async open(dir: string, genesis?: Record<string, unknown>): Promise<Harness> {
    return new Harness(await openSubnetsApp(dir, genesis))
  }

  ctx(module = 'subnets', store: CacheStore = this.store): Context {
    return new Context(
      { ...outsideBlock('fedra-test-1', this.height), time: this.time },
      store,
      new GasMeter(2n ** 64n),
      this.registry,
      this.events as never,
      module,
    )
  }

  get keeper(): SubnetsKeeper {
    return new SubnetsKeeper(this.ctx())
  }

  /** Runs `fn` on a keeper over a nested cache, kept only if it does not throw. */
  tx<T>(fn: (k: SubnetsKeeper) => T): T {
    const nested = new CacheStore(this.store)
    const result = fn(new SubnetsKeeper(this.ctx('subnets', nested)))
    nested.flushTo(this.store)
    return result
  }

  /** Delivers one message signed by test account `from` (stateless checks, then the handler). */
  send<T>(from: number, type: StructType<any>, message: T): void {
    const handler = handlerOf(type)
    const nested = new CacheStore(this.store)
    handler.validate?.(message)
    handler.handle(this.ctx('subnets', nested), message, testKey(from).publicKey)
    nested.flushTo(this.store)
  }

  /** The ModuleError code the message fails with (stateless or stateful). */
  fails<T>(from: number, type: StructType<any>, message: T): string {
    return codeOf(() => this.send(from, type, message))
  }

  /** Only the stateless checks (what the mempool refuses before a block). */
  failsValidate<T>(type: StructType<any>, message: T): string {
    return codeOf(() => handlerOf(type).validate?.(message))
  }

  endBlock(advance = 1000n): void {
    stakingModule.endBlock!(this.ctx('staking'))
    this.height++
    this.time += advance
  }

  get bank(): BankKeeper {
    return new BankKeeper(this.ctx('bank'), FRAMEWORK)
  }

  balance(address: Uint8Array): bigint {
    return this.bank.balance(address, 'ufdr')
  }

  deposits(): bigint {
    return this.balance(moduleAddress('subnets'))
  }

  bondsPool(): bigint {
    return this.balance(moduleAddress(BONDS_POOL))
  }

  supply(): bigint {
    return this.bank.supply('ufdr')
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

  assertInvariants(): void {
    const broken = this.brokenInvariant()
    if (broken !== null) throw new Error(broken)
  }

  async commit(): Promise<void> {
    await this.app.db.commit(this.app.db.height + 1, this.app.db.prepare(this.store.writes))
    this.store = new CacheStore(this.app.db)
  }

  close(): Promise<void> {
    return this.app.db.close()
  }
}

export function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  throw new Error('expected a ModuleError')
}

export { testKey }

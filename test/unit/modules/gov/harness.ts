import { type StructType, encode } from '../../../../src/codec/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import {
  GOV_ERRORS,
  govModule,
  MsgCancelUpgrade,
  MsgSoftwareUpgrade,
  MsgUpdateParams,
  type MsgSubmitProposalValue,
} from '../../../../src/modules/gov/index.js'
import { DEFAULT_COMPOSITION } from '../../../../src/modules/index.js'
import {
  type Application,
  type Composition,
  type ExecutedBlock,
  type Module,
  ModuleError,
  type TxResult,
} from '../../../../src/state/index.js'
import { GENESIS_TIME, testGenesisJson, testKey } from '../../../helpers/chain.js'
import { openTestApp, signedTx } from '../../../support/chain.js'

export const T0 = BigInt(Date.parse(GENESIS_TIME))
export const DENOM = 'ufdr'
/** Validators 0..3 with these self-bonds; accounts 4..9 are delegators, proposers, depositors. */
export const SELF_BONDS = [10_000_000n, 20_000_000n, 30_000_000n, 40_000_000n]
export const VALIDATORS = [0, 1, 2, 3]
export const ACCOUNTS = 10
export const FUNDS = 1_000_000_000n

export const addr = (i: number): Uint8Array => testKey(i).publicKey.addressBytes
export const who = (i: number): string => encodeAddress(addr(i))
export const valoper = (i: number): string => encodeAddress(addr(i), 'fedravaloper')
export const coin = (amount: bigint) => ({ denom: DENOM, amount })

/** Devnet-like gov params: blocks are 1 s apart, so periods are counted in blocks. */
export const GOV_PARAMS = {
  min_deposit: '1000',
  expedited_min_deposit: '5000',
  max_deposit_period: '10000',
  voting_period: '10000',
  expedited_voting_period: '4000',
}

/** Gov as the default chain composes it (src/modules/index.ts: its account with `burner`, the params authority, end-block before staking's). */
export function govComposition(): Composition {
  return { paramsAuthorities: DEFAULT_COMPOSITION.paramsAuthorities, moduleAccounts: DEFAULT_COMPOSITION.moduleAccounts }
}

export function govGenesisJson(gov: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = testGenesisJson(ACCOUNTS, FUNDS)
  return {
    ...base,
    app_state: {
      ...(base.app_state as Record<string, unknown>),
      staking: {
        gen_validators: VALIDATORS.map((i) => ({
          operator: who(i),
          pub_key: testKey(100 + i).publicKey.hex,
          moniker: `v${i}`,
          self_bond: String(SELF_BONDS[i]),
          commission: { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01' },
        })),
      },
      // No emission: supply then moves only by gov's burns.
      distribution: { params: { emission_per_block: '0' } },
      gov: { ...gov, params: { ...GOV_PARAMS, ...((gov.params as Record<string, unknown> | undefined) ?? {}) } },
      ...extra,
    },
  }
}

export type Tx = [account: number, type: StructType<any>, value: unknown]

export const sumAmounts = (texts: string[]): bigint => texts.reduce((s, t) => s + BigInt(t.replace(/[a-z]+$/, '')), 0n)

export const eventsOf = (executed: ExecutedBlock, type: string) =>
  [...executed.beginBlockEvents, ...executed.txResults.flatMap((r) => r.events), ...executed.endBlockEvents]
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes))

/** The gov code name of a tx result ('OK' on success, `tx:<code>` for a refusal outside gov's codespace). */
export function codeOf(result: TxResult): string {
  if (result.code === 0) return 'OK'
  if (result.codespace !== 'gov') return `${result.codespace}:${result.code}`
  return Object.entries(GOV_ERRORS).find(([, n]) => n === result.code)?.[0] ?? `gov:${result.code}`
}

/** The code a gov message's stateless checks (its handler's validate) refuse it with, or 'OK'. */
export function statelessCode(type: StructType<any>, value: unknown, module: Module = govModule): string {
  const handler = module.messages.find((h) => h.type === type)!
  try {
    handler.validate?.(value)
  } catch (error) {
    if (error instanceof ModuleError) return error.code
    throw error
  }
  return 'OK'
}

export const updateParams = (module: string, params: Record<string, unknown>): Uint8Array =>
  encode(MsgUpdateParams, { module, params: JSON.stringify(params) })
export const softwareUpgrade = (name: string, height: bigint, info = ''): Uint8Array => encode(MsgSoftwareUpgrade, { name, height, info })
export const cancelUpgrade = (): Uint8Array => encode(MsgCancelUpgrade, {})

export function proposal(overrides: Partial<MsgSubmitProposalValue> = {}): MsgSubmitProposalValue {
  return {
    messages: [],
    title: 'A proposal',
    summary: 'What it does and why.',
    metadata: '',
    initialDeposit: coin(1000n),
    expedited: false,
    ...overrides,
  }
}

/**
 * A chain of the default modules plus gov on four bonded validators, driven block by block
 * (one second apart, no last commit: nobody is jailed). After every block: every module's
 * invariants, and the ufdr supply equals the genesis supply less every burn gov reported.
 */
export class GovChain {
  readonly app: Application
  readonly blocks: ExecutedBlock[] = []
  readonly nonces = new Map<number, bigint>()
  readonly genesisSupply: bigint
  burned = 0n

  private constructor(app: Application) {
    this.app = app
    this.genesisSupply = this.supply()
  }

  static async open(
    dir: string,
    gov: Record<string, unknown> = {},
    options: { extra?: Record<string, unknown>; module?: Module } = {},
  ): Promise<GovChain> {
    const app = await openTestApp(dir, [options.module ?? govModule], govComposition(), govGenesisJson(gov, options.extra ?? {}))
    return new GovChain(app)
  }

  get height(): number {
    return this.app.height
  }

  /** Block time of the next block. */
  get nextTime(): bigint {
    return T0 + BigInt(this.app.height + 1) * 1000n
  }

  tx(account: number, type: StructType<any>, value: unknown): Uint8Array {
    const nonce = this.nonces.get(account) ?? 0n
    this.nonces.set(account, nonce + 1n)
    return signedTx(account, nonce, [encode(type, value as never)])
  }

  async block(...txs: Tx[]): Promise<ExecutedBlock> {
    return this.blockOf(txs.map(([account, type, value]) => this.tx(account, type, value)))
  }

  async blockOf(txs: Uint8Array[]): Promise<ExecutedBlock> {
    const height = this.app.height + 1
    const executed = this.app.executeBlock({
      height,
      time: T0 + BigInt(height) * 1000n,
      proposer: testKey(100).publicKey.addressBytes,
      txs,
    })
    await this.app.commitBlock(executed)
    this.blocks.push(executed)
    this.app.assertInvariants()
    this.burned += sumAmounts(eventsOf(executed, 'deposits_burned').map((e) => e.amount!))
    const supply = this.supply()
    if (supply !== this.genesisSupply - this.burned)
      throw new Error(`block ${height}: supply ${supply}, expected ${this.genesisSupply} − burned ${this.burned}`)
    return executed
  }

  /** Commits empty blocks until the next block has time ≥ `time`, then that one too. */
  async untilTime(time: bigint): Promise<ExecutedBlock> {
    while (this.nextTime < time) await this.block()
    return this.block()
  }

  query<T = any>(name: string, params: Record<string, unknown> = {}, module = 'gov'): T {
    return this.app.query(module, name, params) as T
  }

  proposal(id: bigint | number): any {
    return this.query('proposal', { id: String(id) })
  }

  balance(account: number | Uint8Array): bigint {
    const address = typeof account === 'number' ? addr(account) : account
    return BigInt((this.app.query('bank', 'balance', { address: encodeAddress(address), denom: DENOM }) as { amount: string }).amount)
  }

  supply(): bigint {
    const { supply } = this.app.query('bank', 'supply') as { supply: { denom: string; amount: string }[] }
    return BigInt(supply.find((c) => c.denom === DENOM)?.amount ?? '0')
  }

  close(): Promise<void> {
    return this.app.db.close()
  }
}

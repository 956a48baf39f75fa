import { createHash } from 'node:crypto'
import type { StructType } from '../../../../src/codec/index.js'
import { encodeAddress, merkleRoot } from '../../../../src/crypto/index.js'
import {
  DATANETS_ACCOUNT,
  DATANETS_ERRORS,
  DATANETS_MODULE_ACCOUNTS,
  MsgContribute,
  MsgCreateDatanet,
  MsgCurate,
  MsgDeclareData,
  MsgPublishVersion,
  type DatanetsView,
  type MsgContributeValue,
  type MsgCreateDatanetValue,
  datanetsModule,
  declaredLeaf,
} from '../../../../src/modules/datanets/index.js'
import { Dec, type ExecutedBlock, type Module, ModuleError, expectKeeper, moduleAddress } from '../../../../src/state/index.js'
import {
  ADMIN,
  AGGREGATORS,
  OUTSIDER,
  TRAINERS,
  TrainingChain,
  addr,
  coin,
  eventsOf,
  trainingGenesisJson,
  type Tx,
} from '../training/harness.js'

export { ADMIN, AGGREGATORS, OUTSIDER, TRAINERS, addr, coin, eventsOf, type Tx }

/** Curators of the test Datanets: the training harness' aggregators 5, 6 and its outsider 7 (two of three accept). */
export const CURATORS = [5, 6, 7]
export const OWNER = ADMIN
export const DEPOSIT = 2_000_000n
export const MIN_BOND = 1000n
export const LICENCE = 'CC-BY-4.0'
/** Round 0 of subnet 0 opens at height 2 and takes updates (and declarations) until height 2 + SUBMIT_WINDOW − 1. */
export const SUBMIT_WINDOW = 30

export const who = (account: number): string => encodeAddress(addr(account))
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

export function datanetsGenesisJson(datanets: Record<string, unknown> = {}): Record<string, unknown> {
  const base = trainingGenesisJson()
  const section = {
    ...datanets,
    params: { creation_deposit: String(DEPOSIT), ...((datanets.params as Record<string, unknown> | undefined) ?? {}) },
  }
  return { ...base, app_state: { ...(base.app_state as Record<string, unknown>), datanets: section } }
}

export function createMsg(overrides: Partial<MsgCreateDatanetValue> = {}): MsgCreateDatanetValue {
  return {
    name: 'Chest X-rays',
    domain: 'medical/radiology',
    description: 'Frontal chest radiographs with findings',
    recordSchema: '{"image":"png","labels":"string[]"}',
    licence: LICENCE,
    curators: CURATORS.map(addr),
    approvals: 2,
    contributionBond: MIN_BOND,
    rejectSlashFraction: Dec.parse('0.25'),
    privacy: 'public',
    ...overrides,
  }
}

/** A private record's message: content `text` committed by its SHA-256. */
export const hashRecord = (datanet: bigint, text: string, overrides: Partial<MsgContributeValue> = {}): MsgContributeValue => ({
  datanet,
  contentKind: 'hash',
  contentId: sha256Hex(text),
  size: BigInt(text.length),
  licence: '',
  metadata: '{"source":"clinic"}',
  bond: coin(MIN_BOND),
  ...overrides,
})

/** A module that reads datanets as the lineage module will: through the published view, declared as an expected keeper. */
const PROBE = 'datanetsprobe'
const DATANETS_VIEW = expectKeeper<DatanetsView>('datanets', { record: true, version: true, declarations: true })
const probeModule: Module = {
  name: PROBE,
  expects: [DATANETS_VIEW],
  messages: [],
  queries: { view: (ctx, p) => (p.read as (keeper: DatanetsView) => unknown)(ctx.keeper(DATANETS_VIEW)) },
  keeper: () => ({}),
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  invariants: {},
}

export interface OpenOptions {
  /** `app_state.datanets` (its params, books), merged over the test deposit. */
  datanets?: Record<string, unknown>
  /** The whole genesis, instead of datanetsGenesisJson(datanets). */
  genesis?: Record<string, unknown>
  /** A module in place of datanetsModule (a planted bug). */
  module?: Module
}

/**
 * A chain of the default modules plus datanets (composed with its module account, as
 * src/modules/index.ts will), with subnet 0 (the training harness' tiny model, a long submit
 * window) and its trainers 2, 3, 4 and aggregators 5, 6 joined in block 1: round 0 is in its submit
 * phase from height 2 to 2 + SUBMIT_WINDOW − 1. Every block checks every invariant (TrainingChain).
 */
export class DatanetsChain {
  readonly chain: TrainingChain
  readonly blocks: ExecutedBlock[] = []

  private constructor(chain: TrainingChain) {
    this.chain = chain
  }

  static async open(dir: string, options: OpenOptions = {}): Promise<DatanetsChain> {
    const chain = await TrainingChain.withSubnet(
      dir,
      { timing: { submitWindow: SUBMIT_WINDOW, aggregateWindow: 2, gap: 1 } },
      {
        genesis: options.genesis ?? datanetsGenesisJson(options.datanets),
        extra: [options.module ?? datanetsModule, probeModule],
        composition: { moduleAccounts: DATANETS_MODULE_ACCOUNTS },
      },
    )
    return new DatanetsChain(chain)
  }

  /** A chain from a whole genesis (an exported app state), composed as `open` does, without creating anything. */
  static async restore(dir: string, genesis: Record<string, unknown>): Promise<DatanetsChain> {
    return new DatanetsChain(
      await TrainingChain.open(dir, {
        genesis,
        extra: [datanetsModule, probeModule],
        composition: { moduleAccounts: DATANETS_MODULE_ACCOUNTS },
      }),
    )
  }

  get app() {
    return this.chain.app
  }

  get height(): number {
    return this.chain.height
  }

  async block(...txs: Tx[]): Promise<ExecutedBlock> {
    const executed = await this.chain.block(...txs)
    this.blocks.push(executed)
    return executed
  }

  /** One tx in a block of its own; its result's code name in the datanets codespace ('OK' when it passed). */
  async try(from: number, type: StructType<any>, message: unknown): Promise<string> {
    const executed = await this.block([from, type, message])
    return resultName(executed, 0)
  }

  /** Like `try`, but the tx must pass. */
  async ok(from: number, type: StructType<any>, message: unknown): Promise<ExecutedBlock> {
    const executed = await this.block([from, type, message])
    const result = executed.txResults[0]!
    if (result.code !== 0) throw new Error(`${type.name} was refused: ${result.codespace}/${result.code} ${result.log}`)
    return executed
  }

  /** Datanet `id` created by OWNER (the next one when ids are sequential), as `overrides` say. */
  async create(overrides: Partial<MsgCreateDatanetValue> = {}): Promise<bigint> {
    const executed = await this.ok(OWNER, MsgCreateDatanet, createMsg(overrides))
    return BigInt(eventsOf(executed, 'datanet_created')[0]!.datanet!)
  }

  /** A public record: `bytes` stored as a blob the message declares. */
  publicRecord(datanet: bigint, bytes: Uint8Array, overrides: Partial<MsgContributeValue> = {}): MsgContributeValue {
    const cid = this.chain.put(bytes)
    return {
      datanet,
      contentKind: 'cid',
      contentId: cid,
      size: BigInt(bytes.length),
      licence: LICENCE,
      metadata: '',
      bond: coin(MIN_BOND),
      ...overrides,
    }
  }

  /** Contributes `message` as `from`; returns the record id. */
  async contribute(from: number, message: MsgContributeValue): Promise<bigint> {
    const executed = await this.ok(from, MsgContribute, message)
    return BigInt(eventsOf(executed, 'record_contributed')[0]!.record!)
  }

  /** The votes `approvals` (curator → approve?) on one record, one block. */
  async curate(datanet: bigint, record: bigint, votes: [curator: number, approve: boolean][]): Promise<ExecutedBlock> {
    const executed = await this.block(
      ...votes.map(([c, approve]): Tx => [c, MsgCurate, { datanet, record, approve, reason: approve ? 0 : 7 }]),
    )
    executed.txResults.forEach((r, i) => {
      if (r.code !== 0) throw new Error(`vote ${i} was refused: ${r.codespace}/${r.code} ${r.log}`)
    })
    return executed
  }

  async accept(datanet: bigint, record: bigint): Promise<void> {
    await this.curate(datanet, record, [
      [CURATORS[0]!, true],
      [CURATORS[1]!, true],
    ])
  }

  async publish(datanet: bigint, from = OWNER): Promise<bigint> {
    const executed = await this.ok(from, MsgPublishVersion, { datanet })
    return BigInt(eventsOf(executed, 'version_published')[0]!.version!)
  }

  /** What another module reads through its expected keeper (the probe module's `view` query). */
  view<T>(read: (keeper: DatanetsView) => T): T {
    return this.app.query(PROBE, 'view', { read }) as T
  }

  query<T>(name: string, params: Record<string, unknown> = {}): T {
    return this.app.query('datanets', name, params) as T
  }

  balance(account: number | Uint8Array): bigint {
    const address = typeof account === 'number' ? addr(account) : account
    return BigInt((this.app.query('bank', 'balance', { address: encodeAddress(address), denom: 'ufdr' }) as { amount: string }).amount)
  }

  moduleBalance(): bigint {
    return this.balance(moduleAddress(DATANETS_ACCOUNT))
  }

  supply(): bigint {
    return this.chain.supply()
  }

  close(): Promise<void> {
    return this.chain.close()
  }
}

/** The code a message's stateless check (its handler's `validate`) refuses it with, or 'OK'. On chain such a tx fails as the tx layer's INVALID_MESSAGE, carrying this code. */
export function statelessCode(type: StructType<any>, message: unknown): string {
  const handler = datanetsModule.messages.find((h) => h.type === type)!
  try {
    handler.validate?.(message)
  } catch (error) {
    if (error instanceof ModuleError && error.context.codespace === 'datanets') return error.code
    throw error
  }
  return 'OK'
}

const NAMES = new Map<number, string>(Object.entries(DATANETS_ERRORS).map(([name, code]) => [code, name]))

/** A tx result as the name of its datanets code ('OK' for success; `codespace/code` for another codespace's). */
export function resultName(executed: ExecutedBlock, index: number): string {
  const r = executed.txResults[index]!
  if (r.code === 0) return 'OK'
  return r.codespace === 'datanets' ? (NAMES.get(r.code) ?? `datanets/${r.code}`) : `${r.codespace}/${r.code}`
}

/** The root a trainer declares: over DeclaredLeaf { record leaf hash, count } of its records in ascending order. */
export const declarationRootOf = (leafHashes: Uint8Array[], counts: number[]): Uint8Array =>
  merkleRoot(leafHashes.map((h, i) => declaredLeaf(h, counts[i]!)))

export { MsgContribute, MsgCreateDatanet, MsgCurate, MsgDeclareData, MsgPublishVersion }

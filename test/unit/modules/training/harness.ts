import { encode, type StructType } from '../../../../src/codec/index.js'
import { buildUnixfsFile, formatCid } from '../../../../src/blobs/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { mlpSpec } from '../../../../src/fl/model/spec.js'
import { getAggregationRule } from '../../../../src/fl/rules/registry.js'
import { REPUTATION_UNIT } from '../../../../src/fl/rules/repfedavg.js'
import { type UpdateDtype, encodeUpdateBlob } from '../../../../src/fl/update/blob.js'
import { canonicalModelSpec, MsgCreateSubnet, MsgJoinSubnet, type SubnetParamsValue } from '../../../../src/modules/subnets/index.js'
import { MsgSubmitAggregate, MsgSubmitUpdate, type MsgSubmitUpdateValue } from '../../../../src/modules/training/index.js'
import {
  type Application,
  type Composition,
  type EnvelopeOpener,
  type ExecutedBlock,
  type Module,
  blobReader,
  signTx,
} from '../../../../src/state/index.js'
import { CHAIN_ID, FEE, GAS_LIMIT, GENESIS_TIME, testKey } from '../../../helpers/chain.js'
import { openTestApp } from '../../../support/chain.js'
import { addr, coin, createMsg, subnetParams, subnetsGenesisJson } from '../subnets/harness.js'

export { addr, coin, subnetParams }

/** A tiny model: 2 inputs, 2 outputs, 6 parameters, so every blob is a few bytes. */
export const SPEC = canonicalModelSpec(mlpSpec([2, 2]))
export const N = 6
export const SCALE = 16384

/** The parameter store's CID of `bytes` (src/blobs' own UnixFS builder, independent of the module's). */
export const storeCid = (bytes: Uint8Array): string => formatCid(buildUnixfsFile(bytes).root)

export function updateBlob(values: number[], options: { dtype?: UpdateDtype; scale?: number; shape?: number[] } = {}): Uint8Array {
  return encodeUpdateBlob({
    dtype: options.dtype ?? 'int16',
    shape: options.shape ?? [values.length],
    scale: options.scale ?? SCALE,
    values: Int32Array.from(values),
  })
}

export const INITIAL_VALUES = [1000, -2000, 3000, -4000, 0, 16384]
export const INITIAL_MODEL = encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: Int32Array.from(INITIAL_VALUES) })
export const INITIAL_CID = storeCid(INITIAL_MODEL)

/** Trainers 2, 3, 4; aggregators 5, 6; account 7 joins nothing; account 1 administers. */
export const ADMIN = 1
export const TRAINERS = [2, 3, 4]
export const AGGREGATORS = [5, 6]
export const OUTSIDER = 7
export const AGGREGATOR_BOND = 5000n
export const TRAINER_BOND = 1000n

/** Round timing of the test subnet: submit 3 blocks, aggregate 2, gap 1. */
export const TIMING = { submitWindow: 3, aggregateWindow: 2, gap: 1 }

export function testSubnetParams(overrides: Partial<SubnetParamsValue> = {}): SubnetParamsValue {
  return subnetParams({ timing: TIMING, minTrainerBond: TRAINER_BOND, minAggregatorBond: AGGREGATOR_BOND, ...overrides })
}

export const createTrainingSubnet = (overrides: Record<string, unknown> = {}, params: Partial<SubnetParamsValue> = {}) =>
  createMsg({ modelSpec: SPEC, initialModelCid: INITIAL_CID, params: testSubnetParams(params), ...overrides })

/**
 * The chains of these tests (and of the reputation and RPC tests built on them) run near-copy at
 * cosine 1 (only exactly parallel updates) and look for exact duplicates in the current round
 * only, unless `training.params` says otherwise: their toy 6-parameter updates point in nearly
 * one direction (cosines 0.99+), unlike real trainers' (docs/training.md), and some tests submit
 * the very same updates again in a later round. free-riders.test.ts tests the module's defaults
 * (0.99, 100 rounds).
 */
export const TEST_NEAR_COPY_COSINE = '1'
export const TEST_MEMORY_ROUNDS = 0

export function trainingGenesisJson(training?: Record<string, unknown>): Record<string, unknown> {
  const base = subnetsGenesisJson()
  const params = {
    near_copy_cosine: TEST_NEAR_COPY_COSINE,
    free_rider_memory_rounds: TEST_MEMORY_ROUNDS,
    // the subnet admin may publish envelope key sets (a test of the gate itself passes its own list)
    envelope_admins: [testKey(ADMIN).publicKey.address],
    ...((training?.params as Record<string, unknown> | undefined) ?? {}),
  }
  return { ...base, app_state: { ...(base.app_state as Record<string, unknown>), training: { ...(training ?? {}), params } } }
}

export type Tx = [from: number, type: StructType<any>, message: unknown, gasLimit?: bigint]

/** The expected aggregate and next model of honest updates, from the FL library's reference rule and src/blobs' CIDs. */
export function honestAggregate(updates: { values: number[]; weight: number }[], base = INITIAL_VALUES, rule = 'fedavg') {
  const result = getAggregationRule(rule).reference({
    updates: updates.map((u) => Int32Array.from(u.values)),
    weights: updates.map((u) => u.weight),
    reputations: updates.map(() => REPUTATION_UNIT),
  }).values
  const aggregateBytes = encodeUpdateBlob({ dtype: 'int16', shape: [N], scale: SCALE, values: result })
  const modelValues = Int32Array.from(base.map((v, i) => v + result[i]!))
  const modelBytes = encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: modelValues })
  const aggregateCid = remember(aggregateBytes)
  const modelCid = remember(modelBytes)
  return { values: Array.from(result), aggregateBytes, aggregateCid, modelValues: Array.from(modelValues), modelBytes, modelCid }
}

// Every output blob honestAggregate made, by CID: MsgSubmitAggregate declares its result and
// model blobs, and TrainingChain.aggregate stores the claimed ones it finds here, as an
// aggregator stores its outputs on its node before it submits. Content-addressed, so one map
// serves every chain of a test file.
const outputs = new Map<string, Uint8Array>()

function remember(bytes: Uint8Array): string {
  const cid = storeCid(bytes)
  outputs.set(cid, bytes)
  return cid
}

export function updateMsg(
  subnet: bigint,
  round: bigint,
  blob: Uint8Array,
  overrides: Partial<MsgSubmitUpdateValue> = {},
): MsgSubmitUpdateValue {
  return {
    subnet,
    round,
    updateCid: storeCid(blob),
    sampleCount: 100,
    epochId: 1n,
    deviceIdHash: new Uint8Array(32).fill(7),
    byteSize: BigInt(blob.length),
    claimedMetrics: [{ name: 'accuracy', value: 912_000n }],
    ...overrides,
  }
}

/**
 * A chain of the default modules plus training (and `extra`), driven block by block: `block`
 * signs one tx per entry (nonces tracked), loads the blobs its messages declare from `blobs`
 * (every blob the test made: `put`), executes, commits and checks every invariant.
 */
export class TrainingChain {
  readonly app: Application
  readonly blobs = new Map<string, Uint8Array>()
  /** The node's envelope opener for private subnets (none: NO_ENVELOPES). */
  envelopes: EnvelopeOpener | undefined
  readonly #nonces = new Map<number, bigint>()

  private constructor(app: Application) {
    this.app = app
    this.put(INITIAL_MODEL)
  }

  static async open(
    dir: string,
    options: { genesis?: Record<string, unknown>; extra?: Module[]; composition?: Composition } = {},
  ): Promise<TrainingChain> {
    return new TrainingChain(
      await openTestApp(dir, [...(options.extra ?? [])], options.composition ?? {}, options.genesis ?? trainingGenesisJson()),
    )
  }

  /** Opens a chain with subnet 0 created and its trainers and aggregators joined in block 1; round 0 opens at height 2. */
  static async withSubnet(
    dir: string,
    params: Partial<SubnetParamsValue> = {},
    options: Parameters<typeof TrainingChain.open>[1] = {},
  ): Promise<TrainingChain> {
    const chain = await TrainingChain.open(dir, options)
    await chain.block(
      [ADMIN, MsgCreateSubnet, createTrainingSubnet({}, params)],
      ...TRAINERS.map((t): Tx => [t, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }]),
      ...AGGREGATORS.map((a): Tx => [a, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }]),
    )
    return chain
  }

  put(bytes: Uint8Array): string {
    const cid = storeCid(bytes)
    this.blobs.set(cid, bytes)
    return cid
  }

  get height(): number {
    return this.app.height
  }

  sign(from: number, type: StructType<any>, message: unknown, gasLimit = GAS_LIMIT): Uint8Array {
    const nonce = this.#nonces.get(from) ?? 0n
    this.#nonces.set(from, nonce + 1n)
    return signTx(testKey(from), { chainId: CHAIN_ID, nonce, fee: FEE, gasLimit, messages: [encode(type, message as never)], memo: '' })
  }

  async block(...txs: Tx[]): Promise<ExecutedBlock> {
    return this.blockOf(txs.map(([from, type, message, gas]) => this.sign(from, type, message, gas)))
  }

  async blockOf(txs: Uint8Array[], loaded: ReadonlyMap<string, Uint8Array> = this.blobs): Promise<ExecutedBlock> {
    const height = this.app.height + 1
    const executed = this.app.executeBlock({
      height,
      time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
      proposer: testKey(100).publicKey.addressBytes,
      txs,
      blobs: blobReader(this.app.referencedBlobs(txs), loaded),
      ...(this.envelopes === undefined ? {} : { envelopes: this.envelopes }),
    })
    await this.app.commitBlock(executed)
    this.app.assertInvariants()
    return executed
  }

  /** Empty blocks until the committed height is `height`. */
  async until(height: number): Promise<void> {
    while (this.app.height < height) await this.block()
  }

  submit(from: number, blob: Uint8Array, overrides: Partial<MsgSubmitUpdateValue> = {}, round = 0n, subnet = 0n): Tx {
    this.put(blob)
    return [from, MsgSubmitUpdate, updateMsg(subnet, round, blob, overrides)]
  }

  aggregate(
    from: number,
    included: { trainer: number; blob: Uint8Array }[],
    resultCid: string,
    newGlobalCid: string,
    options: { round?: bigint; base?: string; subnet?: bigint; gas?: bigint } = {},
  ): Tx {
    const sorted = included
      .map((i) => ({ trainer: addr(i.trainer), updateCid: storeCid(i.blob) }))
      .sort((a, b) => Buffer.compare(a.trainer, b.trainer))
    const message = {
      subnet: options.subnet ?? 0n,
      round: options.round ?? 0n,
      baseGlobalCid: options.base ?? INITIAL_CID,
      included: sorted,
      resultCid,
      newGlobalCid,
    }
    for (const cid of [resultCid, newGlobalCid]) {
      const bytes = outputs.get(cid)
      if (bytes !== undefined) this.put(bytes)
    }
    return [from, MsgSubmitAggregate, message, options.gas]
  }

  query<T>(name: string, params: Record<string, unknown> = {}): T {
    return this.app.query('training', name, params) as T
  }

  supply(): bigint {
    return BigInt(
      (this.app.query('bank', 'supply') as { supply: { denom: string; amount: string }[] }).supply.find((c) => c.denom === 'ufdr')!.amount,
    )
  }

  bond(subnet: bigint, role: 'trainer' | 'aggregator', account: number): bigint {
    const members = (
      this.app.query('subnets', 'members', { subnet: String(subnet), role }) as { members: { address: string; bond: string }[] }
    ).members
    return BigInt(members.find((m) => m.address === encodeAddress(addr(account)))?.bond ?? '0')
  }

  close(): Promise<void> {
    return this.app.db.close()
  }
}

/** Codespace and code of each tx result of a block. */
export const codes = (executed: ExecutedBlock): [string, number][] => executed.txResults.map((r) => [r.codespace, r.code])

export const eventsOf = (executed: ExecutedBlock, type: string) =>
  [...executed.beginBlockEvents, ...executed.txResults.flatMap((r) => r.events), ...executed.endBlockEvents]
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes))

import { CodecError, decode, encode, peekStructTag } from '../codec/index.js'
import { toHex } from '../crypto/index.js'
import type { CommitInfo, Misbehaviour } from './consensus-info.js'
import { type BlobReader, Context, type BlockInfo, NO_BLOBS, outsideBlock } from './context.js'
import { type EnvelopeOpener, NO_ENVELOPES } from './envelopes.js'
import { type CheckedTx, type CheckedTxs, type TxResult, checkTxStateless, deliverTx, runAnte } from './deliver-tx.js'
import { StateError } from './errors.js'
import type { Event } from './events.js'
import { GasMeter } from './gas.js'
import type { Genesis } from './genesis.js'
import { CacheStore, type KVReader } from './kv.js'
import { keyBytes, keyId } from './bytes.js'
import type { StateProof } from './proof.js'
import type { ModuleRegistry } from './module.js'
import { readParams, writeParams } from './params.js'
import { BlockResults, type BlockResultsValue, blockResultsRecord } from './results.js'
import type { PreparedState, StateDB } from './state-db.js'
import { Tx, type TxValue, type VerifiedTxs, txHash } from './tx.js'
import { ModuleError, TxError } from './tx-errors.js'
import { GenesisValidatorsRecord, type ValidatorUpdate, mergeValidatorUpdates } from './validator-updates.js'

/** What execution needs of a block; consensus supplies it from the header and body. */
export interface BlockInput {
  height: number
  time: bigint
  proposer: Uint8Array
  txs: Uint8Array[]
  /** The block's evidence as misbehaviour; none when absent. */
  evidence?: Misbehaviour[]
  /** The previous block's commit as who signed it; null when absent (the first block). */
  lastCommit?: CommitInfo | null
  /** The blobs the block's messages declare (`referencedBlobs`), loaded; none by default. */
  blobs?: BlobReader
  /** This node's envelope opener (envelopes.ts); none by default. */
  envelopes?: EnvelopeOpener
  /**
   * Txs of this block the caller already checked statelessly (`checkUnseen`), by hash: execution
   * reuses them, as it reuses the mempool's. Only the time spent changes, never an outcome.
   */
  prechecked?: ReadonlyMap<string, CheckedTx>
}

export interface ExecutedBlock {
  input: BlockInput
  prepared: PreparedState
  /** The state root after this block: what its header commits to. */
  stateRoot: Uint8Array
  txResults: TxResult[]
  beginBlockEvents: Event[]
  endBlockEvents: Event[]
  /** What the modules' end-block asked consensus to change, effective at height + 2. */
  validatorUpdates: ValidatorUpdate[]
}

const RESULTS = 0x72 // 'r' + height → BlockResults
const GENESIS_VALIDATORS = Uint8Array.of(0x67) // 'g' → GenesisValidators: the set initChain decided

export function heightKey(namespace: number, height: number): Uint8Array {
  const key = new Uint8Array(9)
  key[0] = namespace
  new DataView(key.buffer).setBigUint64(1, BigInt(height))
  return key
}

const UNLIMITED = 2n ** 64n

/**
 * The state machine a node drives (CometBFT's ABCI, in-process): genesis, executing a block
 * speculatively to learn its state root, committing it, and checking transactions for the
 * mempool. Execution is a pure function of the committed state and the block.
 */
export class Application {
  readonly db: StateDB
  readonly registry: ModuleRegistry
  readonly genesis: Genesis
  /** Hashes of txs whose signatures this node already verified (the mempool's), or none. */
  verifiedTxs: VerifiedTxs | undefined
  /** Txs this node already decoded and checked statelessly (the mempool's pending ones), or none. */
  checkedTxs: CheckedTxs | undefined

  constructor(db: StateDB, registry: ModuleRegistry, genesis: Genesis) {
    this.db = db
    this.registry = registry
    this.genesis = genesis
  }

  get chainId(): string {
    return this.genesis.chainId
  }

  get height(): number {
    return this.db.height
  }

  #blockInfo(
    height: number,
    time: bigint,
    proposer: Uint8Array,
    evidence: readonly Misbehaviour[] = [],
    lastCommit: CommitInfo | null = null,
    blobs: BlobReader = NO_BLOBS,
    envelopes: EnvelopeOpener = NO_ENVELOPES,
  ): BlockInfo {
    return {
      chainId: this.genesis.chainId,
      height,
      time,
      proposer,
      evidence,
      lastCommit,
      evidenceMaxAge: this.genesis.consensusParams.evidence.maxAgeBlocks,
      blobs,
      envelopes,
    }
  }

  /**
   * The blobs a block's transactions declare (each message's `MessageHandler.blobs`), sorted and
   * unique: what a validator makes local before executing the block. Cheap by design — it runs
   * for every proposal: nothing when no message type declares blobs; otherwise the tx envelope is
   * decoded (no signature check: a tx that fails its checks in execution reads nothing, at worst
   * its blobs were fetched for nothing) and only the messages whose type declares blobs.
   */
  referencedBlobs(txs: readonly Uint8Array[]): string[] {
    if (!this.registry.declaresBlobs) return []
    const cids = new Set<string>()
    for (const bytes of txs) {
      // A tx this node admitted: what admission decoded and validated finds the same CIDs, without a second decode.
      const admitted = this.checkedTxs?.(toHex(txHash(bytes)))
      if (admitted !== undefined) {
        for (const cid of this.declaredBlobs(admitted)) cids.add(cid)
        continue
      }
      let tx: TxValue
      try {
        tx = decode(Tx, bytes)
      } catch (error) {
        if (error instanceof CodecError) continue
        throw error
      }
      for (const raw of tx.body.messages) {
        const tag = peekStructTag(raw)
        const entry = tag === undefined ? undefined : this.registry.handlerForTag(tag)
        if (entry?.handler.blobs === undefined) continue
        let value: unknown
        try {
          value = decode(entry.handler.type, raw)
          entry.handler.validate?.(value)
        } catch (error) {
          if (error instanceof CodecError || error instanceof ModuleError) continue
          throw error
        }
        for (const cid of entry.handler.blobs(value)) cids.add(cid)
      }
    }
    return [...cids].sort()
  }

  /** What `referencedBlobs` finds in one tx, from the messages checkTxStateless already decoded and validated. */
  declaredBlobs(checked: CheckedTx): string[] {
    const cids = new Set<string>()
    for (const { handler, value } of checked.messages)
      if (handler.blobs !== undefined) for (const cid of handler.blobs(value)) cids.add(cid)
    return [...cids].sort()
  }

  /**
   * Writes the genesis state as height initialHeight − 1, once; a no-op on a store that has it.
   * The genesis validator set is the one a module's genesis returns (staking will), else
   * `genesis.validators` (CometBFT's InitChain rule); it is stored with the state, so a restart
   * reads the same set.
   */
  async initChain(): Promise<void> {
    if (this.db.height >= 0) return
    const store = new CacheStore(this.db)
    const ctx = new Context(
      { ...outsideBlock(this.genesis.chainId, this.genesis.initialHeight - 1), time: this.genesis.genesisTime },
      store,
      new GasMeter(UNLIMITED),
      this.registry,
    )
    const fromModules: { module: string; updates: ValidatorUpdate[] }[] = []
    for (const module of this.registry.initGenesisOrder) {
      const scoped = ctx.forModule(module.name)
      if (module.params !== undefined) writeParams(ctx.moduleStore(module.name), module.params, this.genesis.moduleParams[module.name])
      const updates = module.genesis.init(scoped, this.genesis.appState[module.name])
      if (updates !== undefined && updates.length > 0) fromModules.push({ module: module.name, updates })
    }
    if (fromModules.length > 1) {
      throw new StateError(
        'GENESIS_INVALID',
        `modules ${fromModules.map((m) => m.module).join(' and ')} both return a genesis validator set`,
        { path: 'app_state' },
      )
    }
    const validators =
      fromModules.length === 1
        ? mergeValidatorUpdates(fromModules)
        : this.genesis.validators.map((v) => ({ publicKey: v.publicKey.bytes, power: v.power }))
    const record: [Uint8Array, Uint8Array] = [GENESIS_VALIDATORS, encode(GenesisValidatorsRecord, { validators })]
    await this.db.commit(this.genesis.initialHeight - 1, this.db.prepare(store.writes), [record])
  }

  /** The genesis validator set initChain decided (stores from before it was recorded: genesis.validators). */
  async genesisValidators(): Promise<ValidatorUpdate[]> {
    const bytes = await this.db.getRecord(GENESIS_VALIDATORS)
    if (bytes !== undefined) return decode(GenesisValidatorsRecord, bytes).validators
    return this.genesis.validators.map((v) => ({ publicKey: v.publicKey.bytes, power: v.power }))
  }

  /**
   * The stateless checks (decoding, signature, message validation) of the txs of `txs` this node
   * has not checked before (not pending in its mempool), by hash, for `executeBlock`'s
   * `prechecked`. A node runs them apart so it can time a block's execution without the
   * admission work it skipped for txs it never admitted (shed under load, or gossip that did
   * not reach it). A tx failing them is left out: its execution fails it with the same error.
   */
  checkUnseen(txs: readonly Uint8Array[]): Map<string, CheckedTx> {
    const checked = new Map<string, CheckedTx>()
    const params = this.genesis.consensusParams
    for (const bytes of txs) {
      const hash = toHex(txHash(bytes))
      if (checked.has(hash) || this.checkedTxs?.(hash) !== undefined) continue
      try {
        checked.set(hash, checkTxStateless(bytes, this.genesis.chainId, params, this.registry, this.verifiedTxs))
      } catch (error) {
        if (!(error instanceof TxError)) throw error
      }
    }
    return checked
  }

  /** Runs a block on top of the committed state without committing it. */
  executeBlock(input: BlockInput): ExecutedBlock {
    if (input.height !== this.db.height + 1) {
      throw new StateError('HEIGHT_MISMATCH', `block ${input.height} does not follow committed height ${this.db.height}`, {
        height: input.height,
      })
    }
    const block = this.#blockInfo(
      input.height,
      input.time,
      input.proposer,
      input.evidence,
      input.lastCommit ?? null,
      input.blobs,
      input.envelopes,
    )
    const store = new CacheStore(this.db)
    const beginCtx = new Context(block, store, new GasMeter(UNLIMITED), this.registry)
    for (const module of this.registry.beginBlockOrder) module.beginBlock?.(beginCtx.forModule(module.name))

    const params = this.genesis.consensusParams
    const prechecked = input.prechecked
    const mempool = this.checkedTxs
    const checked: CheckedTxs | undefined =
      prechecked === undefined || prechecked.size === 0 ? mempool : (hash) => prechecked.get(hash) ?? mempool?.(hash)
    let blockGas = 0n
    const txResults = input.txs.map((bytes) => {
      const result = deliverTx(bytes, store, block, params, this.registry, this.verifiedTxs, checked)
      blockGas += result.gasWanted
      return result
    })
    if (blockGas > params.block.maxGas) {
      throw new StateError('OUT_OF_GAS', `block wants ${blockGas} gas, the limit is ${params.block.maxGas}`, {
        limit: params.block.maxGas,
        used: blockGas,
      })
    }

    const endCtx = new Context(block, store, new GasMeter(UNLIMITED), this.registry)
    const updates: { module: string; updates: ValidatorUpdate[] }[] = []
    for (const module of this.registry.endBlockOrder) {
      const returned = module.endBlock?.(endCtx.forModule(module.name))
      if (returned !== undefined) updates.push({ module: module.name, updates: returned })
    }
    const validatorUpdates = mergeValidatorUpdates(updates)
    const prepared = this.db.prepare(store.writes)
    return {
      input,
      prepared,
      stateRoot: prepared.rootHash,
      txResults,
      beginBlockEvents: beginCtx.events,
      endBlockEvents: endCtx.events,
      validatorUpdates,
    }
  }

  /** Durably commits an executed block, its results, and any records the caller adds (the block itself). */
  async commitBlock(executed: ExecutedBlock, extra: [Uint8Array, Uint8Array][] = []): Promise<BlockResultsValue> {
    const { input } = executed
    const results = blockResultsRecord(input.height, executed.txResults, executed.beginBlockEvents, executed.endBlockEvents)
    await this.db.commit(input.height, executed.prepared, [[heightKey(RESULTS, input.height), encode(BlockResults, results)], ...extra])
    return results
  }

  /** The stored results of a committed block, or null if there is none at that height. */
  async blockResults(height: number): Promise<BlockResultsValue | null> {
    const bytes = await this.db.getRecord(heightKey(RESULTS, height))
    return bytes === undefined ? null : decode(BlockResults, bytes)
  }

  /** Mempool admission against the committed state: every check a block would make before messages run. */
  checkTx(bytes: Uint8Array): void {
    const tx = checkTxStateless(bytes, this.genesis.chainId, this.genesis.consensusParams, this.registry)
    const info = outsideBlock(this.genesis.chainId, this.db.height + 1)
    runAnte(tx, new CacheStore(this.db), info, this.registry)
  }

  /** A module query against the committed state. */
  query(module: string, name: string, params: Record<string, unknown> = {}): unknown {
    const handler = this.registry.get(module).queries[name]
    if (handler === undefined) throw new StateError('UNKNOWN_MODULE', `module ${module} has no query ${name}`, { module })
    const ctx = new Context(
      outsideBlock(this.genesis.chainId, this.db.height),
      new CacheStore(this.db),
      new GasMeter(UNLIMITED),
      this.registry,
    )
    return handler(ctx.forModule(module), params)
  }

  /**
   * A module query at a kept height (default: the latest), and with `prove` every state key it
   * read, with its value (null: absent) and a proof against that height's state root: a client
   * that checks the proofs and runs the same query over just those reads (verifyModuleQuery)
   * needs to trust no node. A query that iterated a range cannot be proven complete (the tree's
   * paths are hashed): NOT_PROVABLE. Throws VERSION_PRUNED for a height no longer kept, and what
   * `query` throws.
   */
  queryAt(
    module: string,
    name: string,
    params: Record<string, unknown>,
    options: { height?: number; prove?: boolean } = {},
  ): ModuleQueryAnswer {
    const handler = this.registry.get(module).queries[name]
    if (handler === undefined) throw new StateError('UNKNOWN_MODULE', `module ${module} has no query ${name}`, { module })
    const height = options.height ?? this.db.height
    const reads = new ReadLog(this.db.readerAt(height))
    const ctx = new Context(outsideBlock(this.genesis.chainId, height), new CacheStore(reads), new GasMeter(UNLIMITED), this.registry)
    const result = handler(ctx.forModule(module), params)
    if (options.prove !== true) return { height, result }
    if (reads.iterated)
      throw new StateError('NOT_PROVABLE', `query ${module}/${name} reads a range of keys, whose completeness a proof cannot show`, {
        module,
      })
    const proven = [...reads.values].map(([id, value]) => {
      const key = keyBytes(id)
      return { key, value: value ?? null, proof: this.db.query(key, height).proof }
    })
    return { height, result, reads: proven }
  }

  /** The committed state as a genesis `app_state` (each module's export, with its params). */
  exportAppState(): Record<string, unknown> {
    const ctx = new Context(
      outsideBlock(this.genesis.chainId, this.db.height),
      new CacheStore(this.db),
      new GasMeter(UNLIMITED),
      this.registry,
    )
    const appState: Record<string, unknown> = {}
    for (const module of this.registry.modules) {
      const scoped = ctx.forModule(module.name)
      const section = module.genesis.export(scoped) as Record<string, unknown>
      appState[module.name] =
        module.params === undefined
          ? section
          : { params: module.params.toJson(readParams(scoped.moduleStore(), module.params)), ...section }
    }
    return appState
  }

  /** Runs every module's invariants on the committed state; throws INVARIANT_BROKEN naming the first that fails. */
  assertInvariants(): void {
    const ctx = new Context(
      outsideBlock(this.genesis.chainId, this.db.height),
      new CacheStore(this.db),
      new GasMeter(UNLIMITED),
      this.registry,
    )
    for (const module of this.registry.modules) {
      const scoped = ctx.forModule(module.name)
      for (const [name, check] of Object.entries(module.invariants)) {
        const broken = check(scoped)
        if (broken !== null) throw new StateError('INVARIANT_BROKEN', `${module.name}/${name}: ${broken}`, { module: module.name })
      }
    }
  }
}

/** A module query's answer at a height; `reads` (with proofs) when proving was asked. */
export interface ModuleQueryAnswer {
  height: number
  result: unknown
  reads?: { key: Uint8Array; value: Uint8Array | null; proof: StateProof }[]
}

/** Passes reads through, keeping each key read with what it held, and whether a range was iterated. */
class ReadLog implements KVReader {
  readonly values = new Map<string, Uint8Array | undefined>()
  iterated = false
  readonly #inner: KVReader

  constructor(inner: KVReader) {
    this.#inner = inner
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const value = this.#inner.get(key)
    this.values.set(keyId(key), value)
    return value
  }

  iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    this.iterated = true
    return this.#inner.iterate(prefix)
  }
}

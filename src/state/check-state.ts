import { decodeAddress } from '../crypto/index.js'
import type { Application } from './application.js'
import { Context, type BlockInfo, outsideBlock } from './context.js'
import { type CheckedTx, checkTxStateless, runAdmission, runAnte } from './deliver-tx.js'
import { ACCOUNT_KEEPER, FEE_KEEPER } from './expected-keepers.js'
import { GasMeter } from './gas.js'
import { keyId } from './bytes.js'
import { CacheStore, type KVReader, type KVStore } from './kv.js'

export type { CheckedTx } from './deliver-tx.js'

/** The ids (keyId) of the state keys a block wrote or deleted; its WriteSet map serves as is. */
export type WrittenKeys = { has(id: string): boolean }

/** What the mempool needs to know about an admitted transaction. */
export interface CheckTxResult {
  hash: Uint8Array
  /** Bech32 address of the signer. */
  sender: string
  nonce: bigint
  fee: bigint
  /** The transaction's gas limit: what a block reserves for it. */
  gasWanted: bigint
  bytes: Uint8Array
  /** The decoded, signature-checked transaction, kept so that a re-check runs only the ante. */
  tx: CheckedTx
}

/** A transaction that passed the ante against the check state, not yet written into it. */
export interface StagedCheck {
  readonly result: CheckTxResult
  /**
   * Writes the ante effects into the check state. Valid only while the sender's layer is as it
   * was when staged (no reset, no other commit or revert for that sender in between).
   */
  commit(): void
}

// Marks a key the layer had not written before a transaction, so undoing it deletes the entry
// (falling through to committed state) rather than writing a tombstone.
const ABSENT = Symbol('absent')
type UndoRecord = Map<string, Uint8Array | null | typeof ABSENT>

interface SenderLayer {
  readonly store: CacheStore
  /** One record per admitted transaction of this sender, in nonce order. */
  readonly undo: UndoRecord[]
  /** Every key its checks read (ITERATED: a range, so any key): what a commit can invalidate. */
  readonly reads: Set<Read>
}

// Marks a layer whose checks iterated a range: any commit may have changed what they saw.
const ITERATED = Symbol('iterated')
// Marks a layer whose checks (an admission rule) read the block's height: every commit changes it.
const AT_HEIGHT = Symbol('at-height')
type Read = string | typeof ITERATED | typeof AT_HEIGHT

/** Passes reads through, noting each key read. */
class ReadRecorder implements KVReader {
  readonly #inner: KVReader
  readonly reads: Set<Read>

  constructor(inner: KVReader, reads: Set<Read>) {
    this.#inner = inner
    this.reads = reads
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.reads.add(keyId(key))
    return this.#inner.get(key)
  }

  iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    this.reads.add(ITERATED)
    return this.#inner.iterate(prefix)
  }
}

const UNLIMITED = 2n ** 64n

/** Writes through to a layer, keeping what each written key held before so it can be undone. */
class Journal implements KVStore {
  readonly undo: UndoRecord = new Map()
  readonly #target: CacheStore
  readonly #reads: Set<Read>

  constructor(target: CacheStore, reads: Set<Read>) {
    this.#target = target
    this.#reads = reads
  }

  #remember(key: Uint8Array): void {
    const id = keyId(key)
    if (!this.undo.has(id)) this.undo.set(id, this.#target.writes.has(id) ? this.#target.writes.get(id)! : ABSENT)
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.#reads.add(keyId(key))
    return this.#target.get(key)
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#remember(key)
    this.#target.set(key, value)
  }

  delete(key: Uint8Array): void {
    this.#remember(key)
    this.#target.delete(key)
  }

  iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    this.#reads.add(ITERATED)
    return this.#target.iterate(prefix)
  }
}

/**
 * The state transactions are admitted against between blocks (Cosmos SDK's checkState): the
 * committed state plus the ante effects (nonce bump, fee payment) of every admitted transaction,
 * so that a sender's second transaction is checked against nonce + 1 and the reduced balance.
 *
 * The effects are kept in one cache layer per sender rather than one shared cache. The ante of
 * a transaction writes only its signer's account and balance, plus the fee collector's balance,
 * which no check ever reads to decide anything (module accounts cannot sign). So a layer per
 * sender decides exactly what a shared cache would, and it lets the mempool drop a sender's
 * last transaction (eviction) by undoing just that transaction's writes. If an ante ever reads
 * state another sender's transaction writes (fee grants), this has to become one shared cache
 * rebuilt on removal.
 *
 * Re-checks after a commit run only the modules' admission rules and the ante: the stateless
 * checks depend on the chain id, the consensus params and the module registry, which an
 * Application never changes.
 */
export class CheckState {
  readonly #app: Application
  #layers = new Map<string, SenderLayer>()
  // Bumped by reset() so that a check staged before it cannot be committed after it.
  #epoch = 0
  #height: number

  constructor(app: Application) {
    this.#app = app
    this.#height = app.height
  }

  /** The committed height this state was last reset to. */
  get height(): number {
    return this.#height
  }

  #blockInfo(): BlockInfo {
    return outsideBlock(this.#app.chainId, this.#app.height + 1)
  }

  /** The block info an admission rule sees: reading anything but the chain id marks `reads` AT_HEIGHT. */
  #watchedBlockInfo(reads: Set<Read>): BlockInfo {
    return new Proxy(this.#blockInfo(), {
      get(target, key, receiver) {
        if (key !== 'chainId') reads.add(AT_HEIGHT)
        return Reflect.get(target, key, receiver)
      },
    })
  }

  /** Size, canonical form, chain, signature, messages, gas and fee floor; throws TxError. */
  checkStateless(bytes: Uint8Array): CheckedTx {
    return checkTxStateless(bytes, this.#app.chainId, this.#app.genesis.consensusParams, this.#app.registry)
  }

  /** Runs the ante of `tx` in a scratch cache over its sender's layer; throws TxError. */
  stage(tx: CheckedTx): StagedCheck {
    const sender = tx.signer.address
    const layer = this.#layers.get(sender)
    const reads = new Set<Read>()
    const recorder = new ReadRecorder(layer?.store ?? this.#app.db, reads)
    runAdmission(tx, recorder, this.#watchedBlockInfo(reads), this.#app.registry)
    const scratch = new CacheStore(recorder)
    runAnte(tx, scratch, this.#blockInfo(), this.#app.registry)
    const { body } = tx.tx
    const result: CheckTxResult = { hash: tx.hash, sender, nonce: body.nonce, fee: body.fee, gasWanted: body.gasLimit, bytes: tx.bytes, tx }
    const epoch = this.#epoch
    const depth = layer?.undo.length ?? 0
    let committed = false
    return {
      result,
      commit: () => {
        const current = this.#layers.get(sender)
        if (committed || epoch !== this.#epoch || (current?.undo.length ?? 0) !== depth || (layer !== undefined && current !== layer)) {
          throw new Error(`stale staged check for ${sender} nonce ${body.nonce}: the check state changed since it was staged`)
        }
        committed = true
        this.#write(sender, scratch, reads)
      },
    }
  }

  #layer(sender: string): SenderLayer {
    let layer = this.#layers.get(sender)
    if (layer === undefined) {
      layer = { store: new CacheStore(this.#app.db), undo: [], reads: new Set() }
      this.#layers.set(sender, layer)
    }
    return layer
  }

  #write(sender: string, scratch: CacheStore, reads: Set<Read>): void {
    const layer = this.#layer(sender)
    for (const id of reads) layer.reads.add(id)
    // The flush only writes; what it would read back is not a decision.
    const journal = new Journal(layer.store, new Set())
    scratch.flushTo(journal)
    layer.undo.push(journal.undo)
  }

  /** Stateless checks and ante; on success the effects are in the check state. Throws TxError. */
  check(bytes: Uint8Array): CheckTxResult {
    const staged = this.stage(this.checkStateless(bytes))
    staged.commit()
    return staged.result
  }

  /** Ante only, for a transaction that passed the stateless checks before. Throws TxError. */
  recheck(tx: CheckedTx): CheckTxResult {
    // Straight into the layer, without a staging cache: runAnte writes nothing unless it passes,
    // and re-checking a whole pool after every block is the hot path.
    const sender = tx.signer.address
    const layer = this.#layer(sender)
    const journal = new Journal(layer.store, layer.reads)
    try {
      runAdmission(tx, journal, this.#watchedBlockInfo(layer.reads), this.#app.registry)
      runAnte(tx, journal, this.#blockInfo(), this.#app.registry)
    } catch (error) {
      if (layer.undo.length === 0) this.#layers.delete(sender)
      throw error
    }
    layer.undo.push(journal.undo)
    const { body } = tx.tx
    return { hash: tx.hash, sender, nonce: body.nonce, fee: body.fee, gasWanted: body.gasLimit, bytes: tx.bytes, tx }
  }

  /** Undoes the ante effects of the last admitted transaction of `sender`. */
  revertLast(sender: string): void {
    const layer = this.#layers.get(sender)
    const undo = layer?.undo.pop()
    if (layer === undefined || undo === undefined) throw new Error(`no admitted transaction of ${sender} to revert`)
    for (const [id, before] of undo) {
      if (before === ABSENT) layer.store.writes.delete(id)
      else layer.store.writes.set(id, before)
    }
    if (layer.undo.length === 0) this.#layers.delete(sender)
  }

  /** How many admitted transactions of `sender` the check state holds. */
  admitted(sender: string): number {
    return this.#layers.get(sender)?.undo.length ?? 0
  }

  /** The nonce the next transaction of `sender` must carry (Ethereum's "pending" nonce). */
  nextNonce(sender: string): bigint {
    const store = new CacheStore(this.#layers.get(sender)?.store ?? this.#app.db)
    const ctx = new Context(this.#blockInfo(), store, new GasMeter(UNLIMITED), this.#app.registry)
    return ctx.keeper(ACCOUNT_KEEPER).nonceOf(decodeAddress(sender))
  }

  /** Forgets every admitted transaction: the state is the committed one again (after a commit). */
  reset(): void {
    this.#layers = new Map()
    this.#epoch++
    this.#height = this.#app.height
  }

  /**
   * After a commit that wrote the keys `written` (keyId): forgets the admitted transactions of
   * every sender whose checks read one of them, keeps every other sender's as they are, and
   * returns the senders forgotten (their transactions must be re-checked). A kept sender's checks
   * read only keys the block left alone, and a check is a function of what it reads, so running
   * them again on the new state would decide and write exactly what the layer holds (the ante
   * reads no block info; a layer whose admission rules read the height is always forgotten). Reads of the fee keeper's credit-only
   * keys (the collector's balance) are not decisions and do not count.
   */
  rebase(written: WrittenKeys): Set<string> {
    this.#epoch++
    this.#height = this.#app.height
    const ctx = new Context(this.#blockInfo(), new CacheStore(this.#app.db), new GasMeter(UNLIMITED), this.#app.registry)
    const creditOnly = new Set(ctx.keeper(FEE_KEEPER).creditOnlyKeys().map(keyId))
    const affected = new Set<string>()
    for (const [sender, layer] of this.#layers) {
      for (const id of layer.reads) {
        if (id === ITERATED || id === AT_HEIGHT || (written.has(id) && !creditOnly.has(id))) {
          affected.add(sender)
          break
        }
      }
    }
    for (const sender of affected) this.#layers.delete(sender)
    return affected
  }

  /** Forgets `sender`'s admitted transactions (their checks are to be redone). */
  forget(sender: string): void {
    this.#layers.delete(sender)
  }
}

export function createCheckState(app: Application): CheckState {
  return new CheckState(app)
}

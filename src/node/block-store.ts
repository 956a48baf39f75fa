import { decode, encode } from '../codec/index.js'
import { type Block, type Commit, type ValidatorSet, blockId, decodeConsensusMessage, encodeConsensusMessage } from '../consensus/index.js'
import { fromHex } from '../crypto/index.js'
import { type StateDB, heightKey } from '../state/index.js'
import { NodeError } from './errors.js'
import { PRIORITY_OFFSET, StoredValidatorSet } from './schemas.js'

// Record namespaces in the state database, next to 's' (state), 'm' (meta) and 'r' (results).
const BLOCK = 0x62 // 'b' + height → CommitMessage(block, commit)
const HASH = 0x68 // 'h' + block id → height
const VALIDATORS = 0x76 // 'v' + height → validator set of that height, with priorities

export interface StoredBlock {
  block: Block
  commit: Commit
}

export function encodeStoredBlock(block: Block, commit: Commit): Uint8Array {
  return encodeConsensusMessage({ type: 'commit', block, commit })
}

export function decodeStoredBlock(bytes: Uint8Array): StoredBlock {
  const message = decodeConsensusMessage(bytes)
  if (message.type !== 'commit') throw new NodeError('STORE_MISMATCH', `a block record holds a ${message.type} message`, {})
  return { block: message.block, commit: message.commit }
}

export function encodeValidatorSet(set: ValidatorSet): Uint8Array {
  return encode(StoredValidatorSet, {
    validators: set.validators.map((v) => ({
      address: v.address,
      publicKey: v.publicKey,
      votingPower: v.votingPower,
      priority: v.proposerPriority + PRIORITY_OFFSET,
    })),
    proposer: set.proposer,
  })
}

export function decodeValidatorSet(bytes: Uint8Array): ValidatorSet {
  const stored = decode(StoredValidatorSet, bytes)
  const validators = stored.validators.map((v) => ({
    address: v.address,
    publicKey: v.publicKey,
    votingPower: v.votingPower,
    proposerPriority: v.priority - PRIORITY_OFFSET,
  }))
  return { validators, totalPower: validators.reduce((sum, v) => sum + v.votingPower, 0n), proposer: stored.proposer }
}

/**
 * Blocks, their commits and validator sets live in the same level database as the state and
 * are written in the same atomic batch as the state of their height, so after a crash the
 * store never holds a block without its state or the other way round.
 */
export class BlockStore {
  readonly #db: StateDB

  constructor(db: StateDB) {
    this.#db = db
  }

  /** Records to add to the commit batch of `block`: the block + commit, its id, and the sets of H+1 and H+2. */
  recordsFor(stored: Uint8Array, block: Block, validators: ValidatorSet, nextValidators: ValidatorSet): [Uint8Array, Uint8Array][] {
    const height = block.header.height
    const hashKey = new Uint8Array(33)
    hashKey[0] = HASH
    hashKey.set(fromHex(blockId(block.header)), 1)
    const heightBytes = new Uint8Array(8)
    new DataView(heightBytes.buffer).setBigUint64(0, BigInt(height))
    return [
      [heightKey(BLOCK, height), stored],
      [hashKey, heightBytes],
      [heightKey(VALIDATORS, height + 1), encodeValidatorSet(validators)],
      [heightKey(VALIDATORS, height + 2), encodeValidatorSet(nextValidators)],
    ]
  }

  /** Genesis records: the sets of heights 1 and 2, written with the genesis state. */
  genesisRecords(validators: ValidatorSet, nextValidators: ValidatorSet): [Uint8Array, Uint8Array][] {
    return [
      [heightKey(VALIDATORS, 1), encodeValidatorSet(validators)],
      [heightKey(VALIDATORS, 2), encodeValidatorSet(nextValidators)],
    ]
  }

  async blockBytes(height: number): Promise<Uint8Array | undefined> {
    return this.#db.getRecord(heightKey(BLOCK, height))
  }

  async block(height: number): Promise<StoredBlock | null> {
    const bytes = await this.blockBytes(height)
    return bytes === undefined ? null : decodeStoredBlock(bytes)
  }

  async heightOf(blockId: string): Promise<number | null> {
    if (!/^[0-9a-f]{64}$/.test(blockId)) return null
    const key = new Uint8Array(33)
    key[0] = HASH
    key.set(fromHex(blockId), 1)
    const bytes = await this.#db.getRecord(key)
    return bytes === undefined ? null : Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0))
  }

  async validators(height: number): Promise<ValidatorSet | null> {
    const bytes = await this.#db.getRecord(heightKey(VALIDATORS, height))
    return bytes === undefined ? null : decodeValidatorSet(bytes)
  }
}

import { decodeStored, encode } from '../../codec/index.js'
import type { KeySet } from '../../fl/envelope/index.js'
import { toHex } from '../../bytes.js'
import {
  type KVStore,
  arrayAt,
  concatBytes,
  genesisError,
  hexAt,
  objectAt,
  readU64,
  stringAt,
  u32At,
  u64At,
  u64Bytes,
} from '../../state/index.js'
import { EnvelopeHead, EnvelopeKeySetRecord, type EnvelopeKeySetValue } from './envelope-messages.js'

/**
 * Private subnets' key sets (docs/privacy.md "Encrypted envelopes"). Storage in training's store:
 *   0x45 + subnet(8) + epoch(4) → EnvelopeKeySet (every epoch kept: an aggregate of a round sealed
 *                                 under epoch e is verified after a rotation to e + 1, and a node
 *                                 replaying history needs each epoch's set)
 *   0x46 + subnet(8)            → EnvelopeHead { epoch }: the latest epoch; present iff the subnet is private
 */
const KEY_SET = 0x45
const HEAD = 0x46

const epochBytes = (epoch: number): Uint8Array => {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, epoch)
  return bytes
}

export class EnvelopeBooks {
  readonly #store: KVStore
  constructor(store: KVStore) {
    this.#store = store
  }
  /** The latest epoch of a private subnet, or undefined for a subnet that is not private. */
  head(subnet: bigint): number | undefined {
    const raw = this.#store.get(concatBytes(Uint8Array.of(HEAD), u64Bytes(subnet)))
    return raw === undefined ? undefined : decodeStored(EnvelopeHead, raw).epoch
  }
  keySet(subnet: bigint, epoch: number): EnvelopeKeySetValue | undefined {
    const raw = this.#store.get(concatBytes(Uint8Array.of(KEY_SET), u64Bytes(subnet), epochBytes(epoch)))
    return raw === undefined ? undefined : decodeStored(EnvelopeKeySetRecord, raw)
  }
  /** Records epoch `epoch`'s key set and makes it the subnet's latest. */
  publish(subnet: bigint, epoch: number, value: EnvelopeKeySetValue): void {
    this.#store.set(concatBytes(Uint8Array.of(KEY_SET), u64Bytes(subnet), epochBytes(epoch)), encode(EnvelopeKeySetRecord, value))
    this.#store.set(concatBytes(Uint8Array.of(HEAD), u64Bytes(subnet)), encode(EnvelopeHead, { epoch }))
  }
  *heads(): Generator<{ subnet: bigint; epoch: number }> {
    for (const [key, raw] of this.#store.iterate(Uint8Array.of(HEAD)))
      yield { subnet: readU64(key, 1), epoch: decodeStored(EnvelopeHead, raw).epoch }
  }
  *keySets(): Generator<{ subnet: bigint; epoch: number; value: EnvelopeKeySetValue }> {
    for (const [key, raw] of this.#store.iterate(Uint8Array.of(KEY_SET)))
      yield {
        subnet: readU64(key, 1),
        epoch: new DataView(key.buffer, key.byteOffset).getUint32(9),
        value: decodeStored(EnvelopeKeySetRecord, raw),
      }
  }
}

/** The envelope library's KeySet of a stored record. */
export function keySetOf(subnet: bigint, epoch: number, value: EnvelopeKeySetValue): KeySet {
  return {
    subnet,
    epoch,
    publicKey: value.publicKey,
    wrapPublicKey: value.wrapPublicKey,
    wraps: value.wraps,
    ...(value.previous === null ? {} : { previous: value.previous }),
  }
}

/**
 * Training genesis' `envelopes` list, so an export/import keeps every private subnet private and
 * able to open its rounds: [{ subnet, epoch, public_key, wrap_public_key, wraps: [{ id,
 * public_key, wrapped }], previous (hex | null), readers: [hex], height }], by ascending (subnet,
 * epoch), each subnet's epochs 0, 1, … without a gap; hex in lower case.
 */
export interface EnvelopeGenesisEntry {
  subnet: bigint
  epoch: number
  keySet: EnvelopeKeySetValue
}

const FIELDS = ['subnet', 'epoch', 'public_key', 'wrap_public_key', 'wraps', 'previous', 'readers', 'height']
const WRAP_FIELDS = ['id', 'public_key', 'wrapped']

export function envelopeGenesisAt(value: unknown, path: string, validate: (entry: EnvelopeGenesisEntry) => void): EnvelopeGenesisEntry[] {
  let last: { subnet: bigint; epoch: number } | undefined
  return arrayAt(value ?? [], path).map((entry, i) => {
    const at = `${path}[${i}]`
    const e = objectAt(entry, at)
    for (const key of Object.keys(e)) if (!FIELDS.includes(key)) throw genesisError(`${at}.${key}`, 'no such envelopes field')
    const subnet = u64At(e.subnet, `${at}.subnet`)
    const epoch = u32At(e.epoch, `${at}.epoch`)
    const follows = last !== undefined && last.subnet === subnet ? epoch === last.epoch + 1 : epoch === 0
    if (!follows || (last !== undefined && subnet < last.subnet))
      throw genesisError(`${at}.epoch`, "key sets are listed by ascending subnet, each subnet's epochs from 0 without a gap")
    last = { subnet, epoch }
    const wraps = arrayAt(e.wraps, `${at}.wraps`).map((w, j) => {
      const wat = `${at}.wraps[${j}]`
      const o = objectAt(w, wat)
      for (const key of Object.keys(o)) if (!WRAP_FIELDS.includes(key)) throw genesisError(`${wat}.${key}`, 'no such wrap field')
      return {
        id: stringAt(o.id, `${wat}.id`),
        publicKey: hexAt(o.public_key, `${wat}.public_key`, 32),
        wrapped: hexAt(o.wrapped, `${wat}.wrapped`, 48),
      }
    })
    const keySet: EnvelopeKeySetValue = {
      publicKey: hexAt(e.public_key, `${at}.public_key`, 32),
      wrapPublicKey: hexAt(e.wrap_public_key, `${at}.wrap_public_key`, 32),
      wraps,
      previous: e.previous === null || e.previous === undefined ? null : hexAt(e.previous, `${at}.previous`, 48),
      readers: arrayAt(e.readers ?? [], `${at}.readers`).map((r, j) => hexAt(r, `${at}.readers[${j}]`, 32)),
      height: u64At(e.height, `${at}.height`),
    }
    const parsed = { subnet, epoch, keySet }
    try {
      validate(parsed)
      encode(EnvelopeKeySetRecord, keySet)
    } catch (error) {
      throw genesisError(at, (error as Error).message)
    }
    return parsed
  })
}

export function initEnvelopeGenesis(store: KVStore, entries: readonly EnvelopeGenesisEntry[]): void {
  const books = new EnvelopeBooks(store)
  for (const e of entries) books.publish(e.subnet, e.epoch, e.keySet)
}

export function keySetJson(subnet: bigint, epoch: number, k: EnvelopeKeySetValue) {
  return {
    subnet: String(subnet),
    epoch,
    public_key: toHex(k.publicKey),
    wrap_public_key: toHex(k.wrapPublicKey),
    wraps: k.wraps.map((w) => ({ id: w.id, public_key: toHex(w.publicKey), wrapped: toHex(w.wrapped) })),
    previous: k.previous === null ? null : toHex(k.previous),
    readers: k.readers.map(toHex),
    height: String(k.height),
  }
}

export function exportEnvelopeGenesis(store: KVStore): Record<string, unknown>[] {
  return [...new EnvelopeBooks(store).keySets()].map(({ subnet, epoch, value }) => keySetJson(subnet, epoch, value))
}

/**
 * The key sets' books: every private subnet (a head) has the key sets of epochs 0..head and no
 * other, each with the chain link exactly after epoch 0; no key set of a subnet without a head.
 */
export function envelopesInvariant(store: KVStore): string | null {
  const books = new EnvelopeBooks(store)
  const heads = new Map([...books.heads()].map((h) => [h.subnet, h.epoch]))
  const counts = new Map<bigint, number>()
  for (const { subnet, epoch, value } of books.keySets()) {
    const head = heads.get(subnet)
    if (head === undefined) return `subnet ${subnet} has a key set of epoch ${epoch} and is not private`
    if (epoch > head) return `subnet ${subnet} has a key set of epoch ${epoch} beyond its latest ${head}`
    if ((value.previous !== null) !== epoch > 0) return `subnet ${subnet}'s key set of epoch ${epoch} has a wrong chain link`
    counts.set(subnet, (counts.get(subnet) ?? 0) + 1)
  }
  for (const [subnet, head] of heads)
    if (counts.get(subnet) !== head + 1) return `subnet ${subnet} is at epoch ${head} with ${counts.get(subnet) ?? 0} key sets`
  return null
}

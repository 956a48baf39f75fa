import { decodeStored, encode } from '../../codec/index.js'
import { type KVStore, concatBytes, u64Bytes } from '../../state/index.js'
import { SecAggRoster, type SecAggRosterValue, SecAggSetupRecord, type SecAggSetupValue } from './secagg-messages.js'

/**
 * Secure aggregation's part of training's store (prefixes 0x40–0x42 and 0x48, far from keys.ts'
 * 0x01–0x0a so that the module's own additions cannot collide; dp-ledger.ts holds 0x43–0x44):
 *   0x40 + subnet(8) + round(8)                          → SecAggRoster
 *   0x41 + subnet(8) + round(8) + trainer(20)            → SecAggSetup
 *   0x42 + subnet(8) + round(8) + dealer(20) + holder(20) → the revealed 66-byte key share (a dropped dealer)
 *   0x48 + subnet(8) + round(8) + dealer(20) + holder(20) → the revealed 66-byte self share (a surviving dealer)
 * Once the round closes its setups keep only their round keys and seed commitments, and its
 * reveals are deleted (compactRound); the roster stays. Daemons read reveals through the
 * `secaggRound` query, not these keys.
 */
const ROSTER = 0x40
const SETUP = 0x41
const REVEAL = 0x42
const SELF_REVEAL = 0x48

export type ShareKindName = 'key' | 'self'

export const ALL_SECAGG_ROSTERS = Uint8Array.of(ROSTER)
export const ALL_SECAGG_SETUPS = Uint8Array.of(SETUP)
export const ALL_SECAGG_REVEALS: Record<ShareKindName, Uint8Array> = { key: Uint8Array.of(REVEAL), self: Uint8Array.of(SELF_REVEAL) }
export const SHARE_KINDS: readonly ShareKindName[] = ['key', 'self']

const roundPart = (subnet: bigint, round: bigint): Uint8Array => concatBytes(u64Bytes(subnet), u64Bytes(round))

export class SecAggBooks {
  readonly #store: KVStore

  constructor(store: KVStore) {
    this.#store = store
  }

  roster(subnet: bigint, round: bigint): SecAggRosterValue | undefined {
    const raw = this.#store.get(concatBytes(ALL_SECAGG_ROSTERS, roundPart(subnet, round)))
    return raw === undefined ? undefined : decodeStored(SecAggRoster, raw)
  }

  setRoster(subnet: bigint, round: bigint, value: SecAggRosterValue): void {
    this.#store.set(concatBytes(ALL_SECAGG_ROSTERS, roundPart(subnet, round)), encode(SecAggRoster, value))
  }

  setup(subnet: bigint, round: bigint, trainer: Uint8Array): SecAggSetupValue | undefined {
    const raw = this.#store.get(concatBytes(ALL_SECAGG_SETUPS, roundPart(subnet, round), trainer))
    return raw === undefined ? undefined : decodeStored(SecAggSetupRecord, raw)
  }

  setSetup(subnet: bigint, round: bigint, trainer: Uint8Array, value: SecAggSetupValue): void {
    this.#store.set(concatBytes(ALL_SECAGG_SETUPS, roundPart(subnet, round), trainer), encode(SecAggSetupRecord, value))
  }

  revealed(subnet: bigint, round: bigint, dealer: Uint8Array, holder: Uint8Array, kind: ShareKindName): Uint8Array | undefined {
    return this.#store.get(concatBytes(ALL_SECAGG_REVEALS[kind], roundPart(subnet, round), dealer, holder))
  }

  setRevealed(subnet: bigint, round: bigint, dealer: Uint8Array, holder: Uint8Array, kind: ShareKindName, share: Uint8Array): void {
    this.#store.set(concatBytes(ALL_SECAGG_REVEALS[kind], roundPart(subnet, round), dealer, holder), share)
  }

  /**
   * What a closed round no longer needs (rounds.ts closeRound): every setup keeps its round key
   * and seed commitment (the record that the trainer set up, so a closed round's statuses stay
   * right) but loses its dealt shares, and every revealed share of either kind is deleted. Shares exist so that an open round can
   * finish; kept, each round would leave ~130 bytes per (trainer, neighbour) in state for good.
   * At most max_trainers rewrites and max_trainers × degree deletes. Returns the records touched.
   */
  compactRound(subnet: bigint, round: bigint): number {
    const part = roundPart(subnet, round)
    const setups = [...this.#store.iterate(concatBytes(ALL_SECAGG_SETUPS, part))]
    const reveals = SHARE_KINDS.flatMap((kind) => [...this.#store.iterate(concatBytes(ALL_SECAGG_REVEALS[kind], part))].map(([key]) => key))
    for (const [key, raw] of setups) {
      const setup = decodeStored(SecAggSetupRecord, raw)
      if (setup.shares.length > 0) this.#store.set(key, encode(SecAggSetupRecord, { ...setup, shares: [] }))
    }
    for (const key of reveals) this.#store.delete(key)
    return setups.length + reveals.length
  }

  /** The revealed shares of one kind of one dealer, in holder-address order. */
  revealedOf(subnet: bigint, round: bigint, dealer: Uint8Array, kind: ShareKindName): { holder: Uint8Array; share: Uint8Array }[] {
    const prefix = concatBytes(ALL_SECAGG_REVEALS[kind], roundPart(subnet, round), dealer)
    return [...this.#store.iterate(prefix)].map(([key, share]) => ({ holder: key.slice(key.length - 20), share }))
  }
}

import { decodeStored, encode } from '../../codec/index.js'
import { type KVStore, concatBytes, u64Bytes } from '../../state/index.js'
import { SecAggRoster, type SecAggRosterValue, SecAggSetupRecord, type SecAggSetupValue } from './secagg-messages.js'

/**
 * Secure aggregation's part of training's store (prefixes 0x40–0x42, far from keys.ts' 0x01–0x0a
 * so that the module's own additions cannot collide):
 *   0x40 + subnet(8) + round(8)                          → SecAggRoster
 *   0x41 + subnet(8) + round(8) + trainer(20)            → SecAggSetup
 *   0x42 + subnet(8) + round(8) + dealer(20) + holder(20) → the revealed 66-byte share
 * Once the round closes its setups keep only their round keys and its reveals are deleted
 * (compactRound); the roster stays.
 */
const ROSTER = 0x40
const SETUP = 0x41
const REVEAL = 0x42

export const ALL_SECAGG_ROSTERS = Uint8Array.of(ROSTER)
export const ALL_SECAGG_SETUPS = Uint8Array.of(SETUP)
export const ALL_SECAGG_REVEALS = Uint8Array.of(REVEAL)

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

  revealed(subnet: bigint, round: bigint, dealer: Uint8Array, holder: Uint8Array): Uint8Array | undefined {
    return this.#store.get(concatBytes(ALL_SECAGG_REVEALS, roundPart(subnet, round), dealer, holder))
  }

  setRevealed(subnet: bigint, round: bigint, dealer: Uint8Array, holder: Uint8Array, share: Uint8Array): void {
    this.#store.set(concatBytes(ALL_SECAGG_REVEALS, roundPart(subnet, round), dealer, holder), share)
  }

  /**
   * What a closed round no longer needs (rounds.ts closeRound): every setup keeps its round key
   * (the record that the trainer set up, so a closed round's statuses stay right) but loses its
   * dealt shares, and every revealed share is deleted. Shares exist so that an open round can
   * finish; kept, each round would leave ~130 bytes per (trainer, neighbour) in state for good.
   * At most max_trainers rewrites and max_trainers × degree deletes. Returns the records touched.
   */
  compactRound(subnet: bigint, round: bigint): number {
    const part = roundPart(subnet, round)
    const setups = [...this.#store.iterate(concatBytes(ALL_SECAGG_SETUPS, part))]
    const reveals = [...this.#store.iterate(concatBytes(ALL_SECAGG_REVEALS, part))].map(([key]) => key)
    for (const [key, raw] of setups) {
      const setup = decodeStored(SecAggSetupRecord, raw)
      if (setup.shares.length > 0) this.#store.set(key, encode(SecAggSetupRecord, { roundKey: setup.roundKey, shares: [] }))
    }
    for (const key of reveals) this.#store.delete(key)
    return setups.length + reveals.length
  }

  /** The revealed shares of one dealer, in holder-address order. */
  revealedOf(subnet: bigint, round: bigint, dealer: Uint8Array): { holder: Uint8Array; share: Uint8Array }[] {
    const prefix = concatBytes(ALL_SECAGG_REVEALS, roundPart(subnet, round), dealer)
    return [...this.#store.iterate(prefix)].map(([key, share]) => ({ holder: key.slice(key.length - 20), share }))
  }
}

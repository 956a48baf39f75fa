import { StateError } from './errors.js'
import type { KVStore } from './kv.js'

/** Gas prices of the primitive operations (Cosmos SDK's KV gas config, in spirit). */
export const GAS = {
  txByte: 10n,
  signatureVerify: 1_000n,
  read: 1_000n,
  readByte: 3n,
  write: 2_000n,
  writeByte: 30n,
  delete: 1_000n,
  iterateStep: 30n,
} as const

export class GasMeter {
  readonly limit: bigint
  #used = 0n

  constructor(limit: bigint) {
    this.limit = limit
  }

  get used(): bigint {
    return this.#used
  }

  consume(amount: bigint, what: string): void {
    this.#used += amount
    if (this.#used > this.limit) {
      throw new StateError('OUT_OF_GAS', `out of gas in ${what}: used ${this.#used} of ${this.limit}`, {
        limit: this.limit,
        used: this.#used,
      })
    }
  }
}

/** Charges every store access to a meter. */
export class GasKVStore implements KVStore {
  readonly #inner: KVStore
  readonly #meter: GasMeter

  constructor(inner: KVStore, meter: GasMeter) {
    this.#inner = inner
    this.#meter = meter
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const value = this.#inner.get(key)
    this.#meter.consume(GAS.read + GAS.readByte * BigInt(key.length + (value?.length ?? 0)), 'read')
    return value
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#meter.consume(GAS.write + GAS.writeByte * BigInt(key.length + value.length), 'write')
    this.#inner.set(key, value)
  }

  delete(key: Uint8Array): void {
    this.#meter.consume(GAS.delete, 'delete')
    this.#inner.delete(key)
  }

  *iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    for (const [key, value] of this.#inner.iterate(prefix)) {
      this.#meter.consume(GAS.iterateStep + GAS.readByte * BigInt(key.length + value.length), 'iterate')
      yield [key, value]
    }
  }
}

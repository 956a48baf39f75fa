import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromHex, toHex } from '../crypto/index.js'
import type { RoundKeyPair } from '../fl/secagg/keys.js'
import { publicKeyOf } from '../fl/secagg/keys.js'
import { RoleError } from './errors.js'

/**
 * A trainer's secagg round secret keys, one per (subnet, round) it set up for: in memory, and, with
 * a directory, in a 0600 file written *before* the setup is sent, so a trainer restarted within the
 * round can still mask its update with the key its setup published. A key is forgotten (memory and
 * file) as soon as its round's submit window has passed: the holders reveal a dropped trainer's key
 * from their shares, never from this store, and a key kept later could unmask the trainer's update.
 */
export class SecAggKeyStore {
  readonly #dir: string | undefined
  readonly #owner: string
  readonly #keys = new Map<string, RoundKeyPair>()

  /** `owner`: the trainer's address, in every file name (trainers may share a home). */
  constructor(owner: string, dir?: string) {
    this.#owner = owner
    this.#dir = dir
    if (dir !== undefined) mkdirSync(dir, { recursive: true, mode: 0o700 })
  }

  #file(subnet: bigint, round: bigint): string {
    return join(this.#dir!, `secagg-${this.#owner}-${subnet}-${round}.json`)
  }

  get(subnet: bigint, round: bigint): RoundKeyPair | undefined {
    const id = `${subnet}/${round}`
    const known = this.#keys.get(id)
    if (known !== undefined || this.#dir === undefined) return known
    let text: string
    try {
      text = readFileSync(this.#file(subnet, round), 'utf8')
    } catch {
      return undefined
    }
    const file = this.#file(subnet, round)
    let secretKey: Uint8Array
    try {
      const parsed = JSON.parse(text) as { secret_key?: unknown }
      if (typeof parsed.secret_key !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.secret_key)) throw new Error('no 32-byte secret_key')
      secretKey = fromHex(parsed.secret_key)
    } catch (error) {
      throw new RoleError('BAD_STATE', `${file}: not a secagg round key (${(error as Error).message})`, { value: file })
    }
    const pair = { secretKey, publicKey: publicKeyOf(secretKey) }
    this.#keys.set(id, pair)
    return pair
  }

  put(subnet: bigint, round: bigint, pair: RoundKeyPair): void {
    this.#keys.set(`${subnet}/${round}`, pair)
    if (this.#dir === undefined) return
    const file = this.#file(subnet, round)
    writeFileSync(file, JSON.stringify({ subnet: String(subnet), round: String(round), secret_key: toHex(pair.secretKey) }), {
      mode: 0o600,
    })
    chmodSync(file, 0o600) // a file left by an earlier run keeps its mode through writeFileSync
  }

  /** Forgets every key of `subnet` for rounds other than `keep` (their submit windows have passed). */
  forgetExcept(subnet: bigint, keep: bigint | null): void {
    for (const id of [...this.#keys.keys()]) if (id.startsWith(`${subnet}/`) && id !== `${subnet}/${keep}`) this.#keys.delete(id)
    if (this.#dir === undefined) return
    const prefix = `secagg-${this.#owner}-${subnet}-`
    for (const name of readdirSync(this.#dir))
      if (name.startsWith(prefix) && name !== `${prefix}${keep}.json`) rmSync(join(this.#dir, name), { force: true })
  }
}

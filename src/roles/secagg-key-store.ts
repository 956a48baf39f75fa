import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromHex, toHex } from '../crypto/index.js'
import type { RoundKeyPair } from '../fl/secagg/keys.js'
import { publicKeyOf } from '../fl/secagg/keys.js'
import { RoleError } from './errors.js'

/** A trainer's secrets for one secagg round: its round key pair and its self-mask seed b_i. */
export interface RoundSecrets {
  readonly roundKey: RoundKeyPair
  readonly selfSeed: Uint8Array
}

/**
 * A trainer's secagg round secrets (round key and self-mask seed), one pair per (subnet, round) it
 * set up for: in memory, and, with a directory, in a 0600 file written *before* the setup is sent,
 * so a trainer restarted within the round can still mask its update with the key and seed its
 * setup published (and resend the masked vector it made, see getMasked). Both are forgotten
 * (memory and file) as soon as the round's submit window has passed: the holders reveal a dropped
 * trainer's key, or a survivor's seed, from their shares, never from this store, and either kept
 * later could help unmask the trainer's update.
 */
export class SecAggKeyStore {
  readonly #dir: string | undefined
  readonly #owner: string
  readonly #keys = new Map<string, RoundSecrets>()
  readonly #masked = new Map<string, Int32Array>()

  /** `owner`: the trainer's address, in every file name (trainers may share a home). */
  constructor(owner: string, dir?: string) {
    this.#owner = owner
    this.#dir = dir
  }

  /** The folder, made on first use (0700): a trainer of plain subnets never makes it. */
  #folder(): string {
    mkdirSync(this.#dir!, { recursive: true, mode: 0o700 })
    return this.#dir!
  }

  #file(subnet: bigint, round: bigint, kind: 'json' | 'masked' = 'json'): string {
    return join(this.#dir!, `secagg-${this.#owner}-${subnet}-${round}.${kind}`)
  }

  get(subnet: bigint, round: bigint): RoundSecrets | undefined {
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
    let selfSeed: Uint8Array
    try {
      const parsed = JSON.parse(text) as { secret_key?: unknown; self_seed?: unknown }
      secretKey = hex32(parsed.secret_key, 'secret_key')
      selfSeed = hex32(parsed.self_seed, 'self_seed')
    } catch (error) {
      throw new RoleError('BAD_STATE', `${file}: not a secagg round key (${(error as Error).message})`, { value: file })
    }
    const secrets = { roundKey: { secretKey, publicKey: publicKeyOf(secretKey) }, selfSeed }
    this.#keys.set(id, secrets)
    return secrets
  }

  put(subnet: bigint, round: bigint, secrets: RoundSecrets): void {
    this.#keys.set(`${subnet}/${round}`, secrets)
    if (this.#dir === undefined) return
    this.#folder()
    const file = this.#file(subnet, round)
    const json = {
      subnet: String(subnet),
      round: String(round),
      secret_key: toHex(secrets.roundKey.secretKey),
      self_seed: toHex(secrets.selfSeed),
    }
    writeFileSync(file, JSON.stringify(json), { mode: 0o600 })
    chmodSync(file, 0o600) // a file left by an earlier run keeps its mode through writeFileSync
  }

  /**
   * The masked update sent for a round, kept beside its key: a trainer restarted before its update
   * committed sends the very same vector again (not secret: it is the blob everyone can fetch).
   */
  getMasked(subnet: bigint, round: bigint): Int32Array | undefined {
    const known = this.#masked.get(`${subnet}/${round}`)
    if (known !== undefined || this.#dir === undefined) return known
    let bytes: Buffer
    try {
      bytes = readFileSync(this.#file(subnet, round, 'masked'))
    } catch {
      return undefined
    }
    if (bytes.length % 4 !== 0)
      throw new RoleError('BAD_STATE', `${this.#file(subnet, round, 'masked')}: not a masked update`, {
        value: this.#file(subnet, round, 'masked'),
      })
    const values = new Int32Array(bytes.length / 4)
    for (let i = 0; i < values.length; i++) values[i] = bytes.readInt32LE(4 * i)
    this.#masked.set(`${subnet}/${round}`, values)
    return values
  }

  putMasked(subnet: bigint, round: bigint, values: Int32Array): void {
    this.#masked.set(`${subnet}/${round}`, values)
    if (this.#dir === undefined) return
    this.#folder()
    const bytes = Buffer.alloc(values.length * 4)
    for (let i = 0; i < values.length; i++) bytes.writeInt32LE(values[i]!, 4 * i)
    writeFileSync(this.#file(subnet, round, 'masked'), bytes, { mode: 0o600 })
  }

  /** Forgets every key of `subnet` for rounds other than `keep` (their submit windows have passed). */
  forgetExcept(subnet: bigint, keep: bigint | null): void {
    for (const map of [this.#keys, this.#masked])
      for (const id of [...map.keys()]) if (id.startsWith(`${subnet}/`) && id !== `${subnet}/${keep}`) map.delete(id)
    if (this.#dir === undefined || !existsSync(this.#dir)) return
    const prefix = `secagg-${this.#owner}-${subnet}-`
    for (const name of readdirSync(this.#dir))
      if (name.startsWith(prefix) && !name.startsWith(`${prefix}${keep}.`)) rmSync(join(this.#dir, name), { force: true })
  }
}

function hex32(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw new Error(`no 32-byte ${field}`)
  return fromHex(value)
}

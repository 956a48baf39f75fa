import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CryptoError } from './errors.js'
import type { PrivateKey } from './keys.js'
import { DEFAULT_SCRYPT, type KeystoreFile, type ScryptParams, decryptKey, encryptKey } from './keystore.js'

const NAME = /^[A-Za-z0-9_-]{1,64}$/
/** Where a home keeps its keyring (Cosmos' keyring-dir). */
export const keyringDir = (home: string) => join(home, 'keyring')

/** Encrypted key files, one per name, under <home>/keyring/ (Cosmos' "file" keyring backend). */
export class Keyring {
  readonly #dir: string
  readonly #scrypt: ScryptParams

  constructor(home: string, scrypt: ScryptParams = DEFAULT_SCRYPT) {
    this.#dir = keyringDir(home)
    this.#scrypt = scrypt
  }

  #path(name: string): string {
    if (!NAME.test(name)) throw new CryptoError('BAD_KEY_NAME', `key name "${name}" must be 1–64 of A–Z a–z 0–9 _ -`, { actual: name })
    return join(this.#dir, `${name}.json`)
  }

  has(name: string): boolean {
    return existsSync(this.#path(name))
  }

  add(name: string, key: PrivateKey, passphrase: string): KeystoreFile {
    return this.importFile(name, encryptKey(key, passphrase, this.#scrypt))
  }

  importFile(name: string, file: KeystoreFile): KeystoreFile {
    const path = this.#path(name)
    if (existsSync(path)) throw new CryptoError('KEY_EXISTS', `a key named "${name}" exists`, { actual: name })
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 })
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 })
    return file
  }

  file(name: string): KeystoreFile {
    const path = this.#path(name)
    if (!existsSync(path)) throw new CryptoError('KEY_NOT_FOUND', `no key named "${name}"`, { actual: name })
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as KeystoreFile
    } catch {
      throw new CryptoError('BAD_FILE', `${path} is not JSON`, { actual: path })
    }
  }

  /** Opens a key; a file weaker than this keyring's scrypt parameters is refused (KEYSTORE_WEAK). */
  open(name: string, passphrase: string): PrivateKey {
    return decryptKey(this.file(name), passphrase, this.#scrypt)
  }

  /** Removes a key's file; the key is gone unless its mnemonic or an export was kept. */
  delete(name: string): { name: string; address: string } {
    const file = this.file(name)
    rmSync(this.#path(name))
    return { name, address: file.address }
  }

  list(): { name: string; address: string }[] {
    if (!existsSync(this.#dir)) return []
    return readdirSync(this.#dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ name: f.slice(0, -5), address: this.file(f.slice(0, -5)).address }))
  }
}

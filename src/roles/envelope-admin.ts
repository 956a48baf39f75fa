import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { fromHex, toHex } from '../bytes.js'
import { type FedraClient, messages } from '../client/index.js'
import { type KeySet, type Recipient, newKeySet, rotateKeySet } from '../fl/envelope/index.js'
import { x25519OfEd25519 } from '../fl/x25519.js'
import { keySetOfJson } from './envelope-keys-rpc.js'
import { RoleError } from './errors.js'

/**
 * The subnet admin's side of encrypted envelopes (docs/privacy.md): the recipients as the chain
 * counts them (bonded validators' consensus keys, the subnet's aggregators' account keys, the
 * readers listed), the next epoch's key set (epoch 0 new, later ones rotated from the previous
 * secret) and the file that keeps the admin's epoch secrets (it needs a_e to rotate to e + 1).
 */

/** The admin's epoch secrets, one JSON file: { "<subnet>": { "<epoch>": "<hex a_e>" } }, mode 0600. */
export class EnvelopeSecrets {
  readonly #path: string
  constructor(path: string) {
    this.#path = path
  }

  #read(): Record<string, Record<string, string>> {
    if (!existsSync(this.#path)) return {}
    try {
      const parsed = JSON.parse(readFileSync(this.#path, 'utf8')) as unknown
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
      return parsed as Record<string, Record<string, string>>
    } catch (error) {
      throw new RoleError('BAD_OPTION', `${this.#path} is not an envelope secrets file: ${(error as Error).message}`, {
        option: 'secrets',
        value: this.#path,
      })
    }
  }

  /** Throws RoleError BAD_OPTION unless the file is absent (a new one) or an object. */
  check(): void {
    this.#read()
  }

  get(subnet: bigint, epoch: number): Uint8Array | undefined {
    const hex = this.#read()[String(subnet)]?.[String(epoch)]
    return typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex) ? fromHex(hex) : undefined
  }

  /** Written (atomically, owner-only) before the key set is sent: a key set on chain whose secret is lost could never be rotated. */
  set(subnet: bigint, epoch: number, secret: Uint8Array): void {
    const all = this.#read()
    all[String(subnet)] = { ...(all[String(subnet)] ?? {}), [String(epoch)]: toHex(secret) }
    const temp = `${this.#path}.tmp`
    writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 })
    chmodSync(temp, 0o600)
    renameSync(temp, this.#path)
  }
}

/** The recipients the chain will check a key set of `subnet` against, read over RPC; `readers` are ed25519 keys. */
export async function envelopeRecipients(client: FedraClient, subnet: bigint, readers: readonly Uint8Array[]): Promise<Recipient[]> {
  const recipients: Recipient[] = []
  const add = (ed25519: Uint8Array, id: string) => {
    const publicKey = x25519OfEd25519(ed25519)
    if (publicKey === null) throw new RoleError('BAD_OPTION', `${id}'s key is not an ed25519 point`, { option: 'readers', value: id })
    if (!recipients.some((r) => toHex(r.publicKey) === toHex(publicKey))) recipients.push({ id, publicKey })
  }
  const { validators } = await client.call('staking_validators', { status: 'bonded' })
  for (const v of validators) add(fromHex(v.consensus_pubkey), `validator:${v.operator}`.slice(0, 64))
  const { members } = await client.call('subnet_members', { subnet: String(subnet), role: 'aggregator' })
  for (const m of members) {
    const account = await client.call('account_get', { address: m.address })
    if (account.publicKey !== null) add(fromHex(account.publicKey), `aggregator:${m.address}`.slice(0, 64))
  }
  for (const r of readers) add(r, `reader:${toHex(r).slice(0, 16)}`)
  return recipients
}

/**
 * The subnet's next key set and its message: epoch 0 when the subnet is not private yet, else the
 * latest + 1 chained from the latest secret in `secrets` (RoleError BAD_OPTION if it lacks it).
 * `readers`: the ed25519 keys to list; by default the latest key set's. The new secret is saved
 * to `secrets` before this returns.
 */
export async function nextEnvelopeKeys(
  client: FedraClient,
  subnet: bigint,
  secrets: EnvelopeSecrets,
  readers?: readonly Uint8Array[],
  random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Promise<{ keySet: KeySet; readers: Uint8Array[]; message: Uint8Array }> {
  const latest = await client.call('subnet_envelopeKeys', { subnet: String(subnet) })
  const listed = [...(readers ?? (latest.key_set?.readers ?? []).map(fromHex))]
  const recipients = await envelopeRecipients(client, subnet, listed)
  let made: { keySet: KeySet; epochSecret: Uint8Array }
  if (latest.key_set === null) made = newKeySet(subnet, 0, recipients, random)
  else {
    const previous = keySetOfJson(latest.key_set)
    const secret = secrets.get(subnet, previous.epoch)
    if (secret === undefined)
      throw new RoleError('BAD_OPTION', `the secrets file has no secret of subnet ${subnet}'s epoch ${previous.epoch}: it cannot rotate`, {
        option: 'secrets',
        value: `${subnet}/${previous.epoch}`,
      })
    made = rotateKeySet(previous, secret, recipients, random)
  }
  secrets.set(subnet, made.keySet.epoch, made.epochSecret)
  return { keySet: made.keySet, readers: listed, message: messages.trainingSetEnvelopeKeys(made.keySet, listed) }
}

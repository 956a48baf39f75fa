import type { FedraClient } from '../client/index.js'
import type { PrivateKey } from '../crypto/index.js'
import { EnvelopeError, EnvelopeKeyring, type KeySet, envelopeHeader } from '../fl/envelope/index.js'
import { x25519SecretOfEd25519Seed } from '../fl/x25519.js'
import { keySetOfJson } from './envelope-keys-rpc.js'
import { RoleError } from './errors.js'
import type { NodeBlobs } from './node-blobs.js'

const ENVELOPE_MAGIC = [0x46, 0x4c, 0x45, 0x31] // "FLE1" (src/fl/envelope/envelope.ts)

/**
 * A role's blob reader that opens a private subnet's update envelopes with its own key (an
 * aggregator's account key, a scorer's key listed as a reader: both envelope recipients) and
 * hands every other blob through as the node serves it. The CID is checked against the stored
 * bytes (the ciphertext) by NodeBlobs before anything is opened. Key sets are read over RPC
 * (subnet_envelopeKeys), each epoch once.
 */
export class EnvelopeBlobs implements Pick<NodeBlobs, 'get' | 'put'> {
  readonly #inner: Pick<NodeBlobs, 'get' | 'put'>
  readonly #client: FedraClient
  readonly #keyring: EnvelopeKeyring
  readonly #keySets = new Map<string, KeySet>()

  /** `inner`: the node's parameter store (NodeBlobs.opening builds one over the node's routes). */
  constructor(inner: Pick<NodeBlobs, 'get' | 'put'>, client: FedraClient, key: PrivateKey) {
    this.#inner = inner
    this.#client = client
    this.#keyring = new EnvelopeKeyring([x25519SecretOfEd25519Seed(key.exportSeed())])
  }

  put(bytes: Uint8Array): Promise<string> {
    return this.#inner.put(bytes)
  }

  /** The blob of `cid`: opened when it is an envelope. @throws RoleError ENVELOPE_UNREADABLE */
  async get(cid: string, timeoutMs?: number): Promise<Uint8Array> {
    const bytes = await this.#inner.get(cid, timeoutMs)
    if (!ENVELOPE_MAGIC.every((b, i) => bytes[i] === b)) return bytes
    try {
      const { subnet, epoch } = envelopeHeader(bytes)
      return this.#keyring.open(bytes, await this.#keySetsFrom(subnet, epoch))
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error
      throw new RoleError('ENVELOPE_UNREADABLE', `cannot open the envelope ${cid}: ${error.code}: ${error.plainMessage}`, {
        cid,
        code: error.code,
      })
    }
  }

  /** Key sets of epochs `epoch`..latest (the keyring walks back from the first it is a recipient of). */
  async #keySetsFrom(subnet: bigint, epoch: number): Promise<KeySet[]> {
    const latest = await this.#client.call('subnet_envelopeKeys', { subnet: String(subnet) })
    const head = latest.latest_epoch ?? -1
    const sets: KeySet[] = []
    for (let e = epoch; e <= head; e++) {
      const key = `${subnet}/${e}`
      let set = this.#keySets.get(key)
      if (set === undefined) {
        const answer = await this.#client.call('subnet_envelopeKeys', { subnet: String(subnet), epoch: String(e) })
        if (answer.key_set === null) break
        set = keySetOfJson(answer.key_set)
        this.#keySets.set(key, set)
      }
      sets.push(set)
    }
    return sets
  }
}

import { blobCid } from '../modules/training/index.js'
import type { FedraClient } from '../client/index.js'
import type { PrivateKey } from '../crypto/index.js'
import { EnvelopeBlobs } from './envelope-blobs.js'
import { RoleError } from './errors.js'

/**
 * A role's view of its node's parameter store, over the node's own HTTP routes (`POST /blobs`,
 * `GET /blobs/<cid>`: raw bytes, no base64, no JSON size limit). Every blob read is hashed here
 * against the CID asked for: a role trusts its node to serve, not to be honest.
 */
export class NodeBlobs {
  readonly #base: string
  readonly #timeoutMs: number

  constructor(nodeUrl: string, timeoutMs = 30_000) {
    this.#base = nodeUrl.replace(/\/+$/, '')
    this.#timeoutMs = timeoutMs
  }

  /** The node's store read through `key`'s envelope keyring: a private subnet's updates come back opened (envelope-blobs.ts). */
  static opening(nodeUrl: string, client: FedraClient, key: PrivateKey): EnvelopeBlobs {
    return new EnvelopeBlobs(new NodeBlobs(nodeUrl), client, key)
  }

  /** Stores `bytes` on the node (pinned: a model or update the chain will name must not be collected before it does); returns the node's CID, checked against ours. */
  async put(bytes: Uint8Array): Promise<string> {
    const expected = blobCid(bytes)
    let response: Response
    try {
      response = await fetch(`${this.#base}/blobs?pin=true`, {
        method: 'POST',
        body: new Uint8Array(bytes) as Uint8Array<ArrayBuffer>,
        headers: { 'content-type': 'application/octet-stream' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
    } catch (error) {
      throw new RoleError('BLOB_UNAVAILABLE', `cannot store a blob on ${this.#base}: ${(error as Error).message}`, { cid: expected })
    }
    const body = (await response.json().catch(() => ({}))) as { cid?: string; error?: { message?: string; data?: { code?: string } } }
    if (!response.ok || body.cid === undefined) {
      throw new RoleError('NODE_REFUSED', `${this.#base} refused a blob: HTTP ${response.status} ${body.error?.message ?? ''}`.trim(), {
        status: response.status,
        code: body.error?.data?.code ?? '',
      })
    }
    if (body.cid !== expected)
      throw new RoleError('BLOB_MISMATCH', `the node stored the blob as ${body.cid}, it hashes to ${expected}`, { cid: expected })
    return expected
  }

  /** The bytes of `cid`, fetched by the node from its peers if it lacks them. */
  async get(cid: string, timeoutMs = this.#timeoutMs): Promise<Uint8Array> {
    let response: Response
    try {
      response = await fetch(`${this.#base}/blobs/${cid}?timeoutMs=${Math.min(timeoutMs, 60_000)}`, {
        signal: AbortSignal.timeout(timeoutMs + 5_000),
      })
    } catch (error) {
      throw new RoleError('BLOB_UNAVAILABLE', `cannot fetch ${cid} from ${this.#base}: ${(error as Error).message}`, { cid })
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '')
      throw new RoleError('BLOB_UNAVAILABLE', `${this.#base} has no ${cid}: HTTP ${response.status} ${text.slice(0, 200)}`, {
        cid,
        status: response.status,
      })
    }
    const bytes = new Uint8Array(await response.arrayBuffer())
    const actual = blobCid(bytes)
    if (actual !== cid) throw new RoleError('BLOB_MISMATCH', `${this.#base} answered ${cid} with bytes that hash to ${actual}`, { cid })
    return bytes
  }
}

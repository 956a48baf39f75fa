import { readFileSync } from 'node:fs'
import { ClientError, HttpTransport } from '../../client/index.js'
import { blobCid } from '../../modules/training/blob-cid.js'
import { CliError } from '../errors.js'

/** What the subnet, training and model commands share: id arguments, JSON files, and the node's parameter store. */

/** A subnet id, round or version argument: decimal, below 2^64; checked before any node is called. */
export function checkId(text: string, what: string): string {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(text) || BigInt(text) >= 2n ** 64n)
    throw new CliError('USAGE', `${what} "${text.slice(0, 40)}" is not a whole number (0, 1, 2, …)`, {})
  return text
}

/** A whole number option (a window in blocks, a cap) that fits a u32. */
export function u32Option(text: string, option: string): number {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text) || Number(text) > 0xffff_ffff)
    throw new CliError('USAGE', `${option} must be a whole number, got "${text.slice(0, 40)}"`, {})
  return Number(text)
}

/** A JSON file named on the command line; unreadable or not JSON is a usage error. */
export function readJsonFile(path: string, option: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CliError('USAGE', `${option}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      path,
    })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError('USAGE', `${option}: ${path} is not JSON: ${(error as Error).message}`, { path })
  }
}

/**
 * Stores `bytes` on the node (`POST /blobs?pin=true`: raw bytes, any size the node accepts;
 * pinned, since a subnet will name it) and returns its CID, checked against the bytes' own.
 */
export async function putBlob(nodeUrl: string, bytes: Uint8Array): Promise<string> {
  const expected = blobCid(bytes)
  const response = await fetch(new URL('blobs?pin=true', nodeUrl), {
    method: 'POST',
    body: new Uint8Array(bytes) as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': 'application/octet-stream' },
  })
  const body = (await response.json().catch(() => ({}))) as { cid?: string; error?: { message?: string } }
  if (!response.ok || body.cid === undefined)
    throw new CliError('BAD_FILE', `the node refused the blob: HTTP ${response.status} ${body.error?.message ?? ''}`.trim(), {})
  if (body.cid !== expected) throw new CliError('BAD_FILE', `the node stored the blob as ${body.cid}; its bytes hash to ${expected}`, {})
  return expected
}

/** The bytes of `cid` through `blob_get` (the node fetches them from its peers if it lacks them), checked to hash to `cid`. */
export async function getBlob(nodeUrl: string, cid: string, timeoutMs = 60_000): Promise<Uint8Array> {
  const transport = new HttpTransport(nodeUrl, timeoutMs + 10_000)
  let answer: { data: string }
  try {
    answer = (await transport.call('blob_get', { cid, timeoutMs })) as { data: string }
  } catch (error) {
    if (error instanceof ClientError && error.code === 'RPC_ERROR') throw new CliError('BAD_FILE', `blob ${cid}: ${error.plainMessage}`, {})
    throw error
  } finally {
    transport.close()
  }
  const bytes = new Uint8Array(Buffer.from(answer.data, 'base64'))
  const actual = blobCid(bytes)
  if (actual !== cid) throw new CliError('BAD_FILE', `the node served bytes for ${cid} that hash to ${actual}`, {})
  return bytes
}

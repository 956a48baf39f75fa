import { FedraError } from '../errors.js'

/**
 * Why the parameter store refused or failed something, and the context each code carries
 * (Lodestar's shape: the code fixes its context). Callers, RPC and tests switch on `code`.
 */
export interface BlobErrorContexts {
  /** Not a CID at all (bad multibase, bad varint, truncated multihash). */
  INVALID_CID: { input: string; reason: string }
  /** A well-formed CID the store does not serve: only CIDv1, raw or dag-pb, sha2-256. */
  UNSUPPORTED_CID: { cid: string; version: number; codec: number; hash: number }
  NOT_FOUND: { cid: string }
  /** A blob over the size limit (rpc.limits.maxBlobBytes or blobs.maxBlobBytes). */
  TOO_LARGE: { size: number; limit: number }
  /** Storing it would take the store over blobs.maxBytes even after garbage collection. */
  QUOTA_EXCEEDED: { size: number; used: number; limit: number }
  /** Blocks still missing when the fetch deadline passed. */
  FETCH_TIMEOUT: { cid: string; timeoutMs: number; missing: number }
  /** An upload that ended before the length it announced. */
  TRUNCATED: { expected: number; received: number }
  /** A block whose bytes do not hash to its CID, or a DAG node that is not UnixFS file data. */
  CORRUPT_BLOCK: { cid: string; reason: string }
  NOT_STARTED: { reason: string }
}

export type BlobErrorCode = keyof BlobErrorContexts

export class BlobError<C extends BlobErrorCode = BlobErrorCode> extends FedraError<C, BlobErrorContexts[C]> {}

export function isBlobError<C extends BlobErrorCode>(error: unknown, code: C): error is BlobError<C> {
  return error instanceof BlobError && error.code === code
}

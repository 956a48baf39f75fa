import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import { BlobError } from './errors.js'

/** Multicodec of raw leaves (a blob of one chunk is one raw block). */
export const RAW_CODEC = 0x55
/** Multicodec of the UnixFS interior nodes. */
export const DAG_PB_CODEC = 0x70
export const SHA2_256 = 0x12

export type BlobCid = CID<unknown, typeof RAW_CODEC | typeof DAG_PB_CODEC, typeof SHA2_256, 1>

/**
 * Parses a CID given by a user or a peer and checks it is one this store can hold: CIDv1, raw
 * or dag-pb, sha2-256 with a 32-byte digest (what `ipfs add --cid-version 1` makes). A CIDv0
 * (`Qm…`) names the same dag-pb bytes, so it is accepted and upgraded to v1.
 * @throws BlobError INVALID_CID, UNSUPPORTED_CID
 */
export function parseBlobCid(input: string): BlobCid {
  let cid: CID
  try {
    cid = CID.parse(input.trim())
  } catch (error) {
    throw new BlobError('INVALID_CID', `not a CID: ${JSON.stringify(input.slice(0, 80))}`, {
      input: input.slice(0, 200),
      reason: error instanceof Error ? error.message : String(error),
    })
  }
  return checkBlobCid(cid)
}

/** @throws BlobError UNSUPPORTED_CID */
export function checkBlobCid(cid: CID): BlobCid {
  const v1 = cid.version === 0 ? cid.toV1() : cid
  const supported = (v1.code === RAW_CODEC || v1.code === DAG_PB_CODEC) && v1.multihash.code === SHA2_256 && v1.multihash.size === 32
  if (!supported) {
    throw new BlobError(
      'UNSUPPORTED_CID',
      `only raw or dag-pb sha2-256 CIDs are stored (codec 0x${v1.code.toString(16)}, hash 0x${v1.multihash.code.toString(16)})`,
      {
        cid: formatCid(v1),
        version: cid.version,
        codec: v1.code,
        hash: v1.multihash.code,
      },
    )
  }
  return v1 as BlobCid
}

/** Base32 lower case, `bafy…`/`bafk…`, as kubo prints CIDv1. */
export function formatCid(cid: CID): string {
  return cid.toString(base32)
}

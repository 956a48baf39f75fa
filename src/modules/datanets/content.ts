import { CID } from 'multiformats/cid'

/**
 * The forms a record's content id takes. A public record's is a canonical CIDv1 text, the same
 * rule training applies to update CIDs (src/modules/training/blob-cid.ts canonicalCid, which a
 * module may not import): version 1, a raw (0x55) or dag-pb (0x70) block, a 32-byte sha2-256
 * (0x12) multihash, and the text exactly as `CID.toString()` writes it (base32 lower case), so one
 * blob has one id and the duplicate check cannot be dodged by re-encoding. Re-implemented here
 * against multiformats rather than shared, because no layer below the modules knows CIDs.
 */
const RAW = 0x55
const DAG_PB = 0x70
const SHA2_256 = 0x12

export function isCanonicalCid(text: string): boolean {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    return false
  }
  return (
    cid.version === 1 &&
    (cid.code === RAW || cid.code === DAG_PB) &&
    cid.multihash.code === SHA2_256 &&
    cid.multihash.size === 32 &&
    cid.toString() === text
  )
}

/** A private record's id: its SHA-256 as 64 lower-case hex digits. */
export const isContentHash = (text: string): boolean => /^[0-9a-f]{64}$/.test(text)

export type ContentKind = 'cid' | 'hash'
export const isContentKind = (value: string): value is ContentKind => value === 'cid' || value === 'hash'

export type Privacy = 'public' | 'private'
export const isPrivacy = (value: string): value is Privacy => value === 'public' || value === 'private'

/** The content kind a Datanet of `privacy` takes. */
export const contentKindFor = (privacy: string): ContentKind => (privacy === 'public' ? 'cid' : 'hash')

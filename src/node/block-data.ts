import { BlobError, type DataAvailability, parseBlobCid } from '../blobs/index.js'
import type { BlockData } from './chain-app.js'

/**
 * The parameter store as block execution's data source (DESIGN §5): `holds` from memory for a
 * proposer, `load` fetching what is missing within a deadline and then reading every declared
 * blob into memory, so execution itself only reads locally. A CID a message declares that is not
 * a valid blob CID counts as missing (the block cannot be executed with it).
 */
export function blockDataOf(availability: DataAvailability): BlockData {
  const parse = (cids: readonly string[]) => {
    const parsed = []
    const invalid: string[] = []
    for (const cid of cids) {
      try {
        parsed.push(parseBlobCid(cid))
      } catch (error) {
        if (!(error instanceof BlobError)) throw error
        invalid.push(cid)
      }
    }
    return { parsed, invalid }
  }
  return {
    holds(cids) {
      const { parsed, invalid } = parse(cids)
      return invalid.length === 0 && availability.holds(parsed)
    },
    async load(cids, deadline) {
      const { parsed, invalid } = parse(cids)
      if (invalid.length > 0) return { ok: false, missing: invalid.map((cid) => `${cid} (not a blob CID)`) }
      const verdict = await availability.ensureAvailable(parsed, deadline)
      if (!verdict.available) return { ok: false, missing: verdict.missing.map((m) => `${m.cid} (${m.code})`) }
      const reader = await availability.load(parsed)
      return { ok: true, blobs: new Map(cids.map((cid, i) => [cid, reader.get(parsed[i]!)])) }
    },
  }
}

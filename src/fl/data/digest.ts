import { createHash } from 'node:crypto'
import type { Dataset } from './dataset.js'

const MAGIC = 0x464c4453 // "FLDS"
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/**
 * The SHA-256 (64 lowercase hex digits) of a dataset's canonical bytes: what a private Datanet
 * record commits to (DESIGN §7: the data stays with its contributor, the chain holds its hash),
 * so a trainer can show which records its local data is without showing the data. The bytes:
 * "FLDS", then count, featureSize and classes as u32 little-endian, every feature as float32
 * little-endian row by row, then every label as a byte. Two datasets have one digest only if
 * they hold the same rows in the same order.
 */
export function datasetDigest(data: Dataset): string {
  const header = new DataView(new ArrayBuffer(16))
  header.setUint32(0, MAGIC, false)
  header.setUint32(4, data.count, true)
  header.setUint32(8, data.featureSize, true)
  header.setUint32(12, data.classes, true)
  const hash = createHash('sha256').update(new Uint8Array(header.buffer))
  if (LITTLE_ENDIAN) hash.update(new Uint8Array(data.features.buffer, data.features.byteOffset, data.features.byteLength))
  else {
    const features = new DataView(new ArrayBuffer(data.features.length * 4))
    data.features.forEach((value, i) => features.setFloat32(i * 4, value, true))
    hash.update(new Uint8Array(features.buffer))
  }
  return hash.update(data.labels).digest('hex')
}

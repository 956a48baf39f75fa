/**
 * The tag of an encoded struct without decoding it: the first element of its array (a
 * positive fixint, uint8 or uint16). Returns undefined if the bytes don't start that way;
 * the full decode decides everything else.
 */
export function peekStructTag(bytes: Uint8Array): number | undefined {
  let at: number
  const head = bytes[0]
  if (head === undefined) return undefined
  if (head >= 0x90 && head <= 0x9f) at = 1
  else if (head === 0xdc) at = 3
  else if (head === 0xdd) at = 5
  else return undefined
  const first = bytes[at]
  if (first === undefined) return undefined
  if (first < 0x80) return first
  if (first === 0xcc && at + 1 < bytes.length) return bytes[at + 1]
  if (first === 0xcd && at + 2 < bytes.length) return (bytes[at + 1]! << 8) | bytes[at + 2]!
  return undefined
}

/**
 * Reading a request body safely. `JSON.parse` itself is iterative in V8 and defines a
 * `"__proto__"` member as a plain own property, so it is safe to call on anything; the dangers
 * come after it: recursive code walking a value nested 100,000 deep, and code that copies a
 * `__proto__` member with assignment. So after parsing, one linear scan of the text (strings
 * skipped with indexOf) bounds the nesting depth, notes whether any member is named
 * `__proto__` (then such members are deleted), and records the raw text of each request's
 * `id`, so that an id like 12345678901234567890 or 1e400 is echoed exactly as sent.
 */

export class BodyError extends Error {
  readonly kind: 'parse' | 'depth'

  constructor(kind: 'parse' | 'depth', message: string) {
    super(message)
    this.kind = kind
  }
}

export interface ParsedBody {
  value: unknown
  /** Raw JSON text of the `id` member of the request at each index (0 for a single request). */
  rawIds: Map<number, string>
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1
  for (;;) {
    const quote = text.indexOf('"', at)
    if (quote < 0) return text.length
    let backslashes = 0
    for (let k = quote - 1; k > start && text.charCodeAt(k) === BACKSLASH; k--) backslashes++
    if (backslashes % 2 === 0) return quote
    at = quote + 1
  }
}

function keyText(raw: string): string {
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)
}

function deleteProtoMembers(root: unknown): void {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value !== 'object' || value === null) continue
    if (Array.isArray(value)) {
      for (const element of value) stack.push(element)
      continue
    }
    if (Object.hasOwn(value, '__proto__')) delete (value as Record<string, unknown>)['__proto__']
    for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key])
  }
}

/** Parses a JSON-RPC body; throws BodyError 'parse' for invalid JSON and 'depth' past `maxDepth`. */
export function parseBody(text: string, maxDepth: number): ParsedBody {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new BodyError('parse', (error as Error).message)
  }
  const rawIds = new Map<number, string>()
  if (typeof value !== 'object' || value === null) return { value, rawIds }

  // Depth of the objects that are requests: 1 for a single request, 2 inside a batch array.
  const requestDepth = Array.isArray(value) ? 2 : 1
  const isObject: boolean[] = [false]
  const expectKey: boolean[] = [false]
  let depth = 0
  let element = 0
  let protoFound = false
  let idPending = false
  let idStart = -1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i)
      if (isObject[depth] && expectKey[depth]) {
        const raw = text.slice(i, end + 1)
        if (raw === '"__proto__"' || (raw.includes('\\') && keyText(raw) === '__proto__')) protoFound = true
        if (depth === requestDepth && keyText(raw) === 'id') idPending = true
      }
      i = end
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++
      if (depth > maxDepth) throw new BodyError('depth', `nesting deeper than ${maxDepth}`)
      isObject[depth] = c === OPEN_OBJECT
      expectKey[depth] = c === OPEN_OBJECT
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === requestDepth && idStart >= 0) {
        rawIds.set(element, text.slice(idStart, i).trim())
        idStart = -1
      }
      depth--
    } else if (c === COMMA) {
      if (depth === requestDepth && idStart >= 0) {
        rawIds.set(element, text.slice(idStart, i).trim())
        idStart = -1
      }
      if (requestDepth === 2 && depth === 1) element++
      if (isObject[depth]) expectKey[depth] = true
    } else if (c === COLON) {
      expectKey[depth] = false
      if (idPending && depth === requestDepth) {
        idPending = false
        idStart = i + 1
      }
    }
  }
  if (protoFound) deleteProtoMembers(value)
  return { value, rawIds }
}

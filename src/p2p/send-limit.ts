import { encode } from 'it-length-prefixed'

type SingleEncoder = typeof encode.single

let liftedTo = 0
let original: SingleEncoder | null = null

/**
 * Gossipsub 17 frames every outgoing RPC with `encode.single(rpc)` from it-length-prefixed and
 * passes no limit, so the library default of 4 MiB applies to what we *send*, whatever
 * maxInboundDataLength the receivers accept: a 4 MiB block plus its envelope could never leave.
 * There is no option for it, so this raises that default (only where a caller gave no
 * `maxDataLength`) for the whole process. It only ever raises it, and receivers keep their own
 * decode limits, so no peer can make us accept more than we configured. In this dependency tree
 * the only other caller relying on the default is multistream-select, whose frames are tiny.
 */
export function liftDefaultSendLimit(maxBytes: number): void {
  if (maxBytes <= liftedTo) return
  liftedTo = maxBytes
  if (original !== null) return
  const single = encode.single
  original = single
  encode.single = (chunk, options) =>
    single(chunk, options?.maxDataLength === undefined ? { ...options, maxDataLength: Math.max(liftedTo, 4 * 1024 * 1024) } : options)
}

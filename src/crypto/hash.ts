import { platform } from './platform.js'

export { fromHex, toHex } from '../bytes.js'

/** SHA-256 through OpenSSL in Node (~15× noble's pure-JS speed here), noble elsewhere; bit-identical by definition. */
export function sha256(data: Uint8Array): Uint8Array {
  return platform.sha256(data)
}

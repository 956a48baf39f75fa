import { concatBytes } from '../../state/index.js'

export const MODULE = 'auth'
/** 'a' + address(20) → Account */
export const accountKey = (address: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(0x61), address)
export const ACCOUNT_PREFIX = Uint8Array.of(0x61)

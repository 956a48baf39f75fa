import { sha256 } from '../crypto/index.js'
import { utf8 } from './bytes.js'

/**
 * What a module account may do besides holding and sending coins (Cosmos' maccPerms):
 * `minter` may create coins, `burner` may destroy coins it holds, `staking` may hold bonded
 * coins (the staking module's pools).
 */
export type ModulePermission = 'minter' | 'burner' | 'staking'

export const MODULE_PERMISSIONS: readonly ModulePermission[] = ['minter', 'burner', 'staking']

/**
 * An account held by a module rather than a key (fee collector, reward pools, bonded pool).
 * Only its `owner` module may move coins out of it, mint into it or burn from it; anyone may
 * send to it through `sendToModule`. Declared at composition, in one table.
 */
export interface ModuleAccount {
  readonly name: string
  readonly owner: string
  readonly permissions: readonly ModulePermission[]
}

// Fee payment asks for the fee collector's address on every tx.
const addresses = new Map<string, Uint8Array>()

/** The address of a module account: SHA-256("module/" + name)[0..20]; nobody holds its key. */
export function moduleAddress(name: string): Uint8Array {
  let address = addresses.get(name)
  if (address === undefined) {
    address = sha256(utf8(`module/${name}`)).slice(0, 20)
    addresses.set(name, address)
  }
  return address.slice()
}

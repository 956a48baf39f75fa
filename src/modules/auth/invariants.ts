import { PublicKey } from '../../crypto/index.js'
import type { Context } from '../../state/index.js'
import { AuthKeeper } from './keeper.js'

/** A recorded public key is the key of the address it is stored under (ante records the signer's own key). */
export function keysMatchAddresses(ctx: Context): string | null {
  for (const { address, account } of new AuthKeeper(ctx).accounts()) {
    if (account.publicKey !== null && Buffer.compare(PublicKey.fromBytes(account.publicKey).addressBytes, address) !== 0) {
      return `account ${Buffer.from(address).toString('hex')} holds a public key of another address`
    }
  }
  return null
}

export const authInvariants = { 'keys-match-addresses': keysMatchAddresses }

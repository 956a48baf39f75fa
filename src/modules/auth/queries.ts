import { decodeAddress, encodeAddress, toHex } from '../../crypto/index.js'
import type { QueryHandler } from '../../state/index.js'
import { authError } from './errors.js'
import { AuthKeeper } from './keeper.js'

function addressParam(value: unknown): Uint8Array {
  try {
    return decodeAddress(String(value))
  } catch {
    throw authError('INVALID_ADDRESS', `"${String(value).slice(0, 90)}" is not a fedra1… address`)
  }
}

export const authQueries: Record<string, QueryHandler> = {
  account(ctx, params) {
    const address = addressParam(params.address)
    const account = new AuthKeeper(ctx).account(address)
    return {
      address: encodeAddress(address),
      nonce: String(account?.nonce ?? 0n),
      publicKey: account?.publicKey ? toHex(account.publicKey) : null,
    }
  },
}

import { toHex } from '../../bytes.js'
import { encodeAddress } from '../../crypto/index.js'
import { x25519OfEd25519 } from '../../fl/x25519.js'
import type { Context } from '../../state/index.js'
import type { EnvelopeKeySetValue } from './envelope-messages.js'
import { trainingError } from './errors.js'
import { AUTH, STAKING, SUBNETS } from './expected-keepers.js'

/**
 * Who must be able to open a private subnet's envelopes now (docs/privacy.md): every node that
 * executes blocks and every party that aggregates, each by its X25519 key (its ed25519 key mapped
 * to Curve25519), keyed by that key's hex, with a label for errors:
 * - the bonded validators (staking's set as the last end-block left it), by consensus key;
 * - the subnet's aggregators, by account key (an aggregator signed its join, so auth knows it; one
 *   that never signed a transaction has no key on chain and is left out);
 * - the readers the admin listed (full nodes, by their consensus key).
 */
export function currentRecipients(ctx: Context, subnet: bigint, readers: readonly Uint8Array[]): Map<string, string> {
  const recipients = new Map<string, string>()
  const add = (ed25519: Uint8Array, label: string): void => {
    const key = x25519OfEd25519(ed25519)
    if (key === null) throw trainingError('ENVELOPE_BAD_RECIPIENTS', `${label}'s key is not an ed25519 point`, { recipient: label })
    recipients.set(toHex(key), label)
  }
  const staking = ctx.keeper(STAKING)
  for (const { operator } of staking.lastPowers().values()) {
    const v = staking.validator(operator)
    if (v !== undefined && v.status === 'bonded') add(v.consensusPubKey, `validator ${encodeAddress(operator)}`)
  }
  const auth = ctx.keeper(AUTH)
  for (const { address } of ctx.keeper(SUBNETS).members(subnet, 'aggregator')) {
    const publicKey = auth.account(address)?.publicKey
    if (publicKey !== null && publicKey !== undefined) add(publicKey, `aggregator ${encodeAddress(address)}`)
  }
  for (const reader of readers) add(reader, `reader ${toHex(reader)}`)
  return recipients
}

/** The recipients `keySet` lacks and the ones it has beyond `recipients` (both empty: it is current). */
export function recipientDifference(
  keySet: Pick<EnvelopeKeySetValue, 'wraps'>,
  recipients: ReadonlyMap<string, string>,
): { missing: string[]; extra: string[] } {
  const wrapped = new Set(keySet.wraps.map((w) => toHex(w.publicKey)))
  return {
    missing: [...recipients].filter(([key]) => !wrapped.has(key)).map(([, label]) => label),
    extra: keySet.wraps.filter((w) => !recipients.has(toHex(w.publicKey))).map((w) => w.id),
  }
}

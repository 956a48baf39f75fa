import { fromHex } from '../../crypto/hash.js'
import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { ProofJson, address, height } from '../shapes.js'

/**
 * A state path names a raw state key: `<module>/<hex>` is the key the module stores under
 * (the module's prefix `<module>/` followed by the hex bytes), e.g. `auth/61` + the 20 address
 * bytes for an account.
 */
export const STATE_PATH = /^([a-z][a-z0-9_]{0,31})\/((?:[0-9a-fA-F]{2}){0,256})$/

export const stateQuery = defineMethod({
  name: 'state_query',
  summary: "A raw state value at a height, optionally with a Merkle proof against that height's state root.",
  description:
    'path is <module>/<hex key>: the raw key is the UTF-8 bytes of "<module>/" followed by the hex bytes (e.g. auth/61<20-byte address> for an account). The proof checks against header.stateRoot of the block at `height` (verifyStateProof); value null with a proof proves absence.',
  params: {
    path: s.string({ maxLength: 600, pattern: STATE_PATH, patternHint: 'expected <module>/<hex key>, e.g. auth/61…' }),
    height: s.optional(s.describe(height, 'default: the latest height')),
    prove: s.optional(s.describe(s.boolean(), 'default false')),
  },
  result: s.object({
    height,
    path: s.string(),
    key: s.hex({ description: 'the raw state key' }),
    value: s.nullable(s.hex()),
    proof: s.optional(ProofJson),
  }),
  errors: ['HEIGHT_UNAVAILABLE'],
})

export const stateModuleQuery = defineMethod({
  name: 'state_moduleQuery',
  summary:
    "A module's query at a height (CometBFT's abci_query on a custom path), optionally with every state key it read and a proof of each.",
  description:
    'Runs query `query` of module `module` with `params` (the same JSON the module methods take) on the state at `height` (default: the latest; a height must still be kept: HEIGHT_UNAVAILABLE otherwise). With prove, `reads` lists every state key the query read, with its value (null: absent) and a proof against header.stateRoot of that height: a client checks each proof and runs the same query over exactly those reads (replayQuery) to get the result without trusting the node. A query that iterates a range cannot be proven complete: QUERY_FAILED with code NOT_PROVABLE.',
  params: {
    module: s.string({ maxLength: 32, pattern: /^[a-z][a-z0-9_]{0,31}$/, patternHint: 'a module name, e.g. reputation' }),
    query: s.string({ maxLength: 64, pattern: /^[A-Za-z][A-Za-z0-9_]{0,63}$/, patternHint: 'a query name, e.g. receipt' }),
    params: s.optional(s.describe(s.record(s.unknown()), 'default {}')),
    height: s.optional(s.describe(height, 'default: the latest height')),
    prove: s.optional(s.describe(s.boolean(), 'default false')),
  },
  result: s.object({
    height,
    module: s.string(),
    query: s.string(),
    result: s.unknown(),
    reads: s.optional(
      s.array(s.object({ key: s.hex({ description: 'the raw state key' }), value: s.nullable(s.hex()), proof: ProofJson })),
    ),
  }),
  errors: ['HEIGHT_UNAVAILABLE', 'QUERY_FAILED'],
})

export const Coins = s.array(s.object({ denom: s.string(), amount: s.decimal() }))

export const accountGet = defineMethod({
  name: 'account_get',
  summary: 'An account: nonce (the next one to sign with), public key once it has signed, and balances.',
  params: { address },
  result: s.object({ address, height, nonce: s.decimal(), publicKey: s.nullable(s.hex({ bytes: 32 })), balances: Coins }),
  errors: ['QUERY_FAILED'],
})

/**
 * The raw state key a `<module>/<hex>` path names (the path was validated by the schema). It
 * lives beside the schema, not in the handler, because a client builds the same key to check a proof.
 */
export function stateKeyOf(path: string): Uint8Array {
  const [, module, hex] = STATE_PATH.exec(path)!
  const prefix = new TextEncoder().encode(`${module}/`)
  const suffix = fromHex(hex!)
  const key = new Uint8Array(prefix.length + suffix.length)
  key.set(prefix)
  key.set(suffix, prefix.length)
  return key
}

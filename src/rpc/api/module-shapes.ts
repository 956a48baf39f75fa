/**
 * Shapes shared by the staking, slashing and distribution methods: bech32 addresses of the
 * forms their queries take, and the decimal texts of Decs. The module queries check the same
 * things again; these schemas make a malformed param INVALID_PARAMS naming the field before
 * any query runs.
 */
import { decodeAddress } from '../../crypto/address.js'
import { s } from '../schema.js'
import { address } from '../shapes.js'

const BECH32 = /^[a-z0-9]+1[02-9ac-hj-np-z]+$/

/** A bech32 string whose prefix is one of `prefixes` and whose checksum verifies. */
export function bech32Of(prefixes: readonly string[], title: string, description: string) {
  const hint = `expected a bech32 address (${prefixes.map((p) => `${p}1…`).join(' or ')})`
  return s.named(
    title,
    s.refine(s.string({ minLength: 8, maxLength: 128, pattern: BECH32, patternHint: hint }), (text) => {
      const prefix = text.slice(0, text.lastIndexOf('1'))
      if (!prefixes.includes(prefix)) return `${hint}, got prefix "${prefix.slice(0, 20)}"`
      try {
        decodeAddress(text, prefix)
        return null
      } catch (error) {
        return (error as Error).message.replace(/^[A-Z_]+: /, '')
      }
    }),
    description,
  )
}

/** A validator as a param: its operator address fedravaloper1…, or the operator's account fedra1…. */
export const ValidatorParam = bech32Of(
  ['fedravaloper', 'fedra'],
  'ValidatorRef',
  "a validator: its operator address fedravaloper1…, or the operator's account address fedra1…",
)
/** A validator's operator address as the modules answer it. */
export const Valoper = bech32Of(
  ['fedravaloper'],
  'ValoperAddress',
  "validator operator address, fedravaloper1… (the same 20 bytes as the operator's fedra1… account)",
)
/** An account address (delegators, withdraw addresses): the core Address schema. */
export const Account = address

/** A Dec's exact decimal text (trailing zeros trimmed): 0.05, 1, 1000000. */
export const DecText = s.named(
  'Dec',
  s.string({ pattern: /^(0|[1-9][0-9]*)(\.[0-9]{0,17}[1-9])?$/, patternHint: 'expected a decimal like 0.05' }),
  'a decimal as exact text, trailing zeros trimmed (at most 18 digits after the point): shares, rates, fractions',
)

/** An amount of one denomination, whole. */
export const CoinJson = s.named('Coin', s.object({ denom: s.string(), amount: s.decimal() }))
/** An amount of one denomination with a fraction (distribution's DecCoins). */
export const DecCoinJson = s.named(
  'DecCoin',
  s.object({ denom: s.string(), amount: DecText }),
  'an amount with up to 18 digits after the point (rewards accrue in fractions of a unit)',
)
export const DecCoinsJson = s.array(DecCoinJson)

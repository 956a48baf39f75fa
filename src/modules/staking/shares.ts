import type { Dec } from '../../state/index.js'

/** x/staking's SharesFromTokens: delegatorShares × amount / tokens, truncated. */
export function sharesFromTokens(v: { tokens: bigint; delegatorShares: Dec }, amount: bigint): Dec {
  return v.delegatorShares.mulInt(amount).quoInt(v.tokens)
}

/** x/staking's TokensFromShares, truncated to whole tokens (the chain keeps the dust). */
export function tokensFromSharesTruncated(v: { tokens: bigint; delegatorShares: Dec }, shares: Dec): bigint {
  if (v.delegatorShares.isZero()) return 0n
  return shares.mulInt(v.tokens).quo(v.delegatorShares).truncate()
}

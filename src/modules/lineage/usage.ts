import { type Context, readParams } from '../../state/index.js'
import { LineageBooks } from './books.js'
import { emitAncestorCredited, emitModelUsed } from './events.js'
import { BANK } from './expected-keepers.js'
import { LINEAGE_ACCOUNT, type VersionId, sameVersion } from './keys.js'
import type { UseReceiptValue } from './messages.js'
import { lineageParams } from './params.js'
import { type FeeSplit, splitFee } from './split.js'

/** The fee collector's module account (bank's and distribution's FEE_COLLECTOR): distribution pays it to validators and delegators. */
export const FEE_COLLECTOR = 'fee_collector'

/** A version's parents that lineage has records of (the split skips any other). */
export function recordedParents(books: LineageBooks): (v: VersionId) => VersionId[] {
  return (v) => (books.version(v)?.parents ?? []).filter((p) => books.version(p) !== undefined)
}

/**
 * A use of version `v` (its record exists): `fee` from the user into the lineage account, split
 * along the lineage (split.ts); each version's pool part added to its F_V; the validators' parts,
 * summed, on to the fee collector at once. Writes the receipt (the next id) and the totals.
 */
export function useModel(ctx: Context, user: Uint8Array, v: VersionId, fee: bigint, denom: string, purpose: string): UseReceiptValue {
  const books = new LineageBooks(ctx.moduleStore())
  const params = readParams(ctx.moduleStore(), lineageParams)
  const split: FeeSplit = splitFee(fee, v, recordedParents(books), params)
  const bank = ctx.keeper(BANK)
  bank.sendToModule(user, LINEAGE_ACCOUNT, [{ denom, amount: fee }])
  if (split.validators > 0n) bank.sendModuleToModule(LINEAGE_ACCOUNT, FEE_COLLECTOR, [{ denom, amount: split.validators }])
  const totals = books.totals()
  const id = totals.nextReceipt
  let ancestorsPooled = 0n
  for (const part of split.parts) {
    if (part.pooled > 0n) {
      const pool = books.pool(part.version)
      books.setPool(part.version, { ...pool, accrued: pool.accrued + part.pooled })
    }
    if (!sameVersion(part.version, v)) {
      ancestorsPooled += part.pooled
      emitAncestorCredited(ctx, id, part.version, part.depth, part.pooled, part.validators)
    }
  }
  const receipt: UseReceiptValue = {
    id,
    user,
    subnet: v.subnet,
    version: v.version,
    fee: { denom, amount: fee },
    purpose,
    height: BigInt(ctx.block.height),
    parentsPart: split.parentsPart,
    validatorsPart: split.validatorsPart,
    pooled: split.pooled,
    ancestorsValidators: split.validators - split.validatorsPart,
    ancestorsPooled,
    credited: split.parts.filter((p) => p.pooled > 0n).length,
  }
  books.setReceipt(receipt)
  books.setTotals({
    ...totals,
    received: totals.received + fee,
    toValidators: totals.toValidators + split.validators,
    nextReceipt: id + 1n,
  })
  emitModelUsed(ctx, receipt)
  return receipt
}

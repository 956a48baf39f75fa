import { Dec } from '../../state/index.js'
import { type VersionId, versionName } from './keys.js'

/** The params a fee's split reads. */
export interface SplitParams {
  parentShare: Dec
  validatorShare: Dec
  maxAncestryDepth: number
}

/** What one version made of the amounts that reached it: its pool's part and the validators'. */
export interface VersionPart {
  version: VersionId
  /** The fewest generations from the used version (0 for itself). */
  depth: number
  pooled: bigint
  validators: bigint
}

export interface FeeSplit {
  /** Every version whose part is positive, in the order first reached (the used version first). */
  parts: VersionPart[]
  /** The used version's own split: P passed to its parents, its validators' part, its pool's part. */
  parentsPart: bigint
  validatorsPart: bigint
  pooled: bigint
  /** Σ validators over every version (what goes to the fee collector). */
  validators: bigint
}

const mulFloor = (amount: bigint, share: Dec): bigint => (amount * share.raw) / Dec.ONE.raw

/**
 * Splits `fee` along the lineage of `root`, exactly, generation by generation. An amount m that
 * reaches version V at generation d:
 *
 *   P = ⌊m × parent_share⌋ when V has parents and d < max_ancestry_depth, else 0 (at the bound
 *       the part stays with V); P is divided equally among V's parents, ⌊P / n⌋ each, the first
 *       in order taking the P mod n left; each share reaches that parent at generation d + 1.
 *   own = m − P; validators' part ⌊own × validator_share⌋; V's pool gets own − that.
 *
 * Amounts reaching one version within one generation (a DAG with merges) are added before its
 * split, so the work is at most (max_ancestry_depth + 1) × the distinct versions reached, never
 * the number of paths. Σ pooled + Σ validators = fee, always. `parentsOf` returns a version's
 * parents (those with a record; an unknown parent is skipped).
 */
export function splitFee(fee: bigint, root: VersionId, parentsOf: (v: VersionId) => readonly VersionId[], params: SplitParams): FeeSplit {
  const parts = new Map<string, VersionPart>()
  let level = new Map<string, { version: VersionId; amount: bigint }>([[versionName(root), { version: root, amount: fee }]])
  let rootSplit = { parentsPart: 0n, validatorsPart: 0n, pooled: 0n }
  let validators = 0n
  for (let depth = 0; level.size > 0; depth++) {
    const next = new Map<string, { version: VersionId; amount: bigint }>()
    for (const [name, { version, amount }] of level) {
      const parents = depth < params.maxAncestryDepth ? parentsOf(version) : []
      const P = parents.length === 0 ? 0n : mulFloor(amount, params.parentShare)
      if (P > 0n) {
        const each = P / BigInt(parents.length)
        parents.forEach((parent, i) => {
          const share = i === 0 ? each + (P - each * BigInt(parents.length)) : each
          if (share === 0n) return
          const key = versionName(parent)
          const entry = next.get(key)
          if (entry === undefined) next.set(key, { version: parent, amount: share })
          else entry.amount += share
        })
      }
      const own = amount - P
      const toValidators = mulFloor(own, params.validatorShare)
      const pooled = own - toValidators
      if (depth === 0) rootSplit = { parentsPart: P, validatorsPart: toValidators, pooled }
      validators += toValidators
      const part = parts.get(name)
      if (part === undefined) parts.set(name, { version, depth, pooled, validators: toValidators })
      else {
        part.pooled += pooled
        part.validators += toValidators
      }
    }
    level = next
  }
  return { parts: [...parts.values()].filter((p) => p.pooled > 0n || p.validators > 0n || p.depth === 0), ...rootSplit, validators }
}

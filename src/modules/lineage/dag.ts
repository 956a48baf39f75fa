import type { LineageBooks } from './books.js'
import { type Contributor, type VersionId, contributorBytes, versionName } from './keys.js'
import type { DatanetVersionRefValue, VersionRecordValue } from './messages.js'
import { type SplitParams, splitFee } from './split.js'
import { recordedParents } from './usage.js'
import { WEIGHT_SCALE } from './weights.js'

/** Most versions one walk visits (ancestry, descendants, diff): a query's work is bounded whatever the DAG. */
export const MAX_WALK = 10_000

export interface Walk {
  nodes: { record: VersionRecordValue; depth: number }[]
  edges: { child: VersionId; parent: VersionId }[]
  /** Whether MAX_WALK stopped it before `depth`. */
  truncated: boolean
}

/** Breadth first from `root` along `next` (parents, or children), to `depth` generations; each node at its least depth. */
function walk(
  books: LineageBooks,
  root: VersionRecordValue,
  depth: number,
  next: (v: VersionRecordValue) => VersionId[],
  up: boolean,
): Walk {
  const seen = new Map<string, number>([[versionName(root), 0]])
  const nodes = [{ record: root, depth: 0 }]
  const edges: Walk['edges'] = []
  let frontier = [root]
  let truncated = false
  for (let d = 1; d <= depth && frontier.length > 0 && !truncated; d++) {
    const following: VersionRecordValue[] = []
    for (const v of frontier) {
      for (const n of next(v)) {
        edges.push(up ? { child: v, parent: n } : { child: n, parent: v })
        if (seen.has(versionName(n))) continue
        const record = books.version(n)
        if (record === undefined) continue
        if (seen.size >= MAX_WALK) {
          truncated = true
          break
        }
        seen.set(versionName(n), d)
        nodes.push({ record, depth: d })
        following.push(record)
      }
    }
    frontier = following
  }
  return {
    nodes,
    edges: edges.map((e) => ({
      child: { subnet: e.child.subnet, version: e.child.version },
      parent: { subnet: e.parent.subnet, version: e.parent.version },
    })),
    truncated,
  }
}

export const ancestry = (books: LineageBooks, root: VersionRecordValue, depth: number): Walk =>
  walk(books, root, depth, (v) => v.parents, true)
export const descendants = (books: LineageBooks, root: VersionRecordValue, depth: number): Walk =>
  walk(books, root, depth, (v) => [...books.children(v)], false)

export interface ResolvedContributor {
  contributor: Contributor
  /** Parts per WEIGHT_SCALE of a fee paid to the root that end up this contributor's (floors at every step). */
  weight: bigint
  versions: number
}

export interface Resolution {
  contributors: ResolvedContributor[]
  /** Parts of the fee to validators, to pools of versions still pending, and the flooring dust nobody is entitled to. */
  validators: bigint
  pending: bigint
  dust: bigint
  versions: number
}

/**
 * Everyone credited for `root`, resolved through its ancestors with the decay: the fee split
 * (split.ts, exactly as MsgUseModel applies it, so bounded by max_ancestry_depth × the distinct
 * versions reached, with amounts reaching a version in one generation merged: the memo) of a fee
 * of WEIGHT_SCALE parts, then each version's pool part ⌊p_V × w_c / W_V⌋ per credit. A branch
 * whose share rounds to 0 is not followed. Heaviest first, ties by contributor bytes.
 */
export function resolveContributors(books: LineageBooks, root: VersionId, params: SplitParams): Resolution {
  const split = splitFee(WEIGHT_SCALE, root, recordedParents(books), params)
  const byContributor = new Map<string, ResolvedContributor>()
  let pending = 0n
  let assigned = 0n
  for (const part of split.parts) {
    if (part.pooled === 0n) continue
    const record = books.version(part.version)
    if (record === undefined || record.totalWeight === 0n) {
      pending += part.pooled
      continue
    }
    for (const { contributor, credit } of books.credits(part.version)) {
      const w = credit.trainer + credit.data + credit.aggregator + credit.treasury
      const share = (part.pooled * w) / record.totalWeight
      if (share === 0n) continue
      const id = Buffer.from(contributorBytes(contributor)).toString('hex')
      const entry = byContributor.get(id) ?? { contributor, weight: 0n, versions: 0 }
      entry.weight += share
      entry.versions += 1
      byContributor.set(id, entry)
      assigned += share
    }
  }
  const contributors = [...byContributor.entries()]
    .sort(([ka, a], [kb, b]) => (a.weight === b.weight ? (ka < kb ? -1 : 1) : a.weight > b.weight ? -1 : 1))
    .map(([, e]) => e)
  return {
    contributors,
    validators: split.validators,
    pending,
    dust: WEIGHT_SCALE - split.validators - pending - assigned,
    versions: split.parts.length,
  }
}

export interface VersionDiff {
  related: boolean
  /** The versions after `from` up to `to` along parents (when `from` is an ancestor of `to`), oldest first. */
  path: VersionRecordValue[]
  datanetsAdded: DatanetVersionRefValue[]
  datanetsRemoved: DatanetVersionRefValue[]
  trainersAdded: Uint8Array[]
  trainersRemoved: Uint8Array[]
  truncated: boolean
}

/**
 * What changed from `from` to `to`: the path between them when `from` is an ancestor of `to`
 * (shortest, breadth first over parents, at most MAX_WALK versions), and the Datanet versions and
 * trainers of `to` that `from` lacks and the reverse.
 */
export function diff(books: LineageBooks, from: VersionRecordValue, to: VersionRecordValue): VersionDiff {
  const previous = new Map<string, VersionRecordValue | null>([[versionName(to), null]])
  let frontier = [to]
  let found = versionName(from) === versionName(to)
  let truncated = false
  while (!found && frontier.length > 0 && !truncated) {
    const following: VersionRecordValue[] = []
    for (const v of frontier) {
      for (const p of v.parents) {
        if (previous.has(versionName(p))) continue
        const record = books.version(p)
        if (record === undefined) continue
        if (previous.size >= MAX_WALK) truncated = true
        previous.set(versionName(p), v)
        following.push(record)
        if (versionName(p) === versionName(from)) found = true
      }
    }
    frontier = following
  }
  const path: VersionRecordValue[] = []
  if (found) for (let v = previous.get(versionName(from)) ?? null; v !== null; v = previous.get(versionName(v)) ?? null) path.push(v)
  const dn = (r: DatanetVersionRefValue) => `${r.datanet}@${r.version}`
  const hex = (a: Uint8Array) => Buffer.from(a).toString('hex')
  const minus = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string) => {
    const keys = new Set(b.map(key))
    return a.filter((x) => !keys.has(key(x)))
  }
  const fromTrainers = from.trainers.map((t) => t.trainer)
  const toTrainers = to.trainers.map((t) => t.trainer)
  return {
    related: found,
    path,
    datanetsAdded: minus(to.datanetVersions, from.datanetVersions, dn),
    datanetsRemoved: minus(from.datanetVersions, to.datanetVersions, dn),
    trainersAdded: minus(toTrainers, fromTrainers, hex),
    trainersRemoved: minus(fromTrainers, toTrainers, hex),
    truncated,
  }
}

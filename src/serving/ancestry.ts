import type { AncestryWalk, ServingSource, VersionRef } from './source.js'

/**
 * What every inference answers beside its probabilities: where the model came from and who is
 * credited for it, read from the lineage module (lineage_getAncestry, lineage_version,
 * lineage_getContributors on the node's latest state).
 */
export interface AncestrySummary {
  /** The version and its ancestors back to the roots, nearest first (depth 0 is the version). */
  readonly versions: readonly (VersionRef & { depth: number; kind: string; round: string | null; status: string })[]
  /** Versions of the walk with no parent in it: where the lineage starts. */
  readonly roots: readonly VersionRef[]
  /** Every Datanet version any version of the walk trained or validated on, ascending. */
  readonly datanet_versions: readonly { datanet: string; version: string }[]
  /** The top contributors by weight: parts of a fee of `scale`, resolved through the ancestors. */
  readonly contributors: readonly { contributor: string; weight: string; versions: number }[]
  readonly scale: string
  /** The walk hit the depth bound (max_ancestry_depth). */
  readonly truncated: boolean
}

const byRef = (a: { datanet: string; version: string }, b: { datanet: string; version: string }): number =>
  BigInt(a.datanet) === BigInt(b.datanet) ? Number(BigInt(a.version) - BigInt(b.version)) : BigInt(a.datanet) < BigInt(b.datanet) ? -1 : 1

const key = (v: VersionRef): string => `${v.subnet}/${v.version}`

/**
 * The summary of `version`; `base` (an adapter's base version) is walked too when the lineage
 * record does not name it among the ancestors, so the answer always reaches the base's roots.
 */
export async function ancestrySummary(
  source: ServingSource,
  version: VersionRef,
  base: VersionRef | null,
  topContributors: number,
): Promise<AncestrySummary> {
  const walks: { walk: AncestryWalk; offset: number }[] = []
  const own = await walkOf(source, version)
  walks.push({ walk: own, offset: 0 })
  if (base !== null && !own.nodes.some((n) => key(n) === key(base))) walks.push({ walk: await walkOf(source, base), offset: 1 })
  const seen = new Map<string, AncestrySummary['versions'][number]>()
  const hasParent = new Set<string>()
  for (const { walk, offset } of walks) {
    for (const n of walk.nodes)
      if (!seen.has(key(n)))
        seen.set(key(n), { subnet: n.subnet, version: n.version, depth: n.depth + offset, kind: n.kind, round: n.round, status: n.status })
    for (const e of walk.edges) hasParent.add(key(e.child))
  }
  if (walks.length > 1) hasParent.add(key(version))
  const versions = [...seen.values()].sort((a, b) => a.depth - b.depth)
  const datanets = new Map<string, { datanet: string; version: string }>()
  for (const v of versions) {
    const record = await source.lineageVersion(v.subnet, v.version)
    for (const d of record?.datanet_versions ?? []) datanets.set(`${d.datanet}@${d.version}`, { datanet: d.datanet, version: d.version })
  }
  const credited =
    (await source.lineageVersion(version.subnet, version.version)) === undefined
      ? undefined
      : await source.contributors(version.subnet, version.version)
  const contributors = [...(credited?.contributors ?? [])]
    .sort((a, b) =>
      BigInt(b.weight) > BigInt(a.weight) ? 1 : BigInt(b.weight) < BigInt(a.weight) ? -1 : a.contributor < b.contributor ? -1 : 1,
    )
    .slice(0, topContributors)
  return {
    versions,
    roots: versions.filter((v) => !hasParent.has(key(v))).map((v) => ({ subnet: v.subnet, version: v.version })),
    datanet_versions: [...datanets.values()].sort(byRef),
    contributors,
    scale: credited?.scale ?? '0',
    truncated: walks.some((w) => w.walk.truncated),
  }
}

/** The lineage walk of a version, or the version alone when lineage holds no record of it. */
async function walkOf(source: ServingSource, v: VersionRef): Promise<AncestryWalk> {
  const record = await source.lineageVersion(v.subnet, v.version)
  if (record === undefined)
    return { nodes: [{ ...v, depth: 0, kind: 'full', round: null, status: 'unrecorded', global_cid: '' }], edges: [], truncated: false }
  return source.ancestry(v.subnet, v.version)
}

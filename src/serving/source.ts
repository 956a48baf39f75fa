/**
 * What the model server reads from its node: subnets, model versions, lineage and use receipts
 * (module queries on the latest committed state, as the lineage_* / usage_* methods answer them)
 * and blobs from the parameter store. The node implements it over its state and BlobService
 * (chainServingSource); tests and the bench substitute an in-memory one.
 */
export interface ServingSource {
  /** The latest committed height: ancestry summaries are cached per version and height. */
  height(): number
  /** A subnet's model spec text, or undefined when there is no such subnet. */
  subnet(id: string): Promise<{ modelSpec: string; parameterCount: number } | undefined>
  /** A model version's global model CID, or undefined when the subnet has no such version. */
  version(subnet: string, version: string): Promise<{ globalCid: string } | undefined>
  /** Lineage's record of a version (lineage_version's datanet_versions, kind, parents), or undefined. */
  lineageVersion(subnet: string, version: string): Promise<LineageVersionView | undefined>
  /** lineage_getAncestry's walk. */
  ancestry(subnet: string, version: string): Promise<AncestryWalk>
  /** lineage_getContributors' answer. */
  contributors(subnet: string, version: string): Promise<ContributorsView>
  /** usage_receipt's answer, or undefined when there is none. */
  receipt(id: string): Promise<ReceiptView | undefined>
  /** A blob's bytes (fetched from peers first when not local); throws when unavailable. */
  blob(cid: string): Promise<Uint8Array>
}

export interface VersionRef {
  readonly subnet: string
  readonly version: string
}

export interface LineageVersionView extends VersionRef {
  readonly kind: string
  readonly parents: readonly VersionRef[]
  readonly round: string | null
  readonly datanet_versions: readonly { datanet: string; version: string }[]
  readonly status: string
}

export interface AncestryWalk {
  readonly nodes: readonly (VersionRef & { depth: number; kind: string; round: string | null; status: string; global_cid: string })[]
  readonly edges: readonly { child: VersionRef; parent: VersionRef }[]
  readonly truncated: boolean
}

export interface ContributorsView {
  readonly scale: string
  readonly contributors: readonly { contributor: string; weight: string; versions: number }[]
  readonly validators: string
  readonly pending: string
}

export interface ReceiptView extends VersionRef {
  readonly id: string
  readonly user: string
  readonly fee: string
  readonly denom: string
  readonly used_height: string
}

/** A module query as the node answers it (synchronously, on its latest state); throws the module's error. */
export type ModuleQuery = (module: string, query: string, params: Record<string, unknown>) => unknown

/** The code of a module's refusal (a ModuleError), or undefined for anything else. */
const refusal = (error: unknown): string | undefined =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { code?: unknown }).code === 'string' &&
  typeof (error as { context?: { codespace?: unknown } }).context?.codespace === 'string'
    ? (error as { code: string }).code
    : undefined

/** Answers `query`, or undefined when the module refuses it with one of `absent` (UNKNOWN_VERSION…). */
function orAbsent<T>(run: () => unknown, absent: readonly string[]): T | undefined {
  try {
    return run() as T
  } catch (error) {
    const code = refusal(error)
    if (code !== undefined && absent.includes(code)) return undefined
    throw error
  }
}

/** The node's source: its module queries and its parameter store. */
export function chainServingSource(deps: {
  query: ModuleQuery
  height: () => number
  blob: (cid: string) => Promise<Uint8Array>
}): ServingSource {
  const { query } = deps
  return {
    height: deps.height,
    async subnet(id) {
      const s = orAbsent<{ model_spec: string; parameter_count: string }>(() => query('subnets', 'subnet', { id }), ['UNKNOWN_SUBNET'])
      return s === undefined ? undefined : { modelSpec: s.model_spec, parameterCount: Number(s.parameter_count) }
    },
    async version(subnet, version) {
      const v = orAbsent<{ global_cid: string }>(
        () => query('training', 'version', { subnet, version }),
        ['UNKNOWN_SUBNET', 'UNKNOWN_VERSION'],
      )
      return v === undefined ? undefined : { globalCid: v.global_cid }
    },
    async lineageVersion(subnet, version) {
      return orAbsent<LineageVersionView>(() => query('lineage', 'version', { subnet, version }), ['UNKNOWN_VERSION'])
    },
    async ancestry(subnet, version) {
      return query('lineage', 'ancestry', { subnet, version }) as AncestryWalk
    },
    async contributors(subnet, version) {
      return query('lineage', 'contributors', { subnet, version }) as ContributorsView
    },
    async receipt(id) {
      return orAbsent<ReceiptView>(() => query('lineage', 'receipt', { id }), ['UNKNOWN_RECEIPT'])
    },
    blob: deps.blob,
  }
}

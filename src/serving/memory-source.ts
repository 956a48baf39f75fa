import { canonicalJson } from '../modules/subnets/subnet-params.js'
import { blobCid } from '../modules/training/blob-cid.js'
import type { ModelSpec } from '../fl/model/spec.js'
import { trainableSize } from '../fl/model/spec.js'
import type { AncestryWalk, ContributorsView, LineageVersionView, ReceiptView, ServingSource, VersionRef } from './source.js'

interface VersionEntry {
  cid: string
  lineage: LineageVersionView
  contributors: ContributorsView['contributors']
}

/**
 * A ServingSource held in memory: subnets, versions with their model blobs and lineage records,
 * and receipts, as a node's state would answer them. For the serving bench, tests and offline
 * use; it counts blob reads, so a caller can see what the server loaded.
 */
export class MemoryServingSource implements ServingSource {
  readonly #subnets = new Map<string, { modelSpec: string; parameterCount: number }>()
  readonly #versions = new Map<string, VersionEntry>()
  readonly #blobs = new Map<string, Uint8Array>()
  readonly #receipts = new Map<string, ReceiptView>()
  blobReads = 0
  currentHeight = 1

  height(): number {
    return this.currentHeight
  }

  addSubnet(id: string, spec: ModelSpec): void {
    this.#subnets.set(id, { modelSpec: canonicalJson(spec), parameterCount: trainableSize(spec) })
  }

  /** A version whose global model is `blob`; lineage records it with `parents`, `datanets` and `contributors`. */
  addVersion(
    ref: VersionRef,
    blob: Uint8Array,
    lineage: {
      kind?: string
      parents?: VersionRef[]
      datanets?: { datanet: string; version: string }[]
      contributors?: { contributor: string; weight: string }[]
    } = {},
  ): string {
    const cid = blobCid(blob)
    this.#blobs.set(cid, blob)
    this.#versions.set(`${ref.subnet}/${ref.version}`, {
      cid,
      lineage: {
        ...ref,
        kind: lineage.kind ?? 'full',
        parents: lineage.parents ?? [],
        round: ref.version === '0' ? null : String(BigInt(ref.version) - 1n),
        datanet_versions: lineage.datanets ?? [],
        status: 'attributed',
      },
      contributors: (lineage.contributors ?? []).map((c) => ({ ...c, versions: 1 })),
    })
    return cid
  }

  addReceipt(receipt: ReceiptView): void {
    this.#receipts.set(receipt.id, receipt)
  }

  /** Forgets a blob, as a store that lost it would. */
  dropBlob(cid: string): void {
    this.#blobs.delete(cid)
  }

  async subnet(id: string) {
    return this.#subnets.get(id)
  }

  async version(subnet: string, version: string) {
    const entry = this.#versions.get(`${subnet}/${version}`)
    return entry === undefined ? undefined : { globalCid: entry.cid }
  }

  async lineageVersion(subnet: string, version: string) {
    return this.#versions.get(`${subnet}/${version}`)?.lineage
  }

  async ancestry(subnet: string, version: string): Promise<AncestryWalk> {
    const nodes: AncestryWalk['nodes'][number][] = []
    const edges: AncestryWalk['edges'][number][] = []
    const seen = new Set<string>()
    let frontier: { ref: VersionRef; depth: number }[] = [{ ref: { subnet, version }, depth: 0 }]
    while (frontier.length > 0) {
      const next: typeof frontier = []
      for (const { ref, depth } of frontier) {
        const key = `${ref.subnet}/${ref.version}`
        const entry = this.#versions.get(key)
        if (entry === undefined || seen.has(key)) continue
        seen.add(key)
        nodes.push({
          ...ref,
          depth,
          kind: entry.lineage.kind,
          round: entry.lineage.round,
          status: entry.lineage.status,
          global_cid: entry.cid,
        })
        for (const parent of entry.lineage.parents) {
          edges.push({ child: ref, parent })
          next.push({ ref: parent, depth: depth + 1 })
        }
      }
      frontier = next
    }
    return { nodes, edges, truncated: false }
  }

  async contributors(subnet: string, version: string): Promise<ContributorsView> {
    return {
      scale: '1000000000000',
      contributors: this.#versions.get(`${subnet}/${version}`)?.contributors ?? [],
      validators: '0',
      pending: '0',
    }
  }

  async receipt(id: string) {
    return this.#receipts.get(id)
  }

  async blob(cid: string): Promise<Uint8Array> {
    this.blobReads++
    const bytes = this.#blobs.get(cid)
    if (bytes === undefined) throw new Error(`blob ${cid} is not in the store`)
    return bytes
  }
}

import type { DataDeclarationView, DatanetRecordView, DatanetVersionView, DatanetsView } from '../../../../src/modules/datanets/views.js'
import type { Module } from '../../../../src/state/index.js'

/**
 * A test-only `datanets` module: the published contract (views.ts) answered from plain maps the
 * test fills, no state and no structs. Lineage reads records' contributors and qualities and a
 * round's declarations through it, exactly as it will read the real module's keeper.
 */
export class FakeDatanets implements DatanetsView {
  readonly records = new Map<string, DatanetRecordView>()
  readonly versions = new Map<string, DatanetVersionView>()
  readonly byRound = new Map<string, DataDeclarationView[]>()

  addRecord(
    datanet: bigint,
    record: bigint,
    contributor: Uint8Array,
    quality: number,
    status: DatanetRecordView['status'] = 'accepted',
  ): void {
    this.records.set(`${datanet}/${record}`, {
      datanet,
      record,
      contributor,
      status,
      quality,
      contentId: '00'.repeat(32),
      size: 1n,
      licence: 'CC-BY-4.0',
    })
  }

  declare(
    subnet: bigint,
    round: bigint,
    trainer: Uint8Array,
    datanet: bigint,
    version: bigint,
    records: { record: bigint; count: number }[],
  ): void {
    const key = `${subnet}/${round}`
    const list = this.byRound.get(key) ?? []
    list.push({ subnet, round, trainer, datanet, version, records, root: new Uint8Array(32) })
    list.sort((a, b) => Buffer.compare(a.trainer, b.trainer) || (a.datanet < b.datanet ? -1 : 1))
    this.byRound.set(key, list)
  }

  record(datanet: bigint, record: bigint): DatanetRecordView | undefined {
    return this.records.get(`${datanet}/${record}`)
  }

  version(datanet: bigint, version: bigint): DatanetVersionView | undefined {
    return this.versions.get(`${datanet}/${version}`)
  }

  declarations(subnet: bigint, round: bigint): DataDeclarationView[] {
    return [...(this.byRound.get(`${subnet}/${round}`) ?? [])]
  }

  // gov's Datanet-scope contract (src/modules/gov/expected-keepers.ts): this fake holds no Datanet gov could govern.
  curation(): undefined {
    return undefined
  }

  curatorsChange(): () => void {
    throw new Error('the fake datanets module has no curators to change')
  }
}

export function fakeDatanetsModule(data: FakeDatanets = new FakeDatanets()): Module<DatanetsView> {
  return {
    name: 'datanets',
    messages: [],
    queries: {},
    keeper: () => data,
    genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
    invariants: {},
  }
}

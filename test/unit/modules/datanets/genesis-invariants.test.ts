import assert from 'node:assert/strict'
import { DATANETS_ERRORS, DATANETS_MODULE_ACCOUNTS, datanetsInvariants, datanetsParams } from '../../../../src/modules/datanets/index.js'
import { DatanetsBooks } from '../../../../src/modules/datanets/books.js'
import { CacheStore, Context, Dec, GasMeter, ModuleError, type StateDB, StateError, outsideBlock } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { CURATORS, DatanetsChain, MsgDeclareData, TRAINERS, coin, datanetsGenesisJson, declarationRootOf, hashRecord } from './harness.js'
import { recordLeafHash } from '../../../../src/modules/datanets/index.js'

const dirs = tempDirs()
after(() => dirs.removeAll())
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const subtree = (db: StateDB, prefix: string) => [...db.iterate(Buffer.from(prefix))].map(([k, v]) => `${hex(k)}=${hex(v)}`)

/**
 * A chain with every kind of book: a public and a private Datanet; on the private one records
 * accepted (0, 2), rejected (1, with a slash) and pending (3), version 1, and a declaration.
 */
async function populated(dir: string): Promise<DatanetsChain> {
  const c = await DatanetsChain.open(dir)
  await c.create()
  const id = await c.create({ privacy: 'private', rejectSlashFraction: Dec.parse('0.5') })
  await c.contribute(2, c.publicRecord(0n, new TextEncoder().encode('public bytes')))
  for (const [i, from] of [2, 3, 4, 2].entries())
    await c.contribute(from, hashRecord(id, `private ${i}`, { bond: coin(1000n + BigInt(i)) }))
  await c.accept(id, 2n)
  await c.curate(id, 1n, [
    [CURATORS[0]!, false],
    [CURATORS[2]!, false],
  ])
  await c.curate(id, 0n, [
    [CURATORS[1]!, true],
    [CURATORS[2]!, false],
    [CURATORS[0]!, true],
  ])
  await c.curate(id, 3n, [[CURATORS[0]!, true]])
  await c.publish(id)
  const h = (record: bigint) => recordLeafHash(c.view((k) => k.record(id, record))!)
  await c.ok(TRAINERS[0]!, MsgDeclareData, {
    subnet: 0n,
    round: 0n,
    datanet: id,
    version: 1n,
    records: [
      { record: 0n, count: 3 },
      { record: 2n, count: 9 },
    ],
    root: declarationRootOf([h(0n), h(2n)], [3, 9]),
  })
  return c
}

describe('datanets: genesis, params and invariants', () => {
  it('exports and re-imports its books unchanged', async () => {
    const c = await populated(dirs.next())
    const exported = c.app.exportAppState()
    const section = exported.datanets as { datanets: unknown[]; records: unknown[]; versions: unknown[]; declarations: unknown[] }
    assert.deepEqual([section.datanets.length, section.records.length, section.versions.length, section.declarations.length], [2, 5, 1, 1])
    const fresh = await DatanetsChain.restore(dirs.next(), { ...datanetsGenesisJson(), initial_height: c.height + 1, app_state: exported })
    assert.deepEqual(subtree(fresh.app.db, 'datanets/'), subtree(c.app.db, 'datanets/'))
    fresh.app.assertInvariants()
    assert.deepEqual(fresh.app.exportAppState().datanets, exported.datanets)
    assert.deepEqual(fresh.query('datanet', { id: 1 }), c.query('datanet', { id: 1 }))
    await fresh.close()
    await c.close()
  })

  it('refuses a genesis whose books do not hold together, naming what is wrong', async () => {
    const c = await populated(dirs.next())
    const exported = c.app.exportAppState()
    const section = exported.datanets as { datanets: Record<string, unknown>[]; records: Record<string, unknown>[] }
    const at = { ...datanetsGenesisJson(), initial_height: c.height + 1 }
    const refused = (datanets: unknown, pattern: RegExp) =>
      assert.rejects(
        DatanetsChain.restore(dirs.next(), { ...at, app_state: { ...exported, datanets } }),
        (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID' && pattern.test(e.message),
      )
    await refused({ ...section, datanets: [{ ...section.datanets[0]!, treasury: '5' }, section.datanets[1]] }, /datanets account holds/)
    await refused(
      { ...section, records: section.records.map((r, i) => (i === 4 ? { ...r, approvals: 2 } : r)) },
      /\(records\): record 1\/3 counts 2 approvals/,
    )
    await refused({ ...section, records: section.records.slice(0, 2) }, /datanet 1 has no record accepted at index 0/)
    await refused({ ...section, datanets: [{ ...section.datanets[1]!, id: '1' }] }, /datanets\[0\]\.id/)
    await refused({ ...section, extra: [] }, /no such datanets genesis field/)
    await c.close()
  })

  it('catches a planted deposit, vote count, acceptance index, version root and declaration with its invariants', async () => {
    const c = await populated(dirs.next())
    const app = c.app
    const context = (store: CacheStore) =>
      new Context(outsideBlock('fedra-test-1', app.height), store, new GasMeter(2n ** 64n), app.registry)
    const broken = (store: CacheStore) =>
      Object.entries(datanetsInvariants)
        .filter(([, check]) => check(context(store).forModule('datanets')) !== null)
        .map(([name]) => name)
    const planted = (plant: (books: DatanetsBooks) => void): CacheStore => {
      const store = new CacheStore(app.db)
      plant(new DatanetsBooks(context(store).moduleStore('datanets')))
      return store
    }
    assert.deepEqual(broken(new CacheStore(app.db)), [])
    assert.deepEqual(broken(planted((b) => b.setDatanet({ ...b.datanet(0n)!, deposit: b.datanet(0n)!.deposit + 1n }))), ['account'])
    assert.deepEqual(broken(planted((b) => b.setRecord({ ...b.record(1n, 3n)!, bond: 1n }))), ['account'])
    assert.deepEqual(broken(planted((b) => b.setRecord({ ...b.record(1n, 3n)!, approvals: 2 }))), ['records'])
    assert.deepEqual(broken(planted((b) => b.setRecord({ ...b.record(1n, 0n)!, acceptanceIndex: 0n }))), ['records'])
    assert.deepEqual(
      broken(planted((b) => b.setAcceptedAt(1n, 0n, 0n))),
      ['records', 'versions'],
      'version 1 is read through the acceptance index',
    )
    assert.deepEqual(broken(planted((b) => b.setDatanet({ ...b.datanet(1n)!, treasury: b.datanet(1n)!.treasury + 1n }))), [
      'account',
      'records',
    ])
    assert.deepEqual(broken(planted((b) => b.setVersion({ ...b.version(1n, 1n)!, root: new Uint8Array(32) }))), ['versions'])
    assert.deepEqual(broken(planted((b) => b.setVersion({ ...b.version(1n, 1n)!, version: 2n }))), ['versions'])
    const declaration = [...new DatanetsBooks(context(new CacheStore(app.db)).moduleStore('datanets')).allDeclarations()][0]!
    assert.deepEqual(
      broken(planted((b) => b.setDeclaration({ ...declaration, records: [{ record: 0n, count: 4 }, declaration.records[1]!] }))),
      ['declarations'],
    )
    await c.close()
  })

  it('takes its params from genesis, refusing unknown or out-of-range ones, and answers them', async () => {
    const parse = (json: unknown) => datanetsParams.fromJson(json, 'app_state.datanets.params')
    assert.deepEqual(parse({ creation_deposit: '7', max_records_per_datanet: '9' }), { creationDeposit: 7n, maxRecordsPerDatanet: 9n })
    assert.deepEqual(parse({}), datanetsParams.defaults)
    assert.throws(
      () => parse({ deposit: '1' }),
      (e: unknown) => e instanceof StateError && /deposit/.test(String(e.context.path)),
    )
    assert.throws(() => parse({ max_records_per_datanet: '0' }), StateError)
    assert.throws(
      () => datanetsParams.validate({ creationDeposit: 1n, maxRecordsPerDatanet: 0n }),
      (e: unknown) => e instanceof ModuleError && e.code === 'INVALID_PARAMS',
    )
    const c = await DatanetsChain.open(dirs.next(), { datanets: { params: { max_records_per_datanet: '12' } } })
    assert.deepEqual(c.query('params'), { creation_deposit: '2000000', max_records_per_datanet: '12' })
    const codeOf = (name: string, params: Record<string, unknown>) => {
      try {
        c.query(name, params)
      } catch (error) {
        if (error instanceof ModuleError) return error.code
        throw error
      }
      return 'OK'
    }
    assert.equal(codeOf('datanet', { id: '0' }), 'UNKNOWN_DATANET')
    assert.equal(codeOf('datanet', { id: '-1' }), 'INVALID_QUERY')
    assert.equal(codeOf('datanets', { limit: 0 }), 'INVALID_QUERY')
    assert.equal(codeOf('records', { datanet: '0' }), 'UNKNOWN_DATANET')
    assert.equal(codeOf('declarations', { subnet: '0', round: '0' }), 'OK')
    await c.close()
  })

  it('has one stable number per code and a module account without permissions', () => {
    const numbers = Object.values(DATANETS_ERRORS)
    assert.equal(new Set(numbers).size, numbers.length)
    assert.deepEqual(DATANETS_MODULE_ACCOUNTS, { datanets: { owner: 'datanets', permissions: [] } })
    assert.deepEqual(
      [DATANETS_ERRORS.UNKNOWN_DATANET, DATANETS_ERRORS.NOT_ACCEPTED, DATANETS_ERRORS.UNKNOWN_RECORD, DATANETS_ERRORS.ROOT_MISMATCH],
      [14, 21, 15, 30],
    )
  })
})

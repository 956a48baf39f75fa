import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { fromHex, merkleLeafHash, toHex } from '../../../../src/crypto/index.js'
import { DeclaredLeaf, recordLeafHash } from '../../../../src/modules/datanets/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  AGGREGATORS,
  DatanetsChain,
  MsgDeclareData,
  SUBMIT_WINDOW,
  TRAINERS,
  addr,
  declarationRootOf,
  eventsOf,
  hashRecord,
  statelessCode,
  who,
} from './harness.js'

const dirs = tempDirs()
after(() => dirs.removeAll())
const [T1, T2] = TRAINERS as [number, number]
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/** Private Datanet 0, records 0..4; 3, 1, 4 accepted (in that order) and published as version 1; record 2 pending; record 0 accepted after. */
async function withVersion(dir: string): Promise<DatanetsChain> {
  const c = await DatanetsChain.open(dir)
  const id = await c.create({ privacy: 'private' })
  for (const [i, from] of [2, 3, 4, 2, 3].entries()) await c.contribute(from, hashRecord(id, `record ${i}`))
  for (const record of [3n, 1n, 4n]) await c.accept(id, record)
  await c.publish(id)
  await c.accept(id, 0n)
  return c
}

const leafHashOf = (c: DatanetsChain, record: bigint): Uint8Array => recordLeafHash(c.view((k) => k.record(0n, record))!)

/** A declaration of `records` with `counts` (its root computed as a trainer would). */
function declaration(c: DatanetsChain, records: bigint[], counts: number[], overrides: Record<string, unknown> = {}) {
  const version = (overrides.version as bigint | undefined) ?? 1n
  return {
    subnet: 0n,
    round: 0n,
    datanet: 0n,
    version,
    records: records.map((record, i) => ({ record, count: counts[i]! })),
    root: declarationRootOf(
      records.map((r) => (c.view((k) => k.record(0n, r)) === undefined ? new Uint8Array(32) : leafHashOf(c, r))),
      counts,
    ),
    ...overrides,
  }
}

describe('datanets: data declarations', () => {
  it('records a trainer\u2019s declaration of accepted records, readable by round through the published view', async () => {
    const c = await withVersion(dirs.next())
    const message = declaration(c, [1n, 3n], [40, 60])
    const executed = await c.ok(T1, MsgDeclareData, message)
    assert.deepEqual(eventsOf(executed, 'data_declared')[0], {
      subnet: '0',
      round: '0',
      trainer: who(T1),
      datanet: '0',
      version: '1',
      records: '2',
      samples: '100',
      root: toHex(message.root),
    })
    await c.publish(0n)
    await c.ok(T2, MsgDeclareData, declaration(c, [0n, 4n], [5, 5], { version: 2n }))
    const views = c.view((k) => k.declarations(0n, 0n))
    const expected = [
      {
        trainer: hex(addr(T1)),
        version: 1n,
        records: [
          { record: 1n, count: 40 },
          { record: 3n, count: 60 },
        ],
      },
      {
        trainer: hex(addr(T2)),
        version: 2n,
        records: [
          { record: 0n, count: 5 },
          { record: 4n, count: 5 },
        ],
      },
    ].sort((a, b) => a.trainer.localeCompare(b.trainer))
    assert.deepEqual(
      views.map((v) => ({ trainer: hex(v.trainer), version: v.version, records: v.records })),
      expected,
    )
    assert.deepEqual(
      views.map((v) => [v.subnet, v.round, v.datanet]),
      [
        [0n, 0n, 0n],
        [0n, 0n, 0n],
      ],
    )
    assert.deepEqual(
      c.view((k) => k.declarations(0n, 1n)),
      [],
    )
    const json = c.query<{ declarations: { trainer: string; root: string; records: unknown[] }[] }>('declarations', {
      subnet: '0',
      round: '0',
    }).declarations
    assert.deepEqual(json.find((d) => d.trainer === who(T1))!.records, [
      { record: '1', count: 40 },
      { record: '3', count: 60 },
    ])
    await c.close()
  })

  it('builds the root over DeclaredLeaf { record leaf hash, count } bytes', async () => {
    const c = await withVersion(dirs.next())
    const h1 = leafHashOf(c, 1n)
    assert.deepEqual(
      h1,
      merkleLeafHash(fromHex(c.query<{ leaf: string }>('record_proof', { datanet: 0, version: 1, record: 1 }).leaf)),
      'the leaf hash of the version\u2019s leaf',
    )
    const leaf = encode(DeclaredLeaf, { recordLeafHash: h1, count: 7 })
    assert.deepEqual(declarationRootOf([h1], [7]), merkleLeafHash(leaf))
    await c.close()
  })

  it('refuses records that are not accepted in the version (NOT_ACCEPTED), unknown ones, and a wrong root', async () => {
    const c = await withVersion(dirs.next())
    assert.equal(await c.try(T1, MsgDeclareData, declaration(c, [2n], [1])), 'NOT_ACCEPTED', 'a pending record')
    assert.equal(await c.try(T1, MsgDeclareData, declaration(c, [0n, 1n], [1, 1])), 'NOT_ACCEPTED', 'accepted after version 1')
    assert.equal(await c.try(T1, MsgDeclareData, declaration(c, [1n, 9n], [1, 1])), 'UNKNOWN_RECORD')
    const wrong = { ...declaration(c, [1n, 3n], [40, 60]), root: declaration(c, [1n, 3n], [40, 61]).root }
    assert.equal(await c.try(T1, MsgDeclareData, wrong), 'ROOT_MISMATCH')
    await c.publish(0n)
    assert.equal(await c.try(T1, MsgDeclareData, declaration(c, [0n, 1n], [1, 1], { version: 2n })), 'OK', 'record 0 is in version 2')
    await c.close()
  })

  it('refuses a declaration by a non-trainer, for a round not in its submit phase, or of unknown things, and a second one', async () => {
    const c = await withVersion(dirs.next())
    const good = declaration(c, [1n], [3])
    assert.equal(await c.try(AGGREGATORS[0]!, MsgDeclareData, good), 'NOT_TRAINER')
    assert.equal(await c.try(T1, MsgDeclareData, { ...good, round: 4n }), 'ROUND_NOT_OPEN')
    assert.equal(await c.try(T1, MsgDeclareData, { ...good, subnet: 7n }), 'UNKNOWN_SUBNET')
    assert.equal(await c.try(T1, MsgDeclareData, { ...good, datanet: 6n }), 'UNKNOWN_DATANET')
    assert.equal(await c.try(T1, MsgDeclareData, { ...good, version: 3n }), 'UNKNOWN_VERSION')
    assert.equal(await c.try(T1, MsgDeclareData, good), 'OK')
    assert.equal(await c.try(T1, MsgDeclareData, declaration(c, [3n], [1])), 'ALREADY_DECLARED')
    await c.chain.until(2 + SUBMIT_WINDOW - 1)
    assert.equal(await c.try(T2, MsgDeclareData, good), 'ROUND_NOT_OPEN', 'the submit window has ended')
    assert.equal(c.view((k) => k.declarations(0n, 0n)).length, 1)
    await c.close()
  })

  it('refuses an empty declaration and records out of order or with a zero count statelessly', () => {
    const base = { subnet: 0n, round: 0n, datanet: 0n, version: 1n, root: new Uint8Array(32) }
    const records = (...pairs: [number, number][]) => ({
      ...base,
      records: pairs.map(([record, count]) => ({ record: BigInt(record), count })),
    })
    assert.equal(statelessCode(MsgDeclareData, records()), 'EMPTY_DECLARATION')
    assert.equal(statelessCode(MsgDeclareData, records([3, 1], [1, 1])), 'INVALID_DECLARATION')
    assert.equal(statelessCode(MsgDeclareData, records([1, 1], [1, 1])), 'INVALID_DECLARATION')
    assert.equal(statelessCode(MsgDeclareData, records([1, 0])), 'INVALID_DECLARATION')
    assert.equal(statelessCode(MsgDeclareData, records([1, 1], [4, 2])), 'OK')
  })
})

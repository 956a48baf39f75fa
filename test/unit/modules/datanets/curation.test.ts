import assert from 'node:assert/strict'
import { QUALITY_UNIT, decision, qualityOf, rejectSlash } from '../../../../src/modules/datanets/index.js'
import { Dec } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import { CURATORS, DEPOSIT, DatanetsChain, MsgCurate, OWNER, coin, eventsOf, hashRecord, statelessCode, who } from './harness.js'

const dirs = tempDirs()
after(() => dirs.removeAll())
const [A, B, C] = CURATORS as [number, number, number]

describe('datanets: the curation rule', () => {
  it('accepts at k approvals and rejects once k is out of reach (rejections > n − k)', () => {
    assert.equal(decision(3, 2, 1, 0), 'pending')
    assert.equal(decision(3, 2, 2, 0), 'accepted')
    assert.equal(decision(3, 2, 2, 1), 'accepted')
    assert.equal(decision(3, 2, 1, 1), 'pending')
    assert.equal(decision(3, 2, 0, 2), 'rejected')
    assert.equal(decision(1, 1, 0, 1), 'rejected')
    assert.equal(decision(5, 5, 4, 0), 'pending')
    assert.equal(decision(5, 5, 0, 1), 'rejected')
  })

  it('weighs an accepted record by its share of approvals, truncated, and slashes ⌊bond × fraction⌋', () => {
    assert.equal(qualityOf(2, 0), QUALITY_UNIT)
    assert.equal(qualityOf(2, 1), 666_666)
    assert.equal(qualityOf(3, 4), 428_571)
    assert.equal(rejectSlash(1001n, Dec.parse('0.25')), 250n)
    assert.equal(rejectSlash(1000n, Dec.ONE), 1000n)
    assert.equal(rejectSlash(1000n, Dec.parse('0')), 0n)
  })

  it('refuses an approval with a reason and a rejection without one (INVALID_REASON)', () => {
    assert.equal(statelessCode(MsgCurate, { datanet: 0n, record: 0n, approve: true, reason: 3 }), 'INVALID_REASON')
    assert.equal(statelessCode(MsgCurate, { datanet: 0n, record: 0n, approve: false, reason: 0 }), 'INVALID_REASON')
    assert.equal(statelessCode(MsgCurate, { datanet: 0n, record: 0n, approve: false, reason: 3 }), 'OK')
  })
})

describe('datanets: curating records', () => {
  it('accepts a record at 2 of 3 approvals: bond back, quality weight, next acceptance index', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create({ privacy: 'private' })
    await c.contribute(2, hashRecord(id, 'r0'))
    await c.contribute(3, hashRecord(id, 'r1', { bond: coin(4000n) }))
    const supply = c.supply()
    const before = c.balance(3)
    // Record 1 is accepted first, with one rejection on the way: index 0, quality 2/3.
    const first = await c.curate(id, 1n, [
      [A, true],
      [C, false],
    ])
    assert.deepEqual(
      eventsOf(first, 'record_curated').map((e) => [e.approve, e.reason, e.approvals, e.rejections]),
      [
        ['true', '0', '1', '0'],
        ['false', '7', '1', '1'],
      ],
    )
    assert.equal(c.query<{ status: string }>('record', { datanet: 0, record: 1 }).status, 'pending')
    const accepted = await c.curate(id, 1n, [[B, true]])
    assert.deepEqual(eventsOf(accepted, 'record_accepted')[0], {
      datanet: '0',
      record: '1',
      contributor: who(3),
      quality: '666666',
      acceptance_index: '0',
      refunded: '4000',
    })
    assert.equal(c.balance(3), before + 4000n, 'the bond back (the curators paid the fees)')
    await c.accept(id, 0n)
    const r0 = c.query<Record<string, unknown>>('record', { datanet: 0, record: 0 })
    const r1 = c.query<Record<string, unknown>>('record', { datanet: 0, record: 1 })
    assert.deepEqual([r0.status, r0.quality, r0.acceptance_index, r0.approvals, r0.rejections], ['accepted', QUALITY_UNIT, '1', 2, 0])
    assert.deepEqual(
      [r1.status, r1.quality, r1.acceptance_index, r1.approvals, r1.rejections, r1.decided_height],
      ['accepted', 666_666, '0', 2, 1, String(c.height - 1)],
    )
    assert.equal((r1.curations as unknown[]).length, 3)
    assert.equal(c.view((k) => k.record(id, 1n))!.quality, 666_666)
    assert.equal(c.moduleBalance(), DEPOSIT, 'both bonds went back')
    assert.equal(c.supply(), supply, 'nothing minted or burned (fees aside: the fee collector keeps them)')
    assert.equal(c.query<{ accepted: string }>('datanet', { id: 0 }).accepted, '2')
    await c.close()
  })

  it('rejects a record once 2 of 3 reject: ⌊bond × fraction⌋ into the treasury, the rest back; supply unchanged', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create({ privacy: 'private', rejectSlashFraction: Dec.parse('0.333') })
    await c.contribute(4, hashRecord(id, 'spam', { bond: coin(1001n) }))
    const supply = c.supply()
    const before = c.balance(4)
    const rejected = await c.curate(id, 0n, [
      [A, false],
      [B, false],
    ])
    assert.deepEqual(eventsOf(rejected, 'record_rejected')[0]!.slashed, '333')
    assert.deepEqual(eventsOf(rejected, 'record_rejected')[0]!.refunded, '668')
    assert.equal(c.balance(4), before + 668n)
    const datanet = c.query<{ treasury: string }>('datanet', { id: 0 })
    assert.equal(datanet.treasury, '333')
    assert.equal(c.moduleBalance(), DEPOSIT + 333n)
    assert.equal(c.supply(), supply)
    const record = c.query<Record<string, unknown>>('record', { datanet: 0, record: 0 })
    assert.deepEqual([record.status, record.quality, record.acceptance_index, record.slashed], ['rejected', 0, null, '333'])
    assert.deepEqual(
      c.query<{ records: { record: string }[] }>('records', { datanet: 0, status: 'rejected' }).records.map((r) => r.record),
      ['0'],
    )
    assert.deepEqual(c.query('records', { datanet: 0, status: 'accepted' }), { records: [] })
    await c.close()
  })

  it('refuses a vote by a non-curator, a second vote, a vote on a decided record and on an unknown one', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create({ privacy: 'private' })
    await c.contribute(2, hashRecord(id, 'r0'))
    await c.curate(id, 0n, [[A, true]])
    const vote = (record: bigint, approve = true) => ({ datanet: id, record, approve, reason: approve ? 0 : 1 })
    assert.equal(await c.try(OWNER, MsgCurate, vote(0n)), 'NOT_CURATOR')
    assert.equal(await c.try(A, MsgCurate, vote(0n, false)), 'ALREADY_CURATED')
    assert.equal(await c.try(B, MsgCurate, vote(3n)), 'UNKNOWN_RECORD')
    assert.equal(await c.try(B, MsgCurate, { ...vote(0n), datanet: 8n }), 'UNKNOWN_DATANET')
    await c.curate(id, 0n, [[B, true]])
    assert.equal(await c.try(C, MsgCurate, vote(0n)), 'RECORD_DECIDED')
    assert.equal(c.moduleBalance(), DEPOSIT)
    await c.close()
  })
})

import assert from 'node:assert/strict'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { DATANETS_ERRORS } from '../../../../src/modules/datanets/index.js'
import { Dec, TX_CODES } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  DEPOSIT,
  DatanetsChain,
  LICENCE,
  MIN_BOND,
  MsgContribute,
  MsgCreateDatanet,
  OWNER,
  addr,
  coin,
  createMsg,
  eventsOf,
  hashRecord,
  resultName,
  sha256Hex,
  statelessCode,
  who,
} from './harness.js'

const dirs = tempDirs()
after(() => dirs.removeAll())
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

describe('datanets: creating Datanets', () => {
  it('creates Datanets with sequential ids, holding the creation deposit in the datanets account', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const supply = c.supply()
    const executed = await c.ok(OWNER, MsgCreateDatanet, createMsg())
    assert.deepEqual(eventsOf(executed, 'datanet_created')[0], {
      datanet: '0',
      owner: who(OWNER),
      name: 'Chest X-rays',
      privacy: 'public',
      curators: '3',
      approvals: '2',
      deposit: String(DEPOSIT),
    })
    assert.equal(await c.create({ privacy: 'private', name: 'Ward notes' }), 1n)
    assert.equal(c.moduleBalance(), 2n * DEPOSIT)
    assert.equal(c.supply(), supply)
    const datanet = c.query<Record<string, unknown>>('datanet', { id: 1 })
    assert.deepEqual(
      [
        datanet.owner,
        datanet.name,
        datanet.privacy,
        datanet.licence,
        datanet.deposit,
        datanet.treasury,
        datanet.records,
        datanet.accepted,
        datanet.versions,
        datanet.reject_slash_fraction,
      ],
      [who(OWNER), 'Ward notes', 'private', LICENCE, String(DEPOSIT), '0', '0', '0', '0', '0.25'],
    )
    assert.deepEqual(
      datanet.curators,
      [...[5, 6, 7].map(addr)].sort(Buffer.compare).map((a) => encodeAddress(a)),
    )
    assert.deepEqual(
      c.query<{ datanets: { id: string }[] }>('datanets').datanets.map((d) => d.id),
      ['0', '1'],
    )
    assert.deepEqual(
      c.query<{ datanets: { id: string }[] }>('datanets', { after: '0', limit: 5 }).datanets.map((d) => d.id),
      ['1'],
    )
    await c.close()
  })

  it('refuses each malformed creation statelessly with its own code', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['INVALID_TEXT', { name: '' }],
      ['INVALID_TEXT', { name: 'tab\there' }],
      ['INVALID_TEXT', { domain: 'Medical Imaging' }],
      ['INVALID_LICENCE', { licence: '' }],
      ['INVALID_LICENCE', { licence: 'MIT  OR Apache-2.0' }],
      ['BAD_CURATORS', { curators: [], approvals: 1 }],
      ['BAD_CURATORS', { curators: [addr(5), addr(5)], approvals: 1 }],
      ['BAD_APPROVALS', { approvals: 0 }],
      ['BAD_APPROVALS', { approvals: 4 }],
      ['INVALID_AMOUNT', { contributionBond: 0n }],
      ['INVALID_FRACTION', { rejectSlashFraction: Dec.parse('1.01') }],
      ['INVALID_PRIVACY', { privacy: 'secret' }],
      ['OK', { licence: 'MIT OR Apache-2.0', rejectSlashFraction: Dec.ONE, approvals: 3 }],
    ]
    for (const [code, overrides] of cases)
      assert.equal(statelessCode(MsgCreateDatanet, createMsg(overrides)), code, JSON.stringify(Object.keys(overrides)))
  })

  it('fails a stateless refusal on chain as INVALID_MESSAGE, and a creator who cannot pay the deposit with INSUFFICIENT_FUNDS', async () => {
    const c = await DatanetsChain.open(dirs.next(), { datanets: { params: { creation_deposit: '5000000000' } } })
    const refused = await c.chain.blockOf([c.chain.sign(0, MsgCreateDatanet, createMsg({ approvals: 0 }))])
    assert.deepEqual([refused.txResults[0]!.codespace, refused.txResults[0]!.code], ['tx', TX_CODES.INVALID_MESSAGE])
    assert.equal(await c.try(OWNER, MsgCreateDatanet, createMsg()), 'INSUFFICIENT_FUNDS')
    assert.equal(c.moduleBalance(), 0n)
    assert.deepEqual(c.query('datanets'), { datanets: [] })
    await c.close()
  })
})

describe('datanets: contributing records', () => {
  it('records a public record whose blob the message declares, with its size checked against the blob', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create()
    const bytes = new TextEncoder().encode('a chest radiograph, 1024x1024, PA view')
    const message = c.publicRecord(id, bytes)
    const tx = c.chain.sign(2, MsgContribute, message)
    assert.deepEqual(c.app.referencedBlobs([tx]), [message.contentId])
    assert.deepEqual(c.app.referencedBlobs([c.chain.sign(0, MsgContribute, hashRecord(id, 'x'))]), [], 'a hash record declares no blob')
    const executed = await c.chain.blockOf([tx])
    assert.equal(resultName(executed, 0), 'OK')
    const record = c.query<Record<string, unknown>>('record', { datanet: '0', record: '0' })
    assert.deepEqual(
      [
        record.contributor,
        record.content_kind,
        record.content_id,
        record.size,
        record.licence,
        record.bond,
        record.status,
        record.contributed_height,
        record.quality,
        record.curations,
      ],
      [who(2), 'cid', message.contentId, String(bytes.length), LICENCE, String(MIN_BOND), 'pending', String(c.height), 0, []],
    )
    assert.equal(c.moduleBalance(), DEPOSIT + MIN_BOND)
    assert.equal(eventsOf(executed, 'record_contributed')[0]!.content_id, message.contentId)
    assert.equal(
      await c.try(3, MsgContribute, c.publicRecord(id, new TextEncoder().encode('another radiograph'), { size: 3n })),
      'SIZE_MISMATCH',
    )
    assert.equal(c.moduleBalance(), DEPOSIT + MIN_BOND)
    await c.close()
  })

  it('records private records by hash, under the Datanet\u2019s licence when none is given, numbered from 0', async () => {
    const c = await DatanetsChain.open(dirs.next())
    const id = await c.create({ privacy: 'private' })
    assert.equal(await c.contribute(2, hashRecord(id, 'note 1')), 0n)
    assert.equal(await c.contribute(3, hashRecord(id, 'note 2', { licence: LICENCE, bond: coin(5000n) })), 1n)
    const view = c.view((k) => k.record(id, 1n))!
    assert.deepEqual(
      { ...view, contributor: hex(view.contributor) },
      {
        datanet: 0n,
        record: 1n,
        contributor: hex(addr(3)),
        status: 'pending',
        quality: 0,
        contentId: sha256Hex('note 2'),
        size: 6n,
        licence: LICENCE,
      },
    )
    assert.equal(
      c.view((k) => k.record(id, 2n)),
      undefined,
    )
    assert.equal(c.moduleBalance(), DEPOSIT + MIN_BOND + 5000n)
    const records = c.query<{ records: { record: string; licence: string }[] }>('records', { datanet: '0' }).records
    assert.deepEqual(
      records.map((r) => [r.record, r.licence]),
      [
        ['0', LICENCE],
        ['1', LICENCE],
      ],
    )
    await c.close()
  })

  it('refuses each malformed contribution statelessly with its own code', () => {
    const cases: [string, unknown][] = [
      ['INVALID_CONTENT', hashRecord(0n, 'x', { contentKind: 'url' })],
      ['INVALID_CONTENT', hashRecord(0n, 'x', { contentId: sha256Hex('x').toUpperCase() })],
      ['INVALID_CONTENT', hashRecord(0n, 'x', { contentKind: 'cid', contentId: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG' })],
      ['INVALID_CONTENT', hashRecord(0n, 'x', { contentKind: 'cid' })],
      ['INVALID_SIZE', hashRecord(0n, 'x', { size: 0n })],
      ['INVALID_LICENCE', hashRecord(0n, 'x', { licence: 'bad\tlicence' })],
      ['INVALID_AMOUNT', hashRecord(0n, 'x', { bond: coin(0n) })],
      ['OK', hashRecord(0n, 'x')],
    ]
    for (const [code, message] of cases) assert.equal(statelessCode(MsgContribute, message), code)
  })

  it('refuses each contribution the Datanet does not take with its own code, moving no coin', async () => {
    const c = await DatanetsChain.open(dirs.next(), { datanets: { params: { max_records_per_datanet: '2' } } })
    const pub = await c.create()
    const priv = await c.create({ privacy: 'private' })
    await c.contribute(2, hashRecord(priv, 'first'))
    const blob = new TextEncoder().encode('an image')
    const cases: [string, unknown][] = [
      ['UNKNOWN_DATANET', hashRecord(9n, 'x')],
      ['WRONG_CONTENT_KIND', hashRecord(pub, 'x')],
      ['WRONG_CONTENT_KIND', c.publicRecord(priv, blob)],
      ['WRONG_LICENCE', hashRecord(priv, 'x', { licence: 'MIT' })],
      ['BAD_DENOM', hashRecord(priv, 'x', { bond: coin(MIN_BOND, 'uatom') })],
      ['BOND_BELOW_MINIMUM', hashRecord(priv, 'x', { bond: coin(MIN_BOND - 1n) })],
      ['DUPLICATE_RECORD', hashRecord(priv, 'first')],
      ['INSUFFICIENT_FUNDS', hashRecord(priv, 'x', { bond: coin(10n ** 12n) })],
    ]
    const held = c.moduleBalance()
    for (const [code, message] of cases) assert.equal(await c.try(3, MsgContribute, message), code)
    assert.equal(c.moduleBalance(), held)
    await c.contribute(3, hashRecord(priv, 'second'))
    assert.equal(await c.try(4, MsgContribute, hashRecord(priv, 'third')), 'DATANET_FULL')
    assert.equal(DATANETS_ERRORS.DATANET_FULL, 35)
    await c.close()
  })
})

import { encodeAddress, frontierRoot, toHex } from '../../crypto/index.js'
import { type Context, Dec, type MessageHandler, readParams } from '../../state/index.js'
import { phaseAt } from '../training/messages.js'
import { DatanetsBooks } from './books.js'
import { contentKindFor, isCanonicalCid, isContentHash, isContentKind, isPrivacy } from './content.js'
import { decision, settle } from './curation.js'
import { datanetsError } from './errors.js'
import { emitDataDeclared, emitDatanetCreated, emitRecordContributed, emitRecordCurated, emitVersionPublished } from './events.js'
import { BANK, STAKING, SUBNETS, TRAINING } from './expected-keepers.js'
import { DATANETS_ACCOUNT } from './keys.js'
import { declarationRoot } from './leaves.js'
import {
  type DatanetRecordValue,
  type DatanetValue,
  type DeclaredRecordValue,
  MsgContribute,
  type MsgContributeValue,
  MsgCreateDatanet,
  type MsgCreateDatanetValue,
  MsgCurate,
  type MsgCurateValue,
  MsgDeclareData,
  type MsgDeclareDataValue,
  MsgPublishVersion,
  type MsgPublishVersionValue,
} from './messages.js'
import { datanetsParams } from './params.js'

/** Printable ASCII words separated by single spaces: an SPDX expression (`MIT OR Apache-2.0`) or a licence's name. */
const LICENCE = /^[\x21-\x7e]+( [\x21-\x7e]+)*$/
/** A domain path: `medical/radiology`, `vision.digits`. */
const DOMAIN = /^[a-z0-9][a-z0-9._/-]*$/
// Control characters (C0, DEL, C1) have no place in a name a wallet shows.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0
const clip = (text: string): string => text.slice(0, 80)

function checkLicence(licence: string, field: string): void {
  if (!LICENCE.test(licence))
    throw datanetsError('INVALID_LICENCE', `${field} "${clip(licence)}" is not printable ASCII words separated by single spaces`, { field })
}

function knownDatanet(books: DatanetsBooks, id: bigint): DatanetValue {
  const datanet = books.datanet(id)
  if (datanet === undefined) throw datanetsError('UNKNOWN_DATANET', `no datanet ${id}`, { datanet: String(id) })
  return datanet
}

function knownRecord(books: DatanetsBooks, datanet: bigint, id: bigint): DatanetRecordValue {
  const record = books.record(datanet, id)
  if (record === undefined)
    throw datanetsError('UNKNOWN_RECORD', `datanet ${datanet} has no record ${id}`, { datanet: String(datanet), record: String(id) })
  return record
}

/** Moves `amount` of the bond denomination from `from` into the datanets account, refusing a shortfall with INSUFFICIENT_FUNDS. */
function escrow(ctx: Context, from: Uint8Array, amount: bigint, what: string): void {
  if (amount === 0n) return
  const bank = ctx.keeper(BANK)
  const denom = ctx.keeper(STAKING).bondDenom()
  const balance = bank.balance(from, denom)
  if (balance < amount)
    throw datanetsError(
      'INSUFFICIENT_FUNDS',
      `${encodeAddress(from)} holds ${balance}${denom}, less than the ${what} of ${amount}${denom}`,
      { balance: String(balance) },
    )
  bank.sendToModule(from, DATANETS_ACCOUNT, [{ denom, amount }])
}

const isCurator = (datanet: DatanetValue, address: Uint8Array): boolean => datanet.curators.some((c) => same(c, address))

/**
 * MsgCreateDatanet: a Datanet owned by the signer, id next in sequence, its creation deposit held
 * in the datanets account. Stateless refusals: INVALID_TEXT, INVALID_LICENCE, BAD_CURATORS,
 * BAD_APPROVALS, INVALID_AMOUNT, INVALID_FRACTION, INVALID_PRIVACY; then INSUFFICIENT_FUNDS.
 */
const createDatanet: MessageHandler<MsgCreateDatanetValue> = {
  type: MsgCreateDatanet,
  validate(m) {
    if (m.name.length === 0 || CONTROL.test(m.name))
      throw datanetsError('INVALID_TEXT', 'a datanet name is non-empty text without control characters', { field: 'name' })
    if (!DOMAIN.test(m.domain))
      throw datanetsError('INVALID_TEXT', `domain "${clip(m.domain)}" is not a path of [a-z0-9._/-]`, { field: 'domain' })
    checkLicence(m.licence, 'licence')
    if (m.curators.length === 0) throw datanetsError('BAD_CURATORS', 'a datanet needs at least one curator', { curators: 0 })
    if (new Set(m.curators.map(toHex)).size !== m.curators.length)
      throw datanetsError('BAD_CURATORS', 'a curator is listed twice', { curators: m.curators.length })
    if (m.approvals < 1 || m.approvals > m.curators.length) {
      throw datanetsError('BAD_APPROVALS', `approvals must lie in 1..${m.curators.length} (the curators), not ${m.approvals}`, {
        approvals: m.approvals,
        curators: m.curators.length,
      })
    }
    if (m.contributionBond <= 0n)
      throw datanetsError('INVALID_AMOUNT', 'a contribution bond must be positive', { field: 'contributionBond' })
    if (m.rejectSlashFraction.isNegative() || m.rejectSlashFraction.gt(Dec.ONE)) {
      throw datanetsError('INVALID_FRACTION', `rejectSlashFraction ${m.rejectSlashFraction} lies outside [0, 1]`, {
        fraction: m.rejectSlashFraction.toString(),
      })
    }
    if (!isPrivacy(m.privacy))
      throw datanetsError('INVALID_PRIVACY', `privacy "${clip(m.privacy)}" is neither public nor private`, { privacy: clip(m.privacy) })
  },
  handle(ctx, m, signer) {
    const books = new DatanetsBooks(ctx.moduleStore())
    const deposit = readParams(ctx.moduleStore(), datanetsParams).creationDeposit
    escrow(ctx, signer.addressBytes, deposit, 'creation deposit')
    const id = books.nextDatanet()
    const datanet: DatanetValue = {
      id,
      owner: signer.addressBytes,
      name: m.name,
      domain: m.domain,
      description: m.description,
      recordSchema: m.recordSchema,
      licence: m.licence,
      curators: [...m.curators].sort(Buffer.compare),
      approvals: m.approvals,
      contributionBond: m.contributionBond,
      rejectSlashFraction: m.rejectSlashFraction,
      privacy: m.privacy,
      deposit,
      treasury: 0n,
      height: BigInt(ctx.block.height),
      records: 0n,
      accepted: 0n,
      versions: 0n,
      frontier: [],
    }
    books.setDatanet(datanet)
    books.setNextDatanet(id + 1n)
    emitDatanetCreated(ctx, datanet)
  },
}

/**
 * MsgContribute: a pending record, its bond escrowed. A public Datanet's record is a blob the
 * message declares, so every node holds it before the block runs and the size is checked against
 * its bytes. Stateless refusals: INVALID_CONTENT, INVALID_SIZE, INVALID_LICENCE, INVALID_AMOUNT;
 * then UNKNOWN_DATANET, WRONG_CONTENT_KIND, WRONG_LICENCE, BAD_DENOM, BOND_BELOW_MINIMUM,
 * DATANET_FULL, DUPLICATE_RECORD, SIZE_MISMATCH, INSUFFICIENT_FUNDS.
 */
const contribute: MessageHandler<MsgContributeValue> = {
  type: MsgContribute,
  validate(m) {
    if (!isContentKind(m.contentKind))
      throw datanetsError('INVALID_CONTENT', `content kind "${clip(m.contentKind)}" is neither cid nor hash`, { field: 'contentKind' })
    if (m.contentKind === 'cid' && !isCanonicalCid(m.contentId)) {
      throw datanetsError('INVALID_CONTENT', `"${clip(m.contentId)}" is not a canonical CIDv1 (base32) of a raw or dag-pb sha2-256 block`, {
        field: 'contentId',
      })
    }
    if (m.contentKind === 'hash' && !isContentHash(m.contentId))
      throw datanetsError('INVALID_CONTENT', `"${clip(m.contentId)}" is not 64 lower-case hex digits`, { field: 'contentId' })
    if (m.size === 0n) throw datanetsError('INVALID_SIZE', 'a record has at least one byte', { size: '0' })
    if (m.licence !== '') checkLicence(m.licence, 'licence')
    if (m.bond.amount <= 0n) throw datanetsError('INVALID_AMOUNT', 'a record bond must be positive', { field: 'bond' })
  },
  blobs: (m) => (m.contentKind === 'cid' ? [m.contentId] : []),
  handle(ctx, m, signer) {
    const books = new DatanetsBooks(ctx.moduleStore())
    const datanet = knownDatanet(books, m.datanet)
    const at = { datanet: String(datanet.id) }
    const kind = contentKindFor(datanet.privacy)
    if (m.contentKind !== kind)
      throw datanetsError(
        'WRONG_CONTENT_KIND',
        `datanet ${datanet.id} is ${datanet.privacy}: its records are by ${kind}, not ${m.contentKind}`,
        { ...at, expected: kind },
      )
    if (m.licence !== '' && m.licence !== datanet.licence) {
      throw datanetsError('WRONG_LICENCE', `datanet ${datanet.id}'s records are under ${datanet.licence}, not ${clip(m.licence)}`, {
        ...at,
        licence: datanet.licence,
      })
    }
    const denom = ctx.keeper(STAKING).bondDenom()
    if (m.bond.denom !== denom)
      throw datanetsError('BAD_DENOM', `bonds are in ${denom}, not ${m.bond.denom.slice(0, 64)}`, { denom: m.bond.denom.slice(0, 64) })
    if (m.bond.amount < datanet.contributionBond) {
      throw datanetsError(
        'BOND_BELOW_MINIMUM',
        `datanet ${datanet.id} takes records bonded with at least ${datanet.contributionBond}${denom}, not ${m.bond.amount}`,
        {
          ...at,
          minimum: String(datanet.contributionBond),
        },
      )
    }
    const max = readParams(ctx.moduleStore(), datanetsParams).maxRecordsPerDatanet
    if (datanet.records >= max)
      throw datanetsError('DATANET_FULL', `datanet ${datanet.id} holds ${datanet.records} records, the most one takes`, {
        ...at,
        max: String(max),
      })
    const existing = books.recordWithContent(datanet.id, m.contentId)
    if (existing !== undefined)
      throw datanetsError('DUPLICATE_RECORD', `datanet ${datanet.id} already holds ${m.contentId} as record ${existing}`, {
        ...at,
        record: String(existing),
      })
    if (m.contentKind === 'cid') {
      const length = BigInt(ctx.block.blobs.get(m.contentId).length)
      if (length !== m.size)
        throw datanetsError('SIZE_MISMATCH', `blob ${m.contentId} holds ${length} bytes, not ${m.size}`, { ...at, size: String(length) })
    }
    escrow(ctx, signer.addressBytes, m.bond.amount, 'record bond')
    const record: DatanetRecordValue = {
      datanet: datanet.id,
      record: datanet.records,
      contributor: signer.addressBytes,
      contentKind: m.contentKind,
      contentId: m.contentId,
      size: m.size,
      licence: datanet.licence,
      metadata: m.metadata,
      bond: m.bond.amount,
      status: 'pending',
      approvals: 0,
      rejections: 0,
      quality: 0,
      acceptanceIndex: null,
      slashed: 0n,
      height: BigInt(ctx.block.height),
      decidedHeight: null,
    }
    books.setRecord(record)
    books.setContent(datanet.id, record.contentId, record.record)
    books.setDatanet({ ...datanet, records: datanet.records + 1n })
    emitRecordContributed(ctx, record)
  },
}

/**
 * MsgCurate: one curator's vote; the vote that reaches k approvals accepts the record, the one
 * that makes k unreachable rejects it (curation.ts). Stateless refusal: INVALID_REASON; then
 * UNKNOWN_DATANET, UNKNOWN_RECORD, NOT_CURATOR, RECORD_DECIDED, ALREADY_CURATED.
 */
const curate: MessageHandler<MsgCurateValue> = {
  type: MsgCurate,
  validate(m) {
    if (m.approve && m.reason !== 0) throw datanetsError('INVALID_REASON', 'an approval carries reason 0', { reason: m.reason })
    if (!m.approve && m.reason === 0) throw datanetsError('INVALID_REASON', 'a rejection carries a non-zero reason code', { reason: 0 })
  },
  handle(ctx, m, signer) {
    const books = new DatanetsBooks(ctx.moduleStore())
    const datanet = knownDatanet(books, m.datanet)
    const record = knownRecord(books, datanet.id, m.record)
    const at = { datanet: String(datanet.id), record: String(record.record) }
    if (!isCurator(datanet, signer.addressBytes))
      throw datanetsError('NOT_CURATOR', `${signer.address} is no curator of datanet ${datanet.id}`, at)
    if (record.status !== 'pending')
      throw datanetsError('RECORD_DECIDED', `record ${record.record} of datanet ${datanet.id} is already ${record.status}`, {
        ...at,
        status: record.status,
      })
    if (books.curation(datanet.id, record.record, signer.addressBytes) !== undefined) {
      throw datanetsError('ALREADY_CURATED', `${signer.address} has already voted on record ${record.record} of datanet ${datanet.id}`, at)
    }
    books.setCuration(datanet.id, record.record, signer.addressBytes, {
      approve: m.approve,
      reason: m.reason,
      height: BigInt(ctx.block.height),
    })
    const voted: DatanetRecordValue = m.approve
      ? { ...record, approvals: record.approvals + 1 }
      : { ...record, rejections: record.rejections + 1 }
    books.setRecord(voted)
    emitRecordCurated(ctx, voted, signer.addressBytes, m.approve, m.reason)
    const status = decision(datanet.curators.length, datanet.approvals, voted.approvals, voted.rejections)
    if (status !== 'pending') settle(ctx, books, datanet, voted, status)
  },
}

/**
 * MsgPublishVersion: version `versions + 1` of every record accepted so far, its root the
 * frontier's (O(log n), no walk over the records). Refusals: UNKNOWN_DATANET,
 * NOT_OWNER_OR_CURATOR, NOTHING_NEW.
 */
const publishVersion: MessageHandler<MsgPublishVersionValue> = {
  type: MsgPublishVersion,
  handle(ctx, m, signer) {
    const books = new DatanetsBooks(ctx.moduleStore())
    const datanet = knownDatanet(books, m.datanet)
    const at = { datanet: String(datanet.id) }
    if (!same(datanet.owner, signer.addressBytes) && !isCurator(datanet, signer.addressBytes)) {
      throw datanetsError('NOT_OWNER_OR_CURATOR', `${signer.address} is neither the owner nor a curator of datanet ${datanet.id}`, at)
    }
    const published = datanet.versions === 0n ? 0n : books.version(datanet.id, datanet.versions)!.recordCount
    if (datanet.accepted === published)
      throw datanetsError('NOTHING_NEW', `datanet ${datanet.id} has accepted no record since version ${datanet.versions}`, {
        ...at,
        version: String(datanet.versions),
      })
    const version = {
      datanet: datanet.id,
      version: datanet.versions + 1n,
      root: frontierRoot(datanet.frontier),
      recordCount: datanet.accepted,
      publisher: signer.addressBytes,
      height: BigInt(ctx.block.height),
    }
    books.setVersion(version)
    books.setDatanet({ ...datanet, versions: version.version })
    emitVersionPublished(ctx, version)
  },
}

/**
 * MsgDeclareData: a trainer of the subnet, in the round's submit phase, declares which accepted
 * records of one Datanet version its local data comprises, by a root over (record leaf hash,
 * count) pairs that the chain recomputes. Stateless refusals: EMPTY_DECLARATION,
 * INVALID_DECLARATION; then UNKNOWN_SUBNET, ROUND_NOT_OPEN, NOT_TRAINER, UNKNOWN_DATANET,
 * UNKNOWN_VERSION, ALREADY_DECLARED, UNKNOWN_RECORD, NOT_ACCEPTED, ROOT_MISMATCH.
 */
const declareData: MessageHandler<MsgDeclareDataValue> = {
  type: MsgDeclareData,
  validate(m) {
    if (m.records.length === 0) throw datanetsError('EMPTY_DECLARATION', 'a declaration lists at least one record', {})
    m.records.forEach((r, i) => {
      if (r.count < 1) throw datanetsError('INVALID_DECLARATION', `records[${i}] declares a count of 0`, { index: i })
      if (i > 0 && r.record <= m.records[i - 1]!.record)
        throw datanetsError('INVALID_DECLARATION', `records[${i}] is not above records[${i - 1}]: records ascend strictly`, { index: i })
    })
  },
  handle(ctx, m, signer) {
    const books = new DatanetsBooks(ctx.moduleStore())
    const at = { subnet: String(m.subnet), round: String(m.round) }
    if (ctx.keeper(SUBNETS).subnet(m.subnet) === undefined) throw datanetsError('UNKNOWN_SUBNET', `no subnet ${m.subnet}`, at)
    const round = ctx.keeper(TRAINING).round(m.subnet, m.round)
    const height = BigInt(ctx.block.height)
    const phase = round === undefined ? 'not opened' : phaseAt(round, height)
    if (phase !== 'submit')
      throw datanetsError(
        'ROUND_NOT_OPEN',
        `round ${m.round} of subnet ${m.subnet} is ${phase} at height ${height}, not in its submit phase`,
        { ...at, phase },
      )
    if (!ctx.keeper(SUBNETS).isMember(m.subnet, 'trainer', signer.addressBytes))
      throw datanetsError('NOT_TRAINER', `${signer.address} is no trainer of subnet ${m.subnet}`, at)
    const datanet = knownDatanet(books, m.datanet)
    const version = books.version(datanet.id, m.version)
    if (version === undefined)
      throw datanetsError('UNKNOWN_VERSION', `datanet ${datanet.id} has no version ${m.version}`, {
        datanet: String(datanet.id),
        version: String(m.version),
      })
    if (books.declaration(m.subnet, m.round, signer.addressBytes, datanet.id) !== undefined) {
      throw datanetsError(
        'ALREADY_DECLARED',
        `${signer.address} has declared data of datanet ${datanet.id} for round ${m.round} of subnet ${m.subnet}`,
        { ...at, datanet: String(datanet.id) },
      )
    }
    const declared = m.records.map((d: DeclaredRecordValue) => {
      const record = knownRecord(books, datanet.id, d.record)
      if (record.status !== 'accepted' || record.acceptanceIndex === null || record.acceptanceIndex >= version.recordCount) {
        throw datanetsError(
          'NOT_ACCEPTED',
          `record ${record.record} of datanet ${datanet.id} is not accepted in version ${version.version} (${record.status})`,
          {
            datanet: String(datanet.id),
            record: String(record.record),
            status: record.status,
          },
        )
      }
      return { record, declared: d }
    })
    const root = declarationRoot(declared)
    if (!same(root, m.root))
      throw datanetsError('ROOT_MISMATCH', `the declared records' root is ${toHex(root)}, not ${toHex(m.root)}`, {
        ...at,
        expected: toHex(root),
      })
    const declaration = {
      subnet: m.subnet,
      round: m.round,
      trainer: signer.addressBytes,
      datanet: datanet.id,
      version: version.version,
      records: m.records,
      root: m.root,
      height,
    }
    books.setDeclaration(declaration)
    emitDataDeclared(ctx, declaration)
  },
}

export const datanetsMessages: MessageHandler[] = [createDatanet, contribute, curate, publishVersion, declareData]

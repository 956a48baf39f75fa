import { encode } from '../codec/index.js'
import type { CoinValue } from '../modules/bank/messages.js'
import {
  MAX_CURATORS,
  MAX_DECLARED_RECORDS,
  MsgContribute,
  MsgCreateDatanet,
  MsgCurate,
  MsgDeclareData,
  MsgPublishVersion,
} from '../modules/datanets/messages.js'
import { MsgForkModel, MsgUseModel, MsgWithdrawAttribution, MsgWithdrawTreasury } from '../modules/lineage/messages.js'
import { addressList, bytes32, invalid, oneCoin, positiveInt, rate, u32, u64 } from './inputs.js'

type Id = bigint | number | string

/** What `messages.datanetsCreate` takes: addresses as fedra1…, amounts as whole numbers of the bond denomination, the fraction as decimal text. */
export interface CreateDatanetInput {
  name: string
  domain: string
  description?: string
  /** Free text (a JSON schema, a column list) describing what one record holds. */
  recordSchema?: string
  /** An SPDX expression (CC-BY-4.0) or another licence name; every record carries it. */
  licence: string
  curators: readonly string[]
  /** k: approvals that accept a record, 1..curators. */
  approvals: number
  /** The least bond a record carries. */
  contributionBond: bigint | string
  /** The part of a rejected record's bond the Datanet's treasury keeps ("0.5"). */
  rejectSlashFraction: string
  privacy: 'public' | 'private'
}

/** What `messages.datanetsContribute` takes. */
export interface ContributeInput {
  datanet: Id
  /** `cid` (public Datanets: a blob's CIDv1, as blob_put answered it) or `hash` (private: 64 hex digits of the record's SHA-256). */
  contentKind: 'cid' | 'hash'
  contentId: string
  /** Bytes of the record (a public record's blob length, checked by the chain). */
  size: Id
  /** Empty or the Datanet's licence. */
  licence?: string
  metadata?: string
  bond: string | CoinValue
}

/** What `messages.datanetsDeclare` takes: the records ascending, and the root over their DeclaredLeaf bytes (src/modules/datanets declarationRoot). */
export interface DeclareDataInput {
  subnet: Id
  round: Id
  datanet: Id
  version: Id
  records: readonly { record: Id; count: number }[]
  root: Uint8Array | string
}

/** Builders for the datanets module's messages (merged into `messages`, src/client/tx.ts). */
export const datanetMessages = {
  /** datanets/MsgCreateDatanet: the signer creates (and owns) a Datanet, paying the module's creation deposit. */
  datanetsCreate(input: CreateDatanetInput): Uint8Array {
    if (typeof input.name !== 'string' || input.name.trim() === '') invalid('name', 'name: must not be empty')
    if (input.privacy !== 'public' && input.privacy !== 'private') invalid('privacy', 'privacy: public or private')
    const curators = addressList(input.curators, 'curators')
    if (curators.length === 0 || curators.length > MAX_CURATORS) invalid('curators', `curators: 1..${MAX_CURATORS} addresses`)
    const approvals = u32(input.approvals, 'approvals')
    if (approvals < 1 || approvals > curators.length) invalid('approvals', `approvals: 1..${curators.length} (the number of curators)`)
    return encode(MsgCreateDatanet, {
      name: input.name,
      domain: input.domain,
      description: input.description ?? '',
      recordSchema: input.recordSchema ?? '',
      licence: input.licence,
      curators,
      approvals,
      contributionBond: positiveInt(input.contributionBond, 'contributionBond'),
      rejectSlashFraction: rate(input.rejectSlashFraction, 'rejectSlashFraction'),
      privacy: input.privacy,
    })
  },

  /** datanets/MsgContribute: one record, pending curation, its bond escrowed until it is decided. */
  datanetsContribute(input: ContributeInput): Uint8Array {
    if (input.contentKind !== 'cid' && input.contentKind !== 'hash') invalid('contentKind', 'contentKind: cid or hash')
    if (input.contentKind === 'hash' && !/^[0-9a-f]{64}$/.test(input.contentId))
      invalid('contentId', "contentId: 64 lower-case hex digits of the record's SHA-256")
    return encode(MsgContribute, {
      datanet: u64(input.datanet, 'datanet'),
      contentKind: input.contentKind,
      contentId: input.contentId,
      size: u64(input.size, 'size'),
      licence: input.licence ?? '',
      metadata: input.metadata ?? '',
      bond: oneCoin(input.bond, 'bond'),
    })
  },

  /** datanets/MsgCurate: a curator approves a pending record, or rejects it with a non-zero reason code. */
  datanetsCurate(input: { datanet: Id; record: Id; approve: boolean; reason?: number }): Uint8Array {
    const reason = u32(input.reason ?? (input.approve ? 0 : 1), 'reason')
    if (input.approve && reason !== 0) invalid('reason', 'reason: 0 when approving')
    if (!input.approve && reason === 0) invalid('reason', 'reason: a rejection needs a non-zero reason code')
    return encode(MsgCurate, {
      datanet: u64(input.datanet, 'datanet'),
      record: u64(input.record, 'record'),
      approve: input.approve === true,
      reason,
    })
  },

  /** datanets/MsgPublishVersion: the Datanet's next version, every record accepted so far (owner or curator). */
  datanetsPublish(datanet: Id): Uint8Array {
    return encode(MsgPublishVersion, { datanet: u64(datanet, 'datanet') })
  },

  /** datanets/MsgDeclareData: a trainer's declaration of the records its local data holds, for a round in its submit window. */
  datanetsDeclare(input: DeclareDataInput): Uint8Array {
    if (!Array.isArray(input.records) || input.records.length === 0 || input.records.length > MAX_DECLARED_RECORDS)
      invalid('records', `records: 1..${MAX_DECLARED_RECORDS}`)
    const records = input.records.map((r) => ({ record: u64(r.record, 'records'), count: u32(r.count, 'records') }))
    for (let i = 1; i < records.length; i++)
      if (records[i - 1]!.record >= records[i]!.record) invalid('records', `records: strictly ascending record ids (at ${i})`)
    return encode(MsgDeclareData, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      datanet: u64(input.datanet, 'datanet'),
      version: u64(input.version, 'version'),
      records,
      root: bytes32(input.root, 'root'),
    })
  },
}

/** Builders for the lineage module's messages (merged into `messages`, src/client/tx.ts). */
export const lineageMessages = {
  /** lineage/MsgForkModel: the target subnet's admin starts it from a shared version of another subnet. */
  lineageFork(source: { subnet: Id; version: Id }, target: Id): Uint8Array {
    return encode(MsgForkModel, {
      source: { subnet: u64(source.subnet, 'source.subnet'), version: u64(source.version, 'source.version') },
      target: u64(target, 'target'),
    })
  },

  /** lineage/MsgUseModel: a use of (subnet, version) whose fee is split along its lineage. */
  lineageUse(input: { subnet: Id; version: Id; fee: string | CoinValue; purpose?: string }): Uint8Array {
    return encode(MsgUseModel, {
      subnet: u64(input.subnet, 'subnet'),
      version: u64(input.version, 'version'),
      fee: oneCoin(input.fee, 'fee'),
      purpose: input.purpose ?? '',
    })
  },

  /** lineage/MsgWithdrawAttribution: everything the signer is owed across the versions that credit it. */
  lineageWithdraw(): Uint8Array {
    return encode(MsgWithdrawAttribution, {})
  },

  /** lineage/MsgWithdrawTreasury: a subnet's treasury share, to its admin (the signer). */
  lineageWithdrawTreasury(subnet: Id): Uint8Array {
    return encode(MsgWithdrawTreasury, { subnet: u64(subnet, 'subnet') })
  },
}

import { encodeAddress, frontierRoot, merkleRoot, toHex } from '../../crypto/index.js'
import { type Context, moduleAddress } from '../../state/index.js'
import { DatanetsBooks, contentDigest } from './books.js'
import { decision, qualityOf, rejectSlash } from './curation.js'
import { BANK, STAKING } from './expected-keepers.js'
import { DATANETS_ACCOUNT } from './keys.js'
import { declaredLeaf, recordLeaf, recordLeafHash, versionLeaves } from './leaves.js'
import type { DatanetRecordValue } from './messages.js'

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0
const booksOf = (ctx: Context) => new DatanetsBooks(ctx.moduleStore())

/**
 * Every coin of the datanets account is owed to someone: its bond-denomination balance equals
 * Σ creation deposits + Σ bonds of pending records + Σ treasuries, exactly.
 */
export function accountInvariant(ctx: Context): string | null {
  const books = booksOf(ctx)
  const denom = ctx.keeper(STAKING).bondDenom()
  const held = ctx.keeper(BANK).balance(moduleAddress(DATANETS_ACCOUNT), denom)
  let deposits = 0n
  let treasuries = 0n
  for (const d of books.datanets()) {
    deposits += d.deposit
    treasuries += d.treasury
  }
  let bonds = 0n
  for (const r of books.allRecords()) if (r.status === 'pending') bonds += r.bond
  const owed = deposits + bonds + treasuries
  if (held !== owed)
    return `the datanets account holds ${held}${denom}; deposits (${deposits}), pending bonds (${bonds}) and treasuries (${treasuries}) sum to ${owed}`
  return null
}

/** What is wrong with one record against its votes and its Datanet's rule, or null. */
function recordBroken(
  r: DatanetRecordValue,
  curators: readonly Uint8Array[],
  approvalsNeeded: number,
  votes: { curator: Uint8Array; approve: boolean }[],
  fraction: Parameters<typeof rejectSlash>[1],
): string | null {
  const at = `record ${r.datanet}/${r.record}`
  const stranger = votes.find((v) => !curators.some((c) => same(c, v.curator)))
  if (stranger !== undefined) return `${at} has a vote of ${encodeAddress(stranger.curator)}, no curator`
  const approvals = votes.filter((v) => v.approve).length
  const rejections = votes.length - approvals
  if (r.approvals !== approvals || r.rejections !== rejections)
    return `${at} counts ${r.approvals} approvals and ${r.rejections} rejections; its votes are ${approvals} and ${rejections}`
  const status = decision(curators.length, approvalsNeeded, approvals, rejections)
  if (r.status !== status) return `${at} is ${r.status}; its votes make it ${status}`
  const quality = status === 'accepted' ? qualityOf(approvals, rejections) : 0
  if (r.quality !== quality) return `${at} has quality ${r.quality}, not ${quality}`
  if ((status === 'accepted') !== (r.acceptanceIndex !== null))
    return `${at} is ${status} ${r.acceptanceIndex === null ? 'without' : 'with'} an acceptance index`
  const slashed = status === 'rejected' ? rejectSlash(r.bond, fraction) : 0n
  if (r.slashed !== slashed) return `${at} had ${r.slashed} of its bond kept, not ${slashed}`
  if ((status === 'pending') !== (r.decidedHeight === null))
    return `${at} is ${status} ${r.decidedHeight === null ? 'without' : 'with'} a decision height`
  return null
}

/**
 * Each Datanet's records are numbered 0..records−1, each content is held once (the content index
 * matches), each record's status, counts, quality and slash follow from its votes by the curation
 * rule, the accepted ones hold the acceptance indexes 0..accepted−1 once each (the acceptance
 * index matches), the treasury is the sum of the rejections' slashes, and the frontier's root is
 * the root of the accepted records' leaves.
 */
export function recordsInvariant(ctx: Context): string | null {
  const books = booksOf(ctx)
  const votes = new Map<string, { curator: Uint8Array; approve: boolean }[]>()
  for (const v of books.allCurations()) {
    const key = `${v.datanet}/${v.record}`
    if (books.record(v.datanet, v.record) === undefined)
      return `a vote of ${encodeAddress(v.curator)} names record ${key}, which does not exist`
    votes.set(key, [...(votes.get(key) ?? []), { curator: v.curator, approve: v.vote.approve }])
  }
  let next = 0n
  for (const d of books.datanets()) {
    if (d.id !== next) return `datanet ids skip from ${next} to ${d.id}`
    next++
    const at = `datanet ${d.id}`
    let count = 0n
    let treasury = 0n
    const byIndex = new Map<bigint, DatanetRecordValue>()
    // The rule that decided a record: the curator epoch in force at its decision (pending: today's).
    const epochs = [...books.epochs(d.id)]
    const last = epochs[epochs.length - 1]
    if (
      last !== undefined &&
      (last.approvals !== d.approvals ||
        last.curators.length !== d.curators.length ||
        last.curators.some((c, i) => !same(c, d.curators[i]!)))
    ) {
      return `${at}: its latest curator epoch is not its curation rule`
    }
    const ruleOf = (r: DatanetRecordValue): { curators: readonly Uint8Array[]; approvals: number } => {
      if (r.decidedHeight === null || epochs.length === 0) return d
      let rule = epochs[0]!
      for (const e of epochs) if (e.fromHeight <= r.decidedHeight) rule = e
      return rule
    }
    for (const r of books.records(d.id)) {
      if (r.record !== count) return `${at}: record ids skip from ${count} to ${r.record}`
      count++
      const rule = ruleOf(r)
      const broken = recordBroken(r, rule.curators, rule.approvals, votes.get(`${d.id}/${r.record}`) ?? [], d.rejectSlashFraction)
      if (broken !== null) return broken
      if (books.recordWithContent(d.id, r.contentId) !== r.record) return `${at}: the content index does not lead to record ${r.record}`
      treasury += r.slashed
      if (r.acceptanceIndex !== null) {
        if (r.acceptanceIndex >= d.accepted) return `${at}: record ${r.record} has acceptance index ${r.acceptanceIndex} of ${d.accepted}`
        if (byIndex.has(r.acceptanceIndex))
          return `${at}: records ${byIndex.get(r.acceptanceIndex)!.record} and ${r.record} share acceptance index ${r.acceptanceIndex}`
        byIndex.set(r.acceptanceIndex, r)
      }
    }
    if (count !== d.records) return `${at} counts ${d.records} records; it holds ${count}`
    if (BigInt(byIndex.size) !== d.accepted) return `${at} counts ${d.accepted} accepted records; ${byIndex.size} are`
    let entries = 0
    for (const e of books.acceptance(d.id)) {
      entries++
      if (byIndex.get(e.index)?.record !== e.record) return `${at}: the acceptance index puts record ${e.record} at ${e.index}`
    }
    if (entries !== byIndex.size) return `${at}: the acceptance index has ${entries} entries for ${byIndex.size} accepted records`
    let contents = 0n
    for (const c of books.contents(d.id)) {
      contents++
      const r = books.record(d.id, c.record)
      if (r === undefined || !same(contentDigest(r.contentId), c.contentDigest))
        return `${at}: a content index entry leads to record ${c.record}, which holds other content`
    }
    if (contents !== count) return `${at}: the content index has ${contents} entries for ${count} records`
    if (treasury !== d.treasury) return `${at} has a treasury of ${d.treasury}; its rejections kept ${treasury}`
    const leaves = [...Array(byIndex.size).keys()].map((i) => recordLeaf(byIndex.get(BigInt(i))!))
    if (!same(frontierRoot(d.frontier), merkleRoot(leaves)))
      return `${at}: its frontier's root is not the root of its ${leaves.length} accepted records`
  }
  if (books.nextDatanet() !== next) return `the next datanet id is ${books.nextDatanet()}, not ${next}`
  return null
}

/** Each Datanet's versions are numbered 1..versions, hold strictly growing record counts up to its accepted count, and their roots recompute. */
export function versionsInvariant(ctx: Context): string | null {
  const books = booksOf(ctx)
  for (const v of books.allVersions())
    if (books.datanet(v.datanet) === undefined) return `version ${v.version} belongs to datanet ${v.datanet}, which does not exist`
  for (const d of books.datanets()) {
    let number = 0n
    let previous = 0n
    for (const v of books.versions(d.id)) {
      const at = `version ${d.id}@${v.version}`
      if (v.version !== number + 1n) return `datanet ${d.id}: version numbers skip from ${number} to ${v.version}`
      number = v.version
      if (v.recordCount > d.accepted) return `${at} holds ${v.recordCount} records; the datanet has accepted ${d.accepted}`
      if (v.recordCount <= previous) return `${at} holds ${v.recordCount} records, no more than the version before (${previous})`
      previous = v.recordCount
      if (!same(merkleRoot(versionLeaves(books, d.id, v.recordCount)), v.root))
        return `${at}: its root ${toHex(v.root)} is not the root of its records`
    }
    if (number !== d.versions) return `datanet ${d.id} counts ${d.versions} versions; it holds ${number}`
  }
  return null
}

/** Every declaration names a version that exists, records accepted within it in strictly ascending order, and the root of their leaves. */
export function declarationsInvariant(ctx: Context): string | null {
  const books = booksOf(ctx)
  for (const decl of books.allDeclarations()) {
    const at = `the declaration of ${encodeAddress(decl.trainer)} for round ${decl.subnet}/${decl.round}, datanet ${decl.datanet}`
    const version = books.version(decl.datanet, decl.version)
    if (version === undefined) return `${at} names version ${decl.version}, which does not exist`
    const leaves: Uint8Array[] = []
    for (const [i, d] of decl.records.entries()) {
      if (i > 0 && d.record <= decl.records[i - 1]!.record) return `${at} lists its records out of order`
      const r = books.record(decl.datanet, d.record)
      if (r?.acceptanceIndex === null || r === undefined || r.acceptanceIndex >= version.recordCount)
        return `${at} lists record ${d.record}, not accepted in version ${decl.version}`
      leaves.push(declaredLeaf(recordLeafHash(r), d.count))
    }
    if (!same(merkleRoot(leaves), decl.root)) return `${at} carries a root that is not its records'`
  }
  return null
}

export const datanetsInvariants = {
  account: accountInvariant,
  records: recordsInvariant,
  versions: versionsInvariant,
  declarations: declarationsInvariant,
}

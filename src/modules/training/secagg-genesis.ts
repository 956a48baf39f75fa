import { encodeAddress } from '../../crypto/index.js'
import { SHARE_BYTES } from '../../fl/secagg/shamir.js'
import { SHARE_CIPHERTEXT_BYTES } from '../../fl/secagg/shares.js'
import { type KVStore, addressAt, arrayAt, genesisError, hexAt, objectAt, readU64, u64At } from '../../state/index.js'
import { ALL_SECAGG_REVEALS, ALL_SECAGG_ROSTERS, ALL_SECAGG_SETUPS, SHARE_KINDS, SecAggBooks, type ShareKindName } from './secagg-books.js'
import type { SecAggRosterValue, SecAggSetupValue } from './secagg-messages.js'

/**
 * Training genesis' `secagg` list: the secure-aggregation records of every round that has them,
 * so a chain exported mid-round resumes it (the rosters, setups and reveals):
 *   [{ subnet, round, members: fedra1…[], round_id, graph_seed (hex), setup_end,
 *      setups: [{ trainer, round_key, self_commitment, shares: [{ holder, ciphertext, commitment, self_commitment }] }],
 *      reveals: [{ dealer, holder, kind: 'key' | 'self', share }] }]   (hex for bytes)
 */
export interface SecAggGenesisEntry {
  subnet: bigint
  round: bigint
  roster: SecAggRosterValue
  setups: { trainer: Uint8Array; setup: SecAggSetupValue }[]
  reveals: { dealer: Uint8Array; holder: Uint8Array; kind: ShareKindName; share: Uint8Array }[]
}

const FIELDS = ['subnet', 'round', 'members', 'round_id', 'graph_seed', 'setup_end', 'setups', 'reveals']
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function secAggGenesisAt(value: unknown, path: string): SecAggGenesisEntry[] {
  return arrayAt(value ?? [], path).map((entry, i) => {
    const at = `${path}[${i}]`
    const e = objectAt(entry, at)
    for (const key of Object.keys(e)) if (!FIELDS.includes(key)) throw genesisError(`${at}.${key}`, 'no such secagg field')
    const seen = new Set<string>()
    const members = arrayAt(e.members, `${at}.members`).map((m, j) => addressAt(m, `${at}.members[${j}]`, seen))
    const roster = {
      members,
      roundId: hexAt(e.round_id, `${at}.round_id`, 32),
      graphSeed: hexAt(e.graph_seed, `${at}.graph_seed`, 32),
      setupEnd: u64At(e.setup_end, `${at}.setup_end`),
    }
    const setups = arrayAt(e.setups ?? [], `${at}.setups`).map((s, j) => {
      const p = `${at}.setups[${j}]`
      const o = objectAt(s, p)
      const shares = arrayAt(o.shares ?? [], `${p}.shares`).map((x, k) => {
        const q = objectAt(x, `${p}.shares[${k}]`)
        return {
          holder: addressAt(q.holder, `${p}.shares[${k}].holder`),
          ciphertext: hexAt(q.ciphertext, `${p}.shares[${k}].ciphertext`, SHARE_CIPHERTEXT_BYTES),
          commitment: hexAt(q.commitment, `${p}.shares[${k}].commitment`, 32),
          selfCommitment: hexAt(q.self_commitment, `${p}.shares[${k}].self_commitment`, 32),
        }
      })
      const setup = {
        roundKey: hexAt(o.round_key, `${p}.round_key`, 32),
        selfCommitment: hexAt(o.self_commitment, `${p}.self_commitment`, 32),
        shares,
      }
      return { trainer: addressAt(o.trainer, `${p}.trainer`), setup }
    })
    const reveals = arrayAt(e.reveals ?? [], `${at}.reveals`).map((r, j) => {
      const o = objectAt(r, `${at}.reveals[${j}]`)
      if (!SHARE_KINDS.includes(o.kind as ShareKindName)) throw genesisError(`${at}.reveals[${j}].kind`, "expected 'key' or 'self'")
      return {
        dealer: addressAt(o.dealer, `${at}.reveals[${j}].dealer`),
        holder: addressAt(o.holder, `${at}.reveals[${j}].holder`),
        kind: o.kind as ShareKindName,
        share: hexAt(o.share, `${at}.reveals[${j}].share`, SHARE_BYTES),
      }
    })
    return { subnet: u64At(e.subnet, `${at}.subnet`), round: u64At(e.round, `${at}.round`), roster, setups, reveals }
  })
}

export function initSecAggGenesis(store: KVStore, entries: readonly SecAggGenesisEntry[]): void {
  const books = new SecAggBooks(store)
  for (const e of entries) {
    books.setRoster(e.subnet, e.round, e.roster)
    for (const s of e.setups) books.setSetup(e.subnet, e.round, s.trainer, s.setup)
    for (const r of e.reveals) books.setRevealed(e.subnet, e.round, r.dealer, r.holder, r.kind, r.share)
  }
}

export function exportSecAggGenesis(store: KVStore): Record<string, unknown>[] {
  const books = new SecAggBooks(store)
  const rounds: { subnet: bigint; round: bigint }[] = []
  for (const [key] of store.iterate(ALL_SECAGG_ROSTERS)) rounds.push({ subnet: readU64(key, 1), round: readU64(key, 9) })
  const setups = [...store.iterate(ALL_SECAGG_SETUPS)].map(([key]) => ({
    subnet: readU64(key, 1),
    round: readU64(key, 9),
    trainer: key.slice(17, 37),
  }))
  const reveals = SHARE_KINDS.flatMap((kind) =>
    [...store.iterate(ALL_SECAGG_REVEALS[kind])].map(([key, share]) => ({
      subnet: readU64(key, 1),
      round: readU64(key, 9),
      dealer: key.slice(17, 37),
      holder: key.slice(37, 57),
      kind,
      share,
    })),
  )
  return rounds.map(({ subnet, round }) => {
    const roster = books.roster(subnet, round)!
    return {
      subnet: String(subnet),
      round: String(round),
      members: roster.members.map((m) => encodeAddress(m)),
      round_id: hex(roster.roundId),
      graph_seed: hex(roster.graphSeed),
      setup_end: String(roster.setupEnd),
      setups: setups
        .filter((s) => s.subnet === subnet && s.round === round)
        .map((s) => {
          const setup = books.setup(subnet, round, s.trainer)!
          return {
            trainer: encodeAddress(s.trainer),
            round_key: hex(setup.roundKey),
            self_commitment: hex(setup.selfCommitment),
            shares: setup.shares.map((x) => ({
              holder: encodeAddress(x.holder),
              ciphertext: hex(x.ciphertext),
              commitment: hex(x.commitment),
              self_commitment: hex(x.selfCommitment),
            })),
          }
        }),
      reveals: reveals
        .filter((r) => r.subnet === subnet && r.round === round)
        .map((r) => ({ dealer: encodeAddress(r.dealer), holder: encodeAddress(r.holder), kind: r.kind, share: hex(r.share) })),
    }
  })
}

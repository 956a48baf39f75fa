import { encodeAddress as addressText } from '../../crypto/index.js'
import {
  Dec,
  type ModuleGenesis,
  addressAt,
  arrayAt,
  bigintAt,
  genesisError,
  objectAt,
  stringAt,
  u64At,
  u32At,
  boolAt,
  hexAt,
} from '../../state/index.js'
import { MAX_INCLUDED } from '../training/messages.js'
import { ReputationBooks } from './books.js'
import { COMMIT_STATUSES, type ReceiptValue, type ReputationValue, type ScoreCommitValue, type ValidatorStandingValue } from './messages.js'
import { commitmentJson, receiptJson, standingJson } from './queries.js'

/**
 * `app_state.reputation` (params apart), what `export` writes and `init` reads back:
 *
 *   reputations: [{ subnet, trainer, reputation, rounds, last_round }]
 *   receipts:    ReceiptJson[]                          (queries.ts; the history index is rebuilt from them)
 *   commitments: (CommitmentJson & { subnet, round })[] (queries.ts)
 *   standings:   (StandingJson & { subnet })[]
 *   bonds:       [{ subnet, trainer, validator, bond }]
 *
 * Decimal strings as in the queries. Init checks shapes and ranges; the invariants check the
 * books against training (receipts only for closed rounds of trainers their version includes).
 */
export interface ReputationGenesis {
  reputations: (ReputationValue & { subnet: bigint; trainer: Uint8Array })[]
  receipts: ReceiptValue[]
  commitments: (ScoreCommitValue & { subnet: bigint; round: bigint; validator: Uint8Array })[]
  standings: (ValidatorStandingValue & { subnet: bigint; validator: Uint8Array })[]
  bonds: { subnet: bigint; trainer: Uint8Array; validator: Uint8Array; bond: Dec }[]
}

const FIELDS = ['reputations', 'receipts', 'commitments', 'standings', 'bonds']

/** A Dec in [0, 1]. */
function shareAt(value: unknown, path: string): Dec {
  let dec: Dec
  try {
    dec = Dec.parse(stringAt(value, path))
  } catch {
    throw genesisError(path, 'expected a decimal like 0.5')
  }
  if (dec.gt(Dec.ONE)) throw genesisError(path, 'must lie in [0, 1]')
  return dec
}

const list = (body: Record<string, unknown>, field: string, path: string) => arrayAt(body[field] ?? [], `${path}.${field}`)

export const reputationGenesis: ModuleGenesis<ReputationGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such reputation genesis field')
    return {
      reputations: list(body, 'reputations', path).map((entry, i) => {
        const at = `${path}.reputations[${i}]`
        const o = objectAt(entry, at)
        return {
          subnet: u64At(o.subnet, `${at}.subnet`),
          trainer: addressAt(o.trainer, `${at}.trainer`),
          value: shareAt(o.reputation, `${at}.reputation`),
          rounds: u32At(o.rounds, `${at}.rounds`),
          lastRound: u64At(o.last_round, `${at}.last_round`),
        }
      }),
      receipts: list(body, 'receipts', path).map((entry, i) => {
        const at = `${path}.receipts[${i}]`
        const o = objectAt(entry, at)
        return {
          subnet: u64At(o.subnet, `${at}.subnet`),
          round: u64At(o.round, `${at}.round`),
          trainer: addressAt(o.trainer, `${at}.trainer`),
          version: u64At(o.version, `${at}.version`),
          updateCid: stringAt(o.update_cid, `${at}.update_cid`),
          weight: u32At(o.weight, `${at}.weight`),
          consensusScore: shareAt(o.consensus_score, `${at}.consensus_score`),
          reputationAfter: shareAt(o.reputation_after, `${at}.reputation_after`),
          scored: boolAt(o.scored, `${at}.scored`),
          reward: bigintAt(o.reward, `${at}.reward`),
          slashed: bigintAt(o.slashed, `${at}.slashed`),
          height: u64At(o.settled_height, `${at}.settled_height`),
        }
      }),
      commitments: list(body, 'commitments', path).map((entry, i) => {
        const at = `${path}.commitments[${i}]`
        const o = objectAt(entry, at)
        const status = stringAt(o.status, `${at}.status`)
        if (!(COMMIT_STATUSES as readonly string[]).includes(status))
          throw genesisError(`${at}.status`, `expected one of ${COMMIT_STATUSES.join(', ')}`)
        const scores = arrayAt(o.scores ?? [], `${at}.scores`)
        if (scores.length > MAX_INCLUDED) throw genesisError(`${at}.scores`, `at most ${MAX_INCLUDED} scores`)
        return {
          subnet: u64At(o.subnet, `${at}.subnet`),
          round: u64At(o.round, `${at}.round`),
          validator: addressAt(o.validator, `${at}.validator`),
          commitment: hexAt(o.commitment, `${at}.commitment`, 32),
          status,
          committedHeight: u64At(o.committed_height, `${at}.committed_height`),
          revealedHeight:
            o.revealed_height === null || o.revealed_height === undefined ? null : u64At(o.revealed_height, `${at}.revealed_height`),
          scores: scores.map((s, j) => u32At(s, `${at}.scores[${j}]`)),
          stake: bigintAt(o.stake ?? '0', `${at}.stake`),
          trust: shareAt(o.trust ?? '0', `${at}.trust`),
          dividend: shareAt(o.dividend ?? '0', `${at}.dividend`),
        }
      }),
      standings: list(body, 'standings', path).map((entry, i) => {
        const at = `${path}.standings[${i}]`
        const o = objectAt(entry, at)
        return {
          subnet: u64At(o.subnet, `${at}.subnet`),
          validator: addressAt(o.validator, `${at}.validator`),
          standing: shareAt(o.standing, `${at}.standing`),
          noShows: u32At(o.no_shows, `${at}.no_shows`),
          reveals: u32At(o.reveals, `${at}.reveals`),
          lastRound: u64At(o.last_round, `${at}.last_round`),
        }
      }),
      bonds: list(body, 'bonds', path).map((entry, i) => {
        const at = `${path}.bonds[${i}]`
        const o = objectAt(entry, at)
        return {
          subnet: u64At(o.subnet, `${at}.subnet`),
          trainer: addressAt(o.trainer, `${at}.trainer`),
          validator: addressAt(o.validator, `${at}.validator`),
          bond: shareAt(o.bond, `${at}.bond`),
        }
      }),
    }
  },
  init(ctx, genesis) {
    const books = new ReputationBooks(ctx.moduleStore())
    for (const { subnet, trainer, ...r } of genesis.reputations) books.setReputation(subnet, trainer, r)
    for (const r of genesis.receipts) books.setReceipt(r)
    for (const { subnet, round, validator, ...c } of genesis.commitments) books.setCommit(subnet, round, validator, c)
    for (const { subnet, validator, ...s } of genesis.standings) books.setStanding(subnet, validator, s)
    for (const b of genesis.bonds) books.setBond(b.subnet, b.trainer, b.validator, b.bond)
  },
  export(ctx) {
    const books = new ReputationBooks(ctx.moduleStore())
    return {
      reputations: [...books.reputations()].map((r) => ({
        subnet: String(r.subnet),
        trainer: addressText(r.trainer),
        reputation: r.value.toString(),
        rounds: r.rounds,
        last_round: String(r.lastRound),
      })),
      receipts: [...books.allReceipts()].map(receiptJson),
      commitments: [...books.allCommits()].map((c) => ({ subnet: String(c.subnet), round: String(c.round), ...commitmentJson(c) })),
      standings: [...books.standings()].map((s) => ({ subnet: String(s.subnet), ...standingJson(s) })),
      bonds: [...books.bonds()].map((b) => ({
        subnet: String(b.subnet),
        trainer: addressText(b.trainer),
        validator: addressText(b.validator),
        bond: b.bond.toString(),
      })),
    }
  },
}

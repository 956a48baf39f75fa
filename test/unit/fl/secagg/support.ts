import { createHash } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  type DealtShare,
  type RoundKeyPair,
  type SecAggGraph,
  dealRoundKey,
  maskCorrection,
  maskUpdate,
  openShare,
  reconstructRoundSecret,
  PLAIN_MAX_ABS,
  SecAggError,
  type SecAggErrorCode,
  reconstructSelfSeed,
  residue,
  roundKeyPair,
  selfSeedCommitment,
  secAggGraph,
} from '../../../../src/fl/secagg/index.js'
import { seededRandom } from '../../../helpers/chain.js'

/** The SecAggError code `fn` throws, or OK. */
export function codeOf(fn: () => unknown): SecAggErrorCode | 'OK' {
  try {
    fn()
  } catch (error) {
    if (error instanceof SecAggError) return error.code
    throw error
  }
  return 'OK'
}

/** k random plain updates of n values in ±PLAIN_MAX_ABS. */
export function plainUpdates(k: number, n: number, seed: number): Int32Array[] {
  const random = seededRandom(seed)
  return Array.from({ length: k }, () =>
    Int32Array.from({ length: n }, () => Math.floor(random() * (2 * PLAIN_MAX_ABS + 1)) - PLAIN_MAX_ABS),
  )
}

/** Deterministic bytes: SHA-256(label ‖ counter) blocks. */
export function seededBytes(label: string): (n: number) => Uint8Array {
  let counter = 0
  return (n: number) => {
    const out = new Uint8Array(n)
    for (let at = 0; at < n; at += 32)
      out.set(
        createHash('sha256')
          .update(`${label}/${counter++}`)
          .digest()
          .subarray(0, Math.min(32, n - at)),
        at,
      )
    return out
  }
}

export interface Member {
  index: number
  roundKey: RoundKeyPair
  /** The round's self-mask seed b_i. */
  selfSeed: Uint8Array
  /** Long-term X25519 key pair: the ed25519 account key mapped to Curve25519, as on chain. */
  encSecret: Uint8Array
  encPublic: Uint8Array
}

export function members(n: number, label = 'members'): Member[] {
  const random = seededBytes(label)
  return Array.from({ length: n }, (_, index) => {
    const seed = random(32)
    return {
      index,
      roundKey: roundKeyPair(random(32)),
      selfSeed: random(32),
      encSecret: ed25519.utils.toMontgomerySecret(seed),
      encPublic: ed25519.utils.toMontgomery(ed25519.getPublicKey(seed)),
    }
  })
}

export interface SimulatedRound {
  graph: SecAggGraph
  roundId: Uint8Array
  members: Member[]
  dealt: DealtShare[][]
  masked: Int32Array[]
}

/** Every member deals its shares; members in `masking` mask their update (peers: all graph neighbours, all set up). */
export function simulateRound(options: { n: number; updates: Int32Array[]; weights: number[]; seed?: string }): SimulatedRound {
  const { n, updates, weights } = options
  const roundId = createHash('sha256')
    .update(options.seed ?? 'round')
    .digest()
  const graph = secAggGraph(
    n,
    createHash('sha256')
      .update(`graph/${options.seed ?? 'round'}`)
      .digest(),
  )
  const all = members(n, options.seed)
  const dealt = all.map((m) =>
    dealRoundKey({
      roundId,
      dealer: m.index,
      roundKey: m.roundKey,
      selfSeed: m.selfSeed,
      graph,
      holderKey: (j) => all[j]!.encPublic,
      randomBytes: seededBytes(`shares/${m.index}`),
    }),
  )
  const masked = all.map((m) =>
    maskUpdate({
      roundId,
      graph,
      self: m.index,
      secretKey: m.roundKey.secretKey,
      selfSeed: m.selfSeed,
      values: updates[m.index]!,
      weight: weights[m.index]!,
      peers: graph.neighbours(m.index).map((j) => ({ index: j, publicKey: all[j]!.roundKey.publicKey })),
    }),
  )
  return { graph, roundId, members: all, dealt, masked }
}

/** holder's opened shares of dealer (both kinds). */
export function openOf(round: SimulatedRound, dealer: number, holder: number) {
  const { roundId, members: all, dealt } = round
  const d = dealt[dealer]!.find((x) => x.holder === holder)!
  return openShare({
    roundId,
    dealer,
    holder,
    dealerPublicKey: all[dealer]!.roundKey.publicKey,
    holderSecretKey: all[holder]!.encSecret,
    dealt: d,
  })
}

/** Each dropped member's round key, rebuilt from the key shares its surviving holders reveal. */
export function droppedKeys(round: SimulatedRound, dropped: number[]): { index: number; secretKey: Uint8Array }[] {
  const { graph, members: all, dealt } = round
  return dropped.map((u) => {
    const shares = dealt[u]!.filter((d) => !dropped.includes(d.holder)).map((d) => ({
      holder: d.holder,
      share: openOf(round, u, d.holder).keyShare,
    }))
    return { index: u, secretKey: reconstructRoundSecret({ dealer: u, graph, publicKey: all[u]!.roundKey.publicKey, shares }) }
  })
}

/** Each survivor's self-mask seed, rebuilt from the self shares its surviving holders reveal. */
export function survivorSeeds(round: SimulatedRound, dropped: number[]): { index: number; seed: Uint8Array }[] {
  const { graph, roundId, members: all, dealt } = round
  return all
    .filter((m) => !dropped.includes(m.index))
    .map((m) => {
      const shares = dealt[m.index]!.filter((d) => !dropped.includes(d.holder)).map((d) => ({
        holder: d.holder,
        share: openOf(round, m.index, d.holder).selfShare,
      }))
      const selfCommitment = selfSeedCommitment(roundId, m.index, m.selfSeed)
      return { index: m.index, seed: reconstructSelfSeed({ roundId, dealer: m.index, graph, selfCommitment, shares }) }
    })
}

/** The survivors reveal self shares of each other and key shares of each dropped member; the secrets are rebuilt and the correction computed. */
export function recoverDropped(round: SimulatedRound, dropped: number[]): Uint32Array {
  const { graph, roundId, members: all } = round
  return maskCorrection({
    roundId,
    graph,
    length: round.masked[0]!.length,
    dropped: droppedKeys(round, dropped),
    survivors: all.filter((m) => !dropped.includes(m.index)).map((m) => ({ index: m.index, publicKey: m.roundKey.publicKey })),
    selfSeeds: survivorSeeds(round, dropped),
  })
}

/** Pearson's χ² of the top 8 bits of residues against the uniform distribution on 256 cells. */
export function chiSquare(values: Int32Array): number {
  const counts = new Array<number>(256).fill(0)
  for (const v of values) counts[Math.floor(residue(v) / 2 ** 24)]!++
  const expected = values.length / 256
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
}
// χ²(255) exceeds 330.5 with probability 0.001
export const CHI2_255_P001 = 330.5

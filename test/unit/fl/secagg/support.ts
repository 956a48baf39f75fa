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
  roundKeyPair,
  secAggGraph,
} from '../../../../src/fl/secagg/index.js'

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
      values: updates[m.index]!,
      weight: weights[m.index]!,
      peers: graph.neighbours(m.index).map((j) => ({ index: j, publicKey: all[j]!.roundKey.publicKey })),
    }),
  )
  return { graph, roundId, members: all, dealt, masked }
}

/** The survivors decrypt and reveal their shares of each dropped member; the round secret is rebuilt and the correction computed. */
export function recoverDropped(round: SimulatedRound, dropped: number[]): Uint32Array {
  const { graph, roundId, members: all, dealt } = round
  const survivors = all.filter((m) => !dropped.includes(m.index))
  const secrets = dropped.map((u) => {
    const shares = dealt[u]!.filter((d) => !dropped.includes(d.holder)).map((d) => ({
      holder: d.holder,
      share: openShare({
        roundId,
        dealer: u,
        holder: d.holder,
        dealerPublicKey: all[u]!.roundKey.publicKey,
        holderSecretKey: all[d.holder]!.encSecret,
        dealt: d,
      }),
    }))
    return { index: u, secretKey: reconstructRoundSecret({ dealer: u, graph, publicKey: all[u]!.roundKey.publicKey, shares }) }
  })
  return maskCorrection({
    roundId,
    graph,
    length: round.masked[0]!.length,
    dropped: secrets,
    survivors: survivors.map((m) => ({ index: m.index, publicKey: m.roundKey.publicKey })),
  })
}

import type { FedraClient, Result } from '../client/index.js'
import { decodeAddress, fromHex } from '../crypto/index.js'
import { type SecAggGraph, secAggGraph } from '../fl/secagg/graph.js'
import { secAggGraphSeed, secAggRoundId } from '../modules/training/secagg-handler.js'

type Round = Result<'round_get'>
export type SecAggMember = NonNullable<Result<'round_secagg'>['roster']>[number]

/**
 * A secagg round as a daemon sees it: the roster (member i = ascending address), the round id and
 * graph the chain derives from it, and each member's entry from `round_secagg`. Before the round's
 * first setup the chain has no roster yet; `predicted` is then true and the roster is the one the
 * chain will fix (the subnet's trainers now, by address), so the first setup can be dealt.
 */
export interface SecAggRoundView {
  readonly predicted: boolean
  readonly members: readonly string[]
  readonly memberBytes: readonly Uint8Array[]
  readonly roundId: Uint8Array
  readonly graph: SecAggGraph
  /** First height of the update phase. */
  readonly setupEnd: number
  /** `round_secagg`'s entries by index (empty while predicted). */
  readonly entries: readonly SecAggMember[]
}

const byBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** setupEnd = openHeight + ⌈(submitEnd − openHeight) / 2⌉, as the handler fixes it at the first setup. */
export const predictedSetupEnd = (round: Round): number => {
  const open = Number(round.open_height)
  return open + Math.ceil((Number(round.submit_end_height) - open) / 2)
}

export async function readSecAggRound(client: FedraClient, subnet: bigint, round: Round): Promise<SecAggRoundView> {
  const info = await client.call('round_secagg', { subnet: String(subnet), round: round.round })
  if (info.roster !== null && info.round_id !== null && info.setup_end_height !== null) {
    const members = info.roster.map((m) => m.trainer)
    const memberBytes = members.map((m) => decodeAddress(m))
    const roundId = fromHex(info.round_id)
    const graph = secAggGraph(members.length, secAggGraphSeed(roundId, memberBytes))
    return { predicted: false, members, memberBytes, roundId, graph, setupEnd: Number(info.setup_end_height), entries: info.roster }
  }
  const [status, listed] = await Promise.all([client.status(), client.call('subnet_members', { subnet: String(subnet), role: 'trainer' })])
  const memberBytes = listed.members.map((m) => decodeAddress(m.address)).sort(byBytes)
  const roundId = secAggRoundId(status.nodeInfo.network, subnet, BigInt(round.round), round.base_global_cid)
  const members = listed.members.map((m) => m.address).sort((a, b) => byBytes(decodeAddress(a), decodeAddress(b)))
  const graph = secAggGraph(memberBytes.length, secAggGraphSeed(roundId, memberBytes))
  return { predicted: true, members, memberBytes, roundId, graph, setupEnd: predictedSetupEnd(round), entries: [] }
}

/** The shares of `kind` revealed so far of roster member `dealer`, by holder index (from `round_secagg`, not the store's layout). */
export function revealedShares(view: SecAggRoundView, dealer: number, kind: 'key' | 'self'): { holder: number; share: Uint8Array }[] {
  const entry = view.entries[dealer]
  if (entry === undefined) return []
  return entry.reveals.filter((r) => r.kind === kind).map((r) => ({ holder: view.members.indexOf(r.holder), share: fromHex(r.share) }))
}

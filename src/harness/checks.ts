import { FedraClient } from '../client/index.js'
import type { AcceptedTx } from './load.js'

/** The verdict of one check after a run: what it looked at, and what was wrong if anything. */
export interface CheckResult {
  name: string
  ok: boolean
  /** What was checked (figures), or the first failures. */
  detail: string
}

/** A node the checks read over RPC. */
export interface CheckedNode {
  name: string
  url: string
}

type Block = Awaited<ReturnType<FedraClient['block']>>

/** Blocks of every node, read once and shared by the checks. */
export class ChainView {
  readonly tips = new Map<string, number>()
  /** node → height → block */
  readonly blocks = new Map<string, Map<number, Block>>()

  static async read(nodes: readonly CheckedNode[], timeoutMs = 10_000): Promise<ChainView> {
    const view = new ChainView()
    await Promise.all(
      nodes.map(async (node) => {
        const client = new FedraClient({ url: node.url, timeoutMs })
        try {
          const tip = (await client.status()).syncInfo.latestHeight
          const blocks = new Map<number, Block>()
          // Four at a time: enough to be quick, few enough for a loaded machine's node to answer.
          let next = 1
          await Promise.all(
            Array.from({ length: 4 }, async () => {
              for (let h = next++; h <= tip; h = next++) blocks.set(h, await client.block(h))
            }),
          )
          view.tips.set(node.name, tip)
          view.blocks.set(node.name, blocks)
        } catch {
          // A node that does not answer is reported by the liveness check, not here.
        } finally {
          client.close()
        }
      }),
    )
    return view
  }

  get nodes(): string[] {
    return [...this.blocks.keys()]
  }
}

/** No fork: at every height two nodes both have, the same block id and the same state root. */
export function checkAgreement(view: ChainView): CheckResult {
  const names = view.nodes
  const failures: string[] = []
  let compared = 0
  const maxTip = Math.max(0, ...[...view.tips.values()])
  for (let h = 1; h <= maxTip; h++) {
    const at = names.map((n) => [n, view.blocks.get(n)!.get(h)] as const).filter(([, b]) => b !== undefined)
    if (at.length < 2) continue
    compared++
    const [first, firstBlock] = at[0]!
    for (const [name, block] of at.slice(1)) {
      if (block!.blockId !== firstBlock!.blockId || block!.header.stateRoot !== firstBlock!.header.stateRoot) {
        failures.push(
          `height ${h}: ${first} has ${firstBlock!.blockId.slice(0, 12)}/${firstBlock!.header.stateRoot.slice(0, 12)}, ${name} ${block!.blockId.slice(0, 12)}/${block!.header.stateRoot.slice(0, 12)}`,
        )
      }
    }
  }
  const tips = names.map((n) => `${n}@${view.tips.get(n)}`).join(' ')
  if (names.length < 2) return { name: 'agreement', ok: false, detail: `fewer than two nodes answered (${tips})` }
  return {
    name: 'agreement',
    ok: failures.length === 0,
    detail: failures.length === 0 ? `${compared} heights compared on ${names.length} nodes (${tips})` : failures.slice(0, 5).join('; '),
  }
}

/**
 * No validator signed two different votes for one height/round/step: every duplicate-vote
 * evidence in the blocks names a validator in `expected` (a twin), and every commit's
 * precommits name the block the commit is for (a commit is checked signature by signature when
 * it is verified; here: one validator, one (height, round), one block id).
 */
export function checkDoubleSigns(
  view: ChainView,
  validatorNames: ReadonlyMap<string, string>,
  expected: readonly string[],
): CheckResult & { offenders: string[] } {
  const reference = longest(view)
  const offenders = new Set<string>()
  let evidence = 0
  const commitVotes = new Map<string, string>()
  const conflicts: string[] = []
  for (const name of view.nodes) {
    for (const block of view.blocks.get(name)!.values()) {
      if (name === reference) {
        for (const e of block.evidence) {
          evidence++
          offenders.add(validatorNames.get(e.voteA.validator) ?? e.voteA.validator)
        }
      }
      const commit = block.lastCommit
      if (commit === null) continue
      for (const sig of commit.signatures) {
        const key = `${sig.validator}/${commit.height}/${commit.round}`
        const seen = commitVotes.get(key)
        if (seen !== undefined && seen !== commit.blockId)
          conflicts.push(
            `${validatorNames.get(sig.validator) ?? sig.validator} precommitted two blocks at ${commit.height}/${commit.round}`,
          )
        commitVotes.set(key, commit.blockId)
      }
    }
  }
  const unexpected = [...offenders].filter((o) => !expected.includes(o))
  const missing = expected.filter((o) => !offenders.has(o))
  const ok = unexpected.length === 0 && conflicts.length === 0 && missing.length === 0
  const detail = [
    `${evidence} duplicate-vote evidence in blocks${offenders.size > 0 ? ` (${[...offenders].join(', ')})` : ''}, ${commitVotes.size} commit signatures`,
    ...(unexpected.length > 0 ? [`unexpected double signer(s): ${unexpected.join(', ')}`] : []),
    ...(missing.length > 0 ? [`expected evidence of ${missing.join(', ')} (a twin) is not in any block`] : []),
    ...conflicts.slice(0, 3),
  ].join('; ')
  return { name: 'no-double-sign', ok, detail, offenders: [...offenders] }
}

/** Every transfer a node accepted is in exactly one block (by its bytes). */
export function checkExactlyOnce(view: ChainView, accepted: readonly AcceptedTx[]): CheckResult {
  const reference = longest(view)
  if (reference === undefined) return { name: 'txs-exactly-once', ok: false, detail: 'no node answered' }
  const counts = new Map<string, number>()
  for (const tx of accepted) counts.set(tx.hex, 0)
  for (const block of view.blocks.get(reference)!.values())
    for (const tx of block.txs) if (counts.has(tx)) counts.set(tx, counts.get(tx)! + 1)
  const missing = [...counts].filter(([, n]) => n === 0).length
  const twice = [...counts].filter(([, n]) => n > 1).length
  const ok = missing === 0 && twice === 0
  return {
    name: 'txs-exactly-once',
    ok,
    detail: `${accepted.length} accepted transfers: ${accepted.length - missing - twice} committed once, ${missing} never, ${twice} more than once (read from ${reference})`,
  }
}

/** The node whose chain is longest: the reference for reading transactions and evidence. */
export function longest(view: ChainView): string | undefined {
  let best: string | undefined
  for (const [name, tip] of view.tips) if (best === undefined || tip > view.tips.get(best)!) best = name
  return best
}

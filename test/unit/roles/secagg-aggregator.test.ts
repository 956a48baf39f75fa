import assert from 'node:assert/strict'
import { REPUTATION_UNIT } from '../../../src/fl/rules/repfedavg.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { RoleError } from '../../../src/roles/errors.js'
import { secAggAggregationRule } from '../../../src/roles/secagg-aggregator.js'
import { SecAggTrainer } from '../../../src/roles/secagg-trainer.js'
import { seededBytes } from '../fl/secagg/support.js'
import { FakeSecAggChain, SETUP_END, quietLog, trainerKeys } from './secagg-support.js'

// 6 members: the complete graph, threshold 3, so each of the 4 survivors has 3 surviving holders of its self seed
const KEYS = trainerKeys(6, 21)
const N = 96
const SURVIVORS = [0, 1, 3, 5]
const DROPPED = [2, 4]
const plain = KEYS.map((_, i) => Int32Array.from({ length: N }, (_, k) => ((k * 53 + i * 17) % 20001) - 10000))
const weights = [100, 512, 7, 300, 45, 260]

/** Six trainer roles set up; four mask and submit; the submit window closes with two dropped. */
async function playedRound() {
  const chain = new FakeSecAggChain(KEYS)
  const trainers = KEYS.map(
    (key, i) =>
      new SecAggTrainer({
        client: chain.client(key.publicKey.address),
        key,
        subnet: 0n,
        log: quietLog(),
        randomBytes: seededBytes(`agg ${i}`),
      }),
  )
  for (const t of trainers) await t.step(chain.round())
  chain.height = SETUP_END
  // round_updates' order: ascending trainer address, as the chain records them
  const masked = new Map<number, Int32Array>()
  for (const i of SURVIVORS) {
    await trainers[i]!.step(chain.round())
    masked.set(i, trainers[i]!.mask(chain.round(), plain[i]!, weights[i]!, 16384))
    chain.updated.add(KEYS[i]!.publicKey.address)
  }
  chain.phase = 'aggregate'
  return { chain, trainers, masked }
}

describe('roles/secagg-aggregator: the rule of a secagg round, as the chain builds it', () => {
  it('not ready while the chain still calls a member pending (the block closing the submit window is not in yet)', async () => {
    const { chain } = await playedRound()
    const ready = await secAggAggregationRule(chain.client('x'), 0n, chain.round(), N)
    assert.equal(ready.ready, false)
    assert.match((ready as { why: string }).why, /submit window/)
  })

  it('not ready while a dropped trainer has fewer than t key shares or a survivor fewer than t self shares revealed: the chain would refuse with SECAGG_SHARES_MISSING', async () => {
    const { chain, trainers } = await playedRound()
    chain.submitClosed = true
    const why = async () => {
      const ready = await secAggAggregationRule(chain.client('x'), 0n, chain.round(), N)
      assert.equal(ready.ready, false)
      return (ready as { why: string }).why
    }
    assert.match(await why(), /dropped out; 0 of its 3 needed key shares are revealed/)
    for (const i of SURVIVORS) await trainers[i]!.step(chain.round())
    // the key shares are all out; take one survivor's self shares back down to t − 1
    const survivor = KEYS[SURVIVORS[0]!]!.publicKey.address
    const selfKeys = [...chain.reveals.keys()].filter((k) => k.startsWith(`${survivor}/`) && k.endsWith('/self'))
    assert.equal(selfKeys.length, 3)
    chain.reveals.delete(selfKeys[0]!)
    assert.match(await why(), /survived; 2 of its 3 needed self shares are revealed/)
  })

  it("after the survivors' reveals: the rule over their masked updates gives plain FedAvg of their plaintext, bit for bit, and the chain's mask-removal gas", async () => {
    const { chain, trainers, masked } = await playedRound()
    chain.submitClosed = true
    for (const i of SURVIVORS) await trainers[i]!.step(chain.round())
    const ready = await secAggAggregationRule(chain.client('x'), 0n, chain.round(), N)
    if (!ready.ready) return assert.fail(ready.why)
    const order = [...SURVIVORS].sort(
      (a, b) => chain.roster!.indexOf(KEYS[a]!.publicKey.address) - chain.roster!.indexOf(KEYS[b]!.publicKey.address),
    )
    const input = (values: Int32Array[]) => ({
      updates: values,
      weights: order.map((i) => weights[i]!),
      reputations: order.map(() => REPUTATION_UNIT),
    })
    const got = ready.rule.fast(input(order.map((i) => masked.get(i)!))).values
    const expected = getAggregationRule('fedavg').reference(input(order.map((i) => plain[i]!))).values
    assert.deepEqual(Array.from(got), Array.from(expected))
    const graph = chain.graph()
    const index = (i: number) => chain.roster!.indexOf(KEYS[i]!.publicKey.address)
    const edges = DROPPED.flatMap((u) => SURVIVORS.filter((v) => graph.areNeighbours(index(u), index(v)))).length
    assert.equal(ready.gas, BigInt(N * (SURVIVORS.length + edges)), 'one expansion per self mask and per dropped–surviving edge')
  })

  for (const kind of ['key', 'self'] as const) {
    it(`revealed ${kind} shares that do not rebuild the published ${kind === 'key' ? 'round key' : 'seed commitment'}: SECAGG_UNRECOVERABLE`, async () => {
      const { chain, trainers } = await playedRound()
      chain.submitClosed = true
      for (const i of SURVIVORS) await trainers[i]!.step(chain.round())
      const [path, share] = [...chain.reveals.entries()].find(([k]) => k.endsWith(`/${kind}`))!
      chain.reveals.set(
        path,
        Uint8Array.from(share, (b, k) => (k === share.length - 1 ? b ^ 1 : b)),
      )
      await assert.rejects(
        secAggAggregationRule(chain.client('x'), 0n, chain.round(), N),
        (e: unknown) =>
          e instanceof RoleError &&
          e.code === 'SECAGG_UNRECOVERABLE' &&
          e.message.includes(kind === 'key' ? 'round key' : 'self-mask seed'),
      )
    })
  }
})

import assert from 'node:assert/strict'
import { DISPUTES_ERRORS, disputesModule } from '../../../../src/modules/disputes/index.js'
import { DisputesBooks } from '../../../../src/modules/disputes/books.js'
import type { MessageHandler, Module } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  AGGREGATOR_BOND,
  TrainingChain,
  codes,
  coin,
  eventsOf,
  honestAggregate,
  trainingGenesisJson,
  updateBlob,
} from '../training/harness.js'
import { balance, disputesQuery, openDispute, plant, plantedTraining } from './harness.js'

const U = [
  { trainer: 2, values: [10, 20, 30, 40, 50, 60] },
  { trainer: 3, values: [-10, -20, -30, -40, -50, -60] },
  { trainer: 4, values: [7, 7, 7, 7, 7, 7] },
]
const blobs = U.map((u) => ({ trainer: u.trainer, blob: updateBlob(u.values) }))
const honest = honestAggregate(U.map((u) => ({ values: u.values, weight: 100 })))
// what a dishonest aggregator claims: the aggregate of other updates
const wrong = honestAggregate(U.map((u) => ({ values: u.values.map((v) => v + 1), weight: 100 })))
const OUTSIDER = 7
const HONEST = 5
const CHEAT = 6
const BOND = 5000n
const FEE = 200n
const fail = (code: keyof typeof DISPUTES_ERRORS): [string, number] => ['disputes', DISPUTES_ERRORS[code]]

type Totals = { refunded: string; burned: string; escrowed: string; disputes: string }
const totals = (chain: TrainingChain) => disputesQuery<Totals>(chain, 'totals')

/**
 * Round 0 of subnet 0 with three updates in and, at height 5 (its aggregate window), aggregator 5's
 * honest aggregate rejected by the plant and aggregator 6's wrong one rejected by training itself.
 */
async function withRejections(dir: string, options: { genesis?: Record<string, unknown>; extra?: Module[] } = {}) {
  const chain = await TrainingChain.withSubnet(dir, {}, { extra: [plantedTraining, ...(options.extra ?? [])], genesis: options.genesis })
  await chain.block(...blobs.map((b) => chain.submit(b.trainer, b.blob)))
  await chain.until(4)
  chain.put(honest.aggregateBytes)
  chain.put(honest.modelBytes)
  const verdicts = await chain.block(
    plant(0, HONEST, honest.aggregateCid, honest.modelCid),
    chain.aggregate(CHEAT, blobs, wrong.aggregateCid, wrong.modelCid),
  )
  assert.deepEqual(codes(verdicts), [
    ['', 0],
    ['', 0],
  ])
  assert.equal(eventsOf(verdicts, 'aggregate_rejected').length, 1)
  return chain
}

describe('disputes MsgOpenDispute: a checkable claim decided by the chain, in the same tx', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('upholds a dispute of a dishonest rejection: the slash is minted back to the aggregator, the bond returned, supply + slash', async () => {
    const chain = await withRejections(dirs.next())
    const slashed = AGGREGATOR_BOND - chain.bond(0n, 'aggregator', HONEST)
    assert.ok(slashed > 0n)
    const before = { supply: chain.supply(), honest: balance(chain, HONEST), disputer: balance(chain, OUTSIDER) }
    const executed = await chain.block(openDispute(chain, OUTSIDER, HONEST, { bond: coin(BOND) }))
    assert.deepEqual(codes(executed), [['', 0]])
    const dispute = disputesQuery<Record<string, string>>(chain, 'dispute', { id: '0' })
    assert.equal(dispute.status, 'upheld')
    assert.equal(dispute.refunded, String(slashed))
    assert.equal(balance(chain, HONEST), before.honest + slashed)
    assert.equal(balance(chain, OUTSIDER), before.disputer - FEE)
    assert.equal(chain.supply(), before.supply + slashed)
    assert.deepEqual(totals(chain), { denom: 'ufdr', disputes: '1', refunded: String(slashed), burned: '0', escrowed: '0' })
    assert.deepEqual(
      eventsOf(executed, 'dispute_resolved').map((e) => e.status),
      ['upheld'],
    )
    await chain.close()
  })

  it('dismisses a frivolous dispute of a right rejection: the bond is burned, the accused is paid nothing, supply − bond', async () => {
    const chain = await withRejections(dirs.next())
    const before = { supply: chain.supply(), cheat: balance(chain, CHEAT), disputer: balance(chain, OUTSIDER) }
    const executed = await chain.block(openDispute(chain, OUTSIDER, CHEAT, { bond: coin(BOND) }))
    assert.deepEqual(codes(executed), [['', 0]])
    const dispute = disputesQuery<Record<string, string>>(chain, 'dispute', { id: '0' })
    assert.equal(dispute.status, 'dismissed')
    assert.equal(dispute.burned, String(BOND))
    assert.equal(balance(chain, CHEAT), before.cheat)
    assert.equal(balance(chain, OUTSIDER), before.disputer - FEE - BOND)
    assert.equal(chain.supply(), before.supply - BOND)
    assert.deepEqual(totals(chain), { denom: 'ufdr', disputes: '1', refunded: '0', burned: String(BOND), escrowed: '0' })
    assert.deepEqual(
      (disputesQuery<{ disputes: { id: string }[] }>(chain, 'list', { subnet: '0' }).disputes ?? []).map((d) => d.id),
      ['0'],
    )
    await chain.close()
  })

  it('refuses, each with its code and nothing changed but the fee: claim kind, subnet, round, denomination, bond, target, evidence, funds', async () => {
    const chain = await withRejections(dirs.next())
    const before = { supply: chain.supply(), disputer: balance(chain, OUTSIDER), honest: balance(chain, HONEST) }
    const refused = await chain.block(
      openDispute(chain, OUTSIDER, HONEST, { claim: 'mis_scored' }),
      openDispute(chain, OUTSIDER, HONEST, { subnet: 9n }),
      openDispute(chain, OUTSIDER, HONEST, { round: 5n }),
      openDispute(chain, OUTSIDER, HONEST, { bond: coin(BOND, 'uother') }),
      openDispute(chain, OUTSIDER, HONEST, { bond: coin(999n) }),
      openDispute(chain, OUTSIDER, 4),
      openDispute(chain, OUTSIDER, HONEST, { evidence: [] }),
      openDispute(chain, OUTSIDER, HONEST, { bond: coin(10n ** 30n) }),
    )
    assert.deepEqual(codes(refused), [
      fail('CLAIM_NOT_ALLOWED'),
      fail('UNKNOWN_SUBNET'),
      fail('UNKNOWN_ROUND'),
      fail('BAD_DENOM'),
      fail('BOND_TOO_SMALL'),
      fail('UNKNOWN_TARGET'),
      fail('EVIDENCE_MISSING'),
      fail('INSUFFICIENT_FUNDS'),
    ])
    assert.equal(chain.supply(), before.supply)
    assert.equal(balance(chain, OUTSIDER), before.disputer - 8n * FEE)
    assert.equal(balance(chain, HONEST), before.honest)
    assert.deepEqual(totals(chain), { denom: 'ufdr', disputes: '0', refunded: '0', burned: '0', escrowed: '0' })
    await chain.close()
  })

  it('refuses a second dispute of the same slash (DUPLICATE_DISPUTE), whoever opens it', async () => {
    const chain = await withRejections(dirs.next())
    await chain.block(openDispute(chain, OUTSIDER, CHEAT))
    const supply = chain.supply()
    const again = await chain.block(openDispute(chain, OUTSIDER, CHEAT), openDispute(chain, 3, CHEAT))
    assert.deepEqual(codes(again), [fail('DUPLICATE_DISPUTE'), fail('DUPLICATE_DISPUTE')])
    assert.equal(chain.supply(), supply)
    assert.equal(totals(chain).disputes, '1')
    await chain.close()
  })

  it('refuses a dispute past the slash height + window_blocks (OUT_OF_WINDOW), and takes one on the window’s last block', async () => {
    const genesis = trainingGenesisJson()
    const appState = genesis.app_state as Record<string, unknown>
    const chain = await withRejections(dirs.next(), {
      genesis: { ...genesis, app_state: { ...appState, disputes: { params: { window_blocks: 2 } } } },
    })
    // both slashes at height 5: disputable through height 7
    await chain.until(6)
    const last = await chain.block(openDispute(chain, OUTSIDER, HONEST))
    assert.deepEqual(codes(last), [['', 0]])
    const late = await chain.block(openDispute(chain, OUTSIDER, CHEAT))
    assert.deepEqual(codes(late), [fail('OUT_OF_WINDOW')])
    await chain.close()
  })

  it('catches a planted bug: a refund minted without its refunds term breaks the books invariant after the block', async () => {
    const real = disputesModule.messages[0]!
    const forgetful: MessageHandler = {
      ...real,
      handle(ctx, m, signer) {
        const books = new DisputesBooks(ctx.moduleStore())
        const refunded = books.totals().refunded
        real.handle(ctx, m, signer)
        books.setTotals({ ...books.totals(), refunded })
      },
    }
    const chain = await withRejections(dirs.next(), { extra: [{ ...disputesModule, messages: [forgetful] }] })
    await assert.rejects(chain.block(openDispute(chain, OUTSIDER, HONEST)), /refunded/)
    await chain.close()
  })
})

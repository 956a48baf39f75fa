import assert from 'node:assert/strict'
import { MsgEnableSubnetGovernance, MsgScopedVote } from '../../../../src/modules/gov/index.js'
import { DISPUTES_ERRORS } from '../../../../src/modules/disputes/index.js'
import { Dec } from '../../../../src/state/index.js'
import { tempDirs } from '../../../support/chain.js'
import {
  ADMIN,
  AGGREGATORS,
  TRAINERS,
  TRAINER_BOND,
  type Tx,
  TrainingChain,
  codes,
  coin,
  eventsOf,
  updateBlob,
} from '../training/harness.js'
import { balance, disputesQuery, openDispute } from './harness.js'

const RULES = {
  quorum: Dec.parse('0.5'),
  threshold: Dec.parse('0.5'),
  vetoThreshold: Dec.parse('0.334'),
  votingPeriod: 3000n,
  minDeposit: 1000n,
}
const OUTSIDER = 7
const FREE_RIDER = 4
const BOND = 5000n
const FEE = 200n
const fail = (code: keyof typeof DISPUTES_ERRORS): [string, number] => ['disputes', DISPUTES_ERRORS[code]]

type Dispute = Record<string, string | null>
const dispute = (chain: TrainingChain, id = '0') => disputesQuery<Dispute>(chain, 'dispute', { id })
const scoped = (chain: TrainingChain, id: string) => chain.app.query('gov', 'scoped_proposal', { id }) as { status: string }
/** What rewards and disputes minted minus burned so far: the only mints and burns these chains have. */
function moved(chain: TrainingChain): bigint {
  const r = chain.app.query('rewards', 'totals') as { emitted: string; burned: string }
  const d = disputesQuery<{ refunded: string; burned: string }>(chain, 'totals')
  return BigInt(r.emitted) - BigInt(r.burned) + BigInt(d.refunded) - BigInt(d.burned)
}

/** Subnet 0 (governed when `governed`), trainer 4's all-zero update judged a free-rider's (ZERO_UPDATE) and slashed at height 2. */
async function withVerdict(dir: string, governed = true): Promise<TrainingChain> {
  const chain = await TrainingChain.withSubnet(dir)
  const verdict = await chain.block(
    ...(governed ? [[ADMIN, MsgEnableSubnetGovernance, { subnet: 0n, rules: RULES }] as Tx] : []),
    chain.submit(FREE_RIDER, updateBlob([0, 0, 0, 0, 0, 0])),
  )
  assert.deepEqual(eventsOf(verdict, 'update_rejected').length, 1)
  assert.ok(chain.bond(0n, 'trainer', FREE_RIDER) < TRAINER_BOND)
  return chain
}

async function untilEnded(chain: TrainingChain, id: string): Promise<void> {
  while (scoped(chain, id).status === 'voting_period') await chain.block()
}

describe("disputes MsgOpenDispute wrong_verdict: a judged claim, voted by the subnet's members", () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('opens a scoped proposal; members vote yes; the next block refunds the slash and returns the bond (supply + slash)', async () => {
    const chain = await withVerdict(dirs.next())
    const slashed = TRAINER_BOND - chain.bond(0n, 'trainer', FREE_RIDER)
    const before = { supply: chain.supply(), moved: moved(chain), trainer: balance(chain, FREE_RIDER), disputer: balance(chain, OUTSIDER) }
    const opened = await chain.block(openDispute(chain, OUTSIDER, FREE_RIDER, { claim: 'wrong_verdict', evidence: [], bond: coin(BOND) }))
    assert.deepEqual(codes(opened), [['', 0]])
    const open = dispute(chain)
    assert.equal(open.status, 'open')
    assert.equal(balance(chain, OUTSIDER), before.disputer - FEE - BOND - RULES.minDeposit)
    assert.equal(disputesQuery<{ escrowed: string }>(chain, 'totals').escrowed, String(BOND))
    const proposal = open.proposal!
    await chain.block(...AGGREGATORS.map((a): Tx => [a, MsgScopedVote, { proposal: BigInt(proposal), option: 'yes' }]))
    await untilEnded(chain, proposal)
    assert.equal(scoped(chain, proposal).status, 'passed')
    if (dispute(chain).status === 'open') await chain.block()
    const settled = dispute(chain)
    assert.equal(settled.status, 'upheld')
    assert.equal(settled.refunded, String(slashed))
    assert.equal(balance(chain, FREE_RIDER), before.trainer + slashed)
    // the bond back, the proposal's deposit refunded by gov: only the fee is gone
    assert.equal(balance(chain, OUTSIDER), before.disputer - FEE)
    assert.equal(moved(chain) - before.moved, slashed)
    assert.equal(chain.supply() - before.supply, moved(chain) - before.moved)
    await chain.close()
  })

  it('members vote no: the bond is burned, the trainer gets nothing back (supply − bond)', async () => {
    const chain = await withVerdict(dirs.next())
    const before = { supply: chain.supply(), moved: moved(chain), trainer: balance(chain, FREE_RIDER) }
    await chain.block(openDispute(chain, OUTSIDER, FREE_RIDER, { claim: 'wrong_verdict', evidence: [], bond: coin(BOND) }))
    const proposal = dispute(chain).proposal!
    await chain.block(
      ...[...AGGREGATORS, ...TRAINERS.slice(0, 2)].map((a): Tx => [a, MsgScopedVote, { proposal: BigInt(proposal), option: 'no' }]),
    )
    await untilEnded(chain, proposal)
    assert.equal(scoped(chain, proposal).status, 'rejected')
    if (dispute(chain).status === 'open') await chain.block()
    const settled = dispute(chain)
    assert.equal(settled.status, 'dismissed')
    assert.equal(settled.burned, String(BOND))
    assert.equal(balance(chain, FREE_RIDER), before.trainer)
    assert.equal(moved(chain) - before.moved, -BOND)
    assert.equal(chain.supply() - before.supply, -BOND)
    await chain.close()
  })

  it('refuses a judged claim in a subnet without governance (CLAIM_NOT_ALLOWED) and one on a trainer with no verdict (UNKNOWN_TARGET)', async () => {
    const chain = await withVerdict(dirs.next(), false)
    const supply = chain.supply()
    const refused = await chain.block(
      openDispute(chain, OUTSIDER, FREE_RIDER, { claim: 'wrong_verdict', evidence: [] }),
      openDispute(chain, OUTSIDER, TRAINERS[0]!, { claim: 'wrong_verdict', evidence: [] }),
    )
    assert.deepEqual(codes(refused), [fail('CLAIM_NOT_ALLOWED'), fail('UNKNOWN_TARGET')])
    assert.equal(chain.supply(), supply)
    assert.equal(disputesQuery<{ disputes: string }>(chain, 'totals').disputes, '0')
    await chain.close()
  })
})

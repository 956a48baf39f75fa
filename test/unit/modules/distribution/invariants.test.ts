import assert from 'node:assert/strict'
import { DistributionKeeper, distributionModule } from '../../../../src/modules/distribution/index.js'
import { Dec, type Module } from '../../../../src/state/index.js'
import { FAKE_BOND_DENOM, MsgFakeCreateValidator, MsgFakeDelegate, MsgFakeSlash } from './fake-staking.js'
import { DistributionChain, addressOf, consensusAddress, ok } from './harness.js'

const one = [{ validator: consensusAddress(0), power: 1n, signed: true }]
const brokenBy = (name: string) => (e: any) => e.code === 'INVARIANT_BROKEN' && e.message.includes(`distribution/${name}:`)

/** distribution with something wrong planted after its real begin-block. */
function planted(after: (keeper: DistributionKeeper) => void): Module {
  return {
    ...distributionModule,
    beginBlock(ctx) {
      distributionModule.beginBlock!(ctx)
      if (ctx.block.lastCommit !== null) after(new DistributionKeeper(ctx))
    },
  }
}

async function run(distribution?: Module) {
  const chain = await DistributionChain.open({
    params: { emission_per_block: '1000000' },
    ...(distribution === undefined ? {} : { distribution }),
  })
  try {
    ok(
      await chain.block([
        chain.tx(0, [
          { type: MsgFakeCreateValidator, value: { consensusAddress: consensusAddress(0), commissionRate: '0.1', amount: 1_000_000n } },
        ]),
        chain.tx(3, [{ type: MsgFakeDelegate, value: { validator: addressOf(0), amount: 2_000_000n } }]),
      ]),
    )
    for (let i = 0; i < 3; i++)
      ok(
        await chain.block([chain.tx(9, [{ type: MsgFakeSlash, value: { validator: addressOf(0), fraction: '0.01' } }])], {
          proposer: consensusAddress(0),
          votes: one,
        }),
      )
  } finally {
    await chain.close()
  }
}

describe('distribution invariants', () => {
  it('hold over allocations, delegations and slashes', async () => {
    await run()
  })

  it('catch an allocation that credits a validator one unit the module does not hold (solvency)', async () => {
    await assert.rejects(
      run(
        planted((k) =>
          k.setOutstanding(addressOf(0), [
            ...k.outstanding(addressOf(0)).map((c) => (c.denom === FAKE_BOND_DENOM ? { ...c, amount: c.amount.add(Dec.ONE) } : c)),
          ]),
        ),
      ),
      brokenBy('solvency'),
    )
  })

  it('catch books that owe less than the module holds by more than dust (solvency)', async () => {
    await assert.rejects(
      run(
        planted((k) =>
          k.setOutstanding(
            addressOf(0),
            k.outstanding(addressOf(0)).map((c) => (c.denom === FAKE_BOND_DENOM ? { ...c, amount: c.amount.sub(Dec.fromInt(5n)) } : c)),
          ),
        ),
      ),
      brokenBy('solvency'),
    )
  })

  it('catch commission beyond outstanding', async () => {
    await assert.rejects(
      run(
        planted((k) =>
          k.setCommission(
            addressOf(0),
            k.outstanding(addressOf(0)).map((c) => ({ ...c, amount: c.amount.add(Dec.ONE) })),
          ),
        ),
      ),
      brokenBy('outstanding'),
    )
  })

  it('catch a period pointed at without a reference (reference counts)', async () => {
    await assert.rejects(
      run(
        planted(
          (k) =>
            k.initializeDelegation(
              addressOf(0),
              addressOf(0),
            ) /* a second reference is taken, then the starting info overwritten: one reference too many */,
        ),
      ),
      brokenBy('reference-counts'),
    )
  })

  it('catch rewards that exceed what the validator holds (can-withdraw)', async () => {
    // planted: outstanding emptied while the books still owe delegators
    await assert.rejects(
      run(
        planted((k) => {
          const taken = k.outstanding(addressOf(0))
          k.setOutstanding(addressOf(0), [])
          k.setCommission(addressOf(0), [])
          k.addToCommunityPool(taken)
        }),
      ),
      brokenBy('can-withdraw'),
    )
  })
})

import assert from 'node:assert/strict'
import {
  MsgCreateSubnet,
  MsgJoinSubnet,
  MsgLeaveSubnet,
  MsgTopUpSubnetBond,
  MsgUpdateAllowList,
  MsgUpdateSubnetParams,
} from '../../../../src/modules/subnets/index.js'
import { StakingKeeper } from '../../../../src/modules/staking/index.js'
import { tempDirs } from '../../../support/chain.js'
import { Harness, UNBONDING, addr, codeOf, coin, createMsg, dec, subnetParams, subnetsGenesisJson } from './harness.js'

const join = (subnet: bigint, role: string, amount: bigint, denom = 'ufdr') => ({ subnet, role, bond: coin(amount, denom) })
const leave = (subnet: bigint, role: string) => ({ subnet, role })

describe('subnets: allow-lists, params updates, joining and leaving', () => {
  const dirs = tempDirs()
  let h: Harness
  /** What staking's Bonds hold for subnets (bonds are scoped by the calling module). */
  const bonds = () => new StakingKeeper(h.ctx('staking'), 'subnets')
  beforeEach(async () => {
    h = await Harness.open(dirs.next())
    h.send(1, MsgCreateSubnet, createMsg()) // 0: open
    h.send(1, MsgCreateSubnet, createMsg({ name: 'private', allowList: [addr(2)], params: subnetParams({ membership: 'allow-list' }) })) // 1
  })
  afterEach(async () => {
    h.assertInvariants()
    await h.close()
  })
  after(() => dirs.removeAll())

  describe('MsgUpdateAllowList', () => {
    it('lets the admin add and remove addresses, and an added one may then join', () => {
      assert.equal(h.fails(3, MsgJoinSubnet, join(1n, 'trainer', 1000n)), 'NOT_ALLOWED')
      h.send(1, MsgUpdateAllowList, { subnet: 1n, add: [addr(3), addr(4)], remove: [addr(2)] })
      assert.equal(h.keeper.isAllowed(1n, addr(2)), false)
      assert.equal(h.keeper.isAllowed(1n, addr(4)), true)
      h.send(3, MsgJoinSubnet, join(1n, 'trainer', 1000n))
      assert.equal(h.keeper.isMember(1n, 'trainer', addr(3)), true)
    })

    it('keeps a removed member a member (removal only stops new joins)', () => {
      h.send(2, MsgJoinSubnet, join(1n, 'trainer', 1000n))
      h.send(1, MsgUpdateAllowList, { subnet: 1n, add: [], remove: [addr(2)] })
      assert.equal(h.keeper.isMember(1n, 'trainer', addr(2)), true)
      h.send(2, MsgLeaveSubnet, leave(1n, 'trainer'))
      assert.equal(h.fails(2, MsgJoinSubnet, join(1n, 'trainer', 1000n)), 'NOT_ALLOWED')
    })

    it('refuses anyone but the admin (NOT_ADMIN) and an unknown subnet (UNKNOWN_SUBNET)', () => {
      assert.equal(h.fails(2, MsgUpdateAllowList, { subnet: 1n, add: [addr(2)], remove: [] }), 'NOT_ADMIN')
      assert.equal(h.fails(1, MsgUpdateAllowList, { subnet: 9n, add: [addr(2)], remove: [] }), 'UNKNOWN_SUBNET')
    })

    it('refuses an empty change, an address listed twice, or in both lists (INVALID_ALLOW_LIST)', () => {
      assert.equal(h.failsValidate(MsgUpdateAllowList, { subnet: 1n, add: [], remove: [] }), 'INVALID_ALLOW_LIST')
      assert.equal(h.failsValidate(MsgUpdateAllowList, { subnet: 1n, add: [addr(3), addr(3)], remove: [] }), 'INVALID_ALLOW_LIST')
      assert.equal(h.failsValidate(MsgUpdateAllowList, { subnet: 1n, add: [addr(3)], remove: [addr(3)] }), 'INVALID_ALLOW_LIST')
    })
  })

  describe('MsgUpdateSubnetParams', () => {
    const updated = subnetParams({ sampleCap: 100, minTrainerBond: 2000n })

    it('stores the change as pending; it governs the next round once training applies it', () => {
      const k = () => h.keeper
      h.tx((keeper) => keeper.applyPending(0n, 0n)) // round 0 opened with the creation params
      h.send(1, MsgUpdateSubnetParams, { subnet: 0n, params: updated })
      assert.equal(k().params(0n).sampleCap, 600, 'not in force yet')
      assert.equal(k().pendingParams(0n)!.sampleCap, 100)
      assert.equal(k().effectiveParams(0n, 0n).sampleCap, 600, 'the running round keeps its params')
      assert.equal(k().effectiveParams(0n, 1n).sampleCap, 100, 'the next round gets the new ones')
      h.send(2, MsgJoinSubnet, join(0n, 'trainer', 1500n)) // below the pending minimum of 2000: joins use the params in force
      assert.equal(h.tx((keeper) => keeper.applyPending(0n, 1n)).sampleCap, 100)
      assert.equal(k().params(0n).minTrainerBond, 2000n)
      assert.equal(h.fails(3, MsgJoinSubnet, join(0n, 'trainer', 1500n)), 'BOND_TOO_LOW')
      assert.equal(k().pendingParams(0n), undefined)
      assert.equal(k().effectiveParams(0n, 1n).sampleCap, 100)
      assert.equal(
        codeOf(() => k().effectiveParams(0n, 0n)),
        'ROUND_BEFORE_PARAMS',
      )
      assert.equal(
        codeOf(() => h.tx((keeper) => keeper.applyPending(0n, 0n))),
        'ROUND_BEFORE_PARAMS',
      )
      assert.ok(h.events.some((e) => e.type === 'subnet_params_applied'))
    })

    it('before any round, the pending params govern every round', () => {
      h.send(1, MsgUpdateSubnetParams, { subnet: 0n, params: updated })
      assert.equal(h.keeper.effectiveParams(0n, 0n).sampleCap, 100)
      h.send(1, MsgUpdateSubnetParams, { subnet: 0n, params: subnetParams({ sampleCap: 50 }) })
      assert.equal(h.keeper.pendingParams(0n)!.sampleCap, 50, 'a second update replaces the first')
      assert.equal(h.tx((keeper) => keeper.applyPending(0n, 0n)).sampleCap, 50)
    })

    it('refuses anyone but the admin, an unknown subnet, and params that fail the creation checks', () => {
      assert.equal(h.fails(2, MsgUpdateSubnetParams, { subnet: 0n, params: updated }), 'NOT_ADMIN')
      assert.equal(h.fails(1, MsgUpdateSubnetParams, { subnet: 5n, params: updated }), 'UNKNOWN_SUBNET')
      assert.equal(h.fails(1, MsgUpdateSubnetParams, { subnet: 0n, params: subnetParams({ aggregationRule: 'nope' }) }), 'UNKNOWN_RULE')
      assert.equal(
        h.fails(1, MsgUpdateSubnetParams, {
          subnet: 0n,
          params: subnetParams({ timing: { submitWindow: 1, aggregateWindow: 0, gap: 1 } }),
        }),
        'INVALID_TIMING',
      )
      assert.equal(
        h.fails(1, MsgUpdateSubnetParams, { subnet: 0n, params: subnetParams({ sharing: { mode: 'subnets', subnets: [0n] } }) }),
        'INVALID_SHARING',
      )
      assert.equal(
        h.fails(1, MsgUpdateSubnetParams, { subnet: 0n, params: subnetParams({ sharing: { mode: 'subnets', subnets: [7n] } }) }),
        'UNKNOWN_SUBNET',
      )
      assert.equal(h.keeper.pendingParams(0n), undefined)
    })
  })

  describe('MsgJoinSubnet and MsgLeaveSubnet', () => {
    it('bonds through staking: the coins move to the bonds pool, the supply does not change', () => {
      const supply = h.supply()
      const pool = h.bondsPool()
      const before = h.balance(addr(3))
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 1500n))
      h.send(4, MsgJoinSubnet, join(0n, 'aggregator', 5000n))
      h.send(3, MsgJoinSubnet, join(0n, 'aggregator', 6000n)) // another role of the same subnet
      assert.equal(h.balance(addr(3)), before - 7500n)
      assert.equal(h.bondsPool(), pool + 12_500n)
      assert.equal(h.supply(), supply)
      assert.equal(bonds().bondedAmount(addr(3), 'subnet/0/trainer'), 1500n)
      assert.equal(h.keeper.bondOf(0n, 'trainer', addr(3)), 1500n)
      assert.deepEqual(
        h.keeper.members(0n, 'aggregator').map((m) => m.bond),
        Buffer.compare(Buffer.from(addr(3)), Buffer.from(addr(4))) < 0 ? [6000n, 5000n] : [5000n, 6000n],
      )
      const sorted = h.keeper.members(0n, 'aggregator').map((m) => Buffer.from(m.address).toString('hex'))
      assert.deepEqual(sorted, [...sorted].sort(), 'members come in address order')
      assert.equal(h.keeper.subnet(0n)!.aggregators, 2)
    })

    it('lets a listed address join an allow-list subnet and refuses an unlisted one (NOT_ALLOWED)', () => {
      h.send(2, MsgJoinSubnet, join(1n, 'trainer', 1000n))
      assert.equal(h.fails(3, MsgJoinSubnet, join(1n, 'trainer', 1000n)), 'NOT_ALLOWED')
      assert.equal(h.keeper.isMember(1n, 'trainer', addr(3)), false)
    })

    it('refuses a second join in the same role (ALREADY_MEMBER)', () => {
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
      assert.equal(h.fails(3, MsgJoinSubnet, join(0n, 'trainer', 1000n)), 'ALREADY_MEMBER')
      assert.equal(h.keeper.bondOf(0n, 'trainer', addr(3)), 1000n)
    })

    it("tops up a member's bond through Bonds, also after a slash took it below the minimum", () => {
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
      h.tx((k) => k.slashMember(0n, 'trainer', addr(3), dec('0.5'), h.height))
      assert.equal(h.keeper.bondOf(0n, 'trainer', addr(3)), 500n)
      const pool = h.bondsPool()
      h.send(3, MsgTopUpSubnetBond, { subnet: 0n, role: 'trainer', amount: coin(700n) })
      assert.equal(h.keeper.bondOf(0n, 'trainer', addr(3)), 1200n)
      assert.equal(bonds().bondedAmount(addr(3), 'subnet/0/trainer'), 1200n)
      assert.equal(h.bondsPool(), pool + 700n)
    })

    it('refuses a top-up by a non-member, of nothing, in another denom, unaffordable, or for an unknown subnet', () => {
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
      const topUp = (subnet: bigint, role: string, amount: bigint, denom = 'ufdr') => ({ subnet, role, amount: coin(amount, denom) })
      assert.equal(h.fails(4, MsgTopUpSubnetBond, topUp(0n, 'trainer', 10n)), 'NOT_MEMBER')
      assert.equal(h.fails(3, MsgTopUpSubnetBond, topUp(0n, 'aggregator', 10n)), 'NOT_MEMBER')
      assert.equal(h.failsValidate(MsgTopUpSubnetBond, topUp(0n, 'trainer', 0n)), 'BOND_TOO_LOW')
      assert.equal(h.failsValidate(MsgTopUpSubnetBond, topUp(0n, 'owner', 5n)), 'INVALID_ROLE')
      assert.equal(h.fails(3, MsgTopUpSubnetBond, topUp(0n, 'trainer', 10n, 'uatom')), 'BAD_DENOM')
      assert.equal(h.fails(3, MsgTopUpSubnetBond, topUp(0n, 'trainer', 10n ** 12n)), 'INSUFFICIENT_FUNDS')
      assert.equal(h.fails(3, MsgTopUpSubnetBond, topUp(6n, 'trainer', 10n)), 'UNKNOWN_SUBNET')
      assert.equal(h.keeper.bondOf(0n, 'trainer', addr(3)), 1000n)
    })

    it('refuses an unknown subnet, an unknown role, a bond below the role minimum, in another denom, or unaffordable', () => {
      assert.equal(h.fails(3, MsgJoinSubnet, join(9n, 'trainer', 1000n)), 'UNKNOWN_SUBNET')
      assert.equal(h.failsValidate(MsgJoinSubnet, join(0n, 'scorer', 1000n)), 'INVALID_ROLE')
      assert.equal(h.failsValidate(MsgJoinSubnet, join(0n, 'trainer', 0n)), 'BOND_TOO_LOW')
      assert.equal(h.fails(3, MsgJoinSubnet, join(0n, 'trainer', 999n)), 'BOND_TOO_LOW')
      assert.equal(h.fails(3, MsgJoinSubnet, join(0n, 'aggregator', 4999n)), 'BOND_TOO_LOW')
      assert.equal(h.fails(3, MsgJoinSubnet, join(0n, 'trainer', 1000n, 'uatom')), 'BAD_DENOM')
      assert.equal(h.fails(3, MsgJoinSubnet, join(0n, 'trainer', 10n ** 12n)), 'INSUFFICIENT_FUNDS')
      assert.equal(h.keeper.subnet(0n)!.trainers, 0)
    })

    it("ends the membership at once on leave; the coins return after staking's unbonding_time", () => {
      const before = h.balance(addr(3))
      const supply = h.supply()
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 2000n))
      h.endBlock()
      h.send(3, MsgLeaveSubnet, leave(0n, 'trainer'))
      assert.equal(h.keeper.isMember(0n, 'trainer', addr(3)), false)
      assert.equal(h.keeper.subnet(0n)!.trainers, 0)
      assert.equal(bonds().bondedAmount(addr(3), 'subnet/0/trainer'), 0n)
      assert.equal(bonds().unbondingAmount(addr(3), 'subnet/0/trainer'), 2000n)
      assert.equal(h.balance(addr(3)), before - 2000n)
      const left = h.events.find((e) => e.type === 'subnet_left')!
      assert.deepEqual(Object.fromEntries(left.attributes).completion_time, String(h.time + UNBONDING))
      h.endBlock(UNBONDING - 1n)
      h.assertInvariants()
      assert.equal(h.balance(addr(3)), before - 2000n, 'not matured yet')
      h.endBlock()
      h.endBlock()
      assert.equal(h.balance(addr(3)), before)
      assert.equal(bonds().unbondingAmount(addr(3), 'subnet/0/trainer'), 0n)
      assert.equal(h.supply(), supply)
    })

    it('lets a member that left rejoin while its old bond is still unbonding', () => {
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 2000n))
      h.send(3, MsgLeaveSubnet, leave(0n, 'trainer'))
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
      assert.equal(h.keeper.bondOf(0n, 'trainer', addr(3)), 1000n)
      assert.equal(bonds().unbondingAmount(addr(3), 'subnet/0/trainer'), 2000n)
    })

    it("keeps the member when staking refuses one more unbonding entry (staking's TOO_MANY_UNBONDING_ENTRIES)", async () => {
      const genesis = subnetsGenesisJson() as { app_state: { staking: { params: Record<string, string | number> } } }
      genesis.app_state.staking.params.max_entries = 1
      const tight = await Harness.open(dirs.next(), genesis)
      try {
        tight.send(1, MsgCreateSubnet, createMsg())
        tight.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
        tight.send(3, MsgLeaveSubnet, leave(0n, 'trainer'))
        tight.endBlock()
        tight.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
        assert.equal(tight.fails(3, MsgLeaveSubnet, leave(0n, 'trainer')), 'TOO_MANY_UNBONDING_ENTRIES')
        assert.equal(tight.keeper.isMember(0n, 'trainer', addr(3)), true)
        tight.assertInvariants()
      } finally {
        await tight.close()
      }
    })

    it('refuses to let a non-member leave (NOT_MEMBER), an unknown subnet or role', () => {
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 2000n))
      assert.equal(h.fails(3, MsgLeaveSubnet, leave(0n, 'aggregator')), 'NOT_MEMBER')
      assert.equal(h.fails(4, MsgLeaveSubnet, leave(0n, 'trainer')), 'NOT_MEMBER')
      assert.equal(h.fails(3, MsgLeaveSubnet, leave(4n, 'trainer')), 'UNKNOWN_SUBNET')
      assert.equal(h.failsValidate(MsgLeaveSubnet, leave(0n, 'validator')), 'INVALID_ROLE')
    })
  })

  describe('keeper: slashMember and barred aggregators', () => {
    it('burns the fraction of the bond: the supply drops by exactly the amount burned, the record follows', () => {
      h.send(4, MsgJoinSubnet, join(0n, 'aggregator', 10_000n))
      const supply = h.supply()
      const burned = h.tx((k) => k.slashMember(0n, 'aggregator', addr(4), dec('0.1'), h.height))
      assert.equal(burned, 1000n)
      assert.equal(h.supply(), supply - 1000n)
      assert.equal(h.keeper.bondOf(0n, 'aggregator', addr(4)), 9000n)
      assert.equal(bonds().bondedAmount(addr(4), 'subnet/0/aggregator'), 9000n)
      assert.ok(h.events.some((e) => e.type === 'subnet_member_slashed'))
    })

    it('reaches a member that left after the infraction through its unbonding entry', () => {
      h.send(4, MsgJoinSubnet, join(0n, 'aggregator', 10_000n))
      const infraction = h.height
      h.endBlock()
      h.send(4, MsgLeaveSubnet, leave(0n, 'aggregator'))
      const supply = h.supply()
      assert.equal(
        h.tx((k) => k.slashMember(0n, 'aggregator', addr(4), dec('0.5'), infraction)),
        5000n,
      )
      assert.equal(h.supply(), supply - 5000n)
      assert.equal(bonds().unbondingAmount(addr(4), 'subnet/0/aggregator'), 5000n)
    })

    it('refuses a fraction outside [0, 1] (INVALID_SLASH_FRACTION), an unknown subnet or role', () => {
      h.send(4, MsgJoinSubnet, join(0n, 'aggregator', 10_000n))
      assert.equal(
        codeOf(() => h.tx((k) => k.slashMember(0n, 'aggregator', addr(4), dec('1.01'), h.height))),
        'INVALID_SLASH_FRACTION',
      )
      assert.equal(
        codeOf(() => h.tx((k) => k.slashMember(3n, 'aggregator', addr(4), dec('0.1'), h.height))),
        'UNKNOWN_SUBNET',
      )
      assert.equal(
        codeOf(() => h.tx((k) => k.slashMember(0n, 'boss' as never, addr(4), dec('0.1'), h.height))),
        'INVALID_ROLE',
      )
    })

    it('bars an aggregator for one round only, and unbars it', () => {
      h.tx((k) => k.barAggregator(0n, 3n, addr(4)))
      assert.equal(h.keeper.isBarred(0n, 3n, addr(4)), true)
      assert.equal(h.keeper.isBarred(0n, 4n, addr(4)), false)
      assert.deepEqual(h.keeper.barred(0n, 3n), [addr(4)])
      h.tx((k) => k.unbarAggregator(0n, 3n, addr(4)))
      assert.equal(h.keeper.isBarred(0n, 3n, addr(4)), false)
      assert.equal(
        codeOf(() => h.tx((k) => k.barAggregator(8n, 3n, addr(4)))),
        'UNKNOWN_SUBNET',
      )
    })

    it('answers the members query, all roles or one', async () => {
      h.send(3, MsgJoinSubnet, join(0n, 'trainer', 1000n))
      h.send(4, MsgJoinSubnet, join(0n, 'aggregator', 5000n))
      await h.commit()
      const all = (h.app.query('subnets', 'members', { subnet: '0' }) as { members: { role: string; bond: string }[] }).members
      assert.deepEqual(
        all.map((m) => [m.role, m.bond]),
        [
          ['trainer', '1000'],
          ['aggregator', '5000'],
        ],
      )
      const trainers = (h.app.query('subnets', 'members', { subnet: '0', role: 'trainer' }) as { members: unknown[] }).members
      assert.equal(trainers.length, 1)
      assert.throws(() => h.app.query('subnets', 'members', { subnet: '0', role: 'x' }), { code: 'INVALID_ROLE' })
      assert.throws(() => h.app.query('subnets', 'members', { subnet: '5' }), { code: 'UNKNOWN_SUBNET' })
    })
  })
})

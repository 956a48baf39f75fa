import assert from 'node:assert/strict'
import { ed25519Verifier } from '../../../src/consensus/index.js'
import { logger } from '../../../src/log/index.js'
import { encodeStoredBlock } from '../../../src/node/block-store.js'
import { BlockSync, type SyncTransport } from '../../../src/node/block-sync.js'
import type { ChainApp } from '../../../src/node/chain-app.js'
import { NodeError } from '../../../src/node/errors.js'
import { StateError } from '../../../src/state/index.js'
import { CHAIN_ID } from '../../helpers/chain.js'
import { VALIDATORS, fourValidatorGenesis, openChain, proposeNext, tempDirs } from '../../support/chain.js'
import { powerShiftModule, shiftAt } from '../../support/modules/power-shift.js'

const KEYS = VALIDATORS.map((k) => k.publicKey.bytes)
const powerOf = (set: ReturnType<ChainApp['tip']>['validators'], index: number) =>
  set.validators.find((v) => v.address === VALIDATORS[index]!.publicKey.address)?.votingPower
const genesis = (ownsGenesisSet = false) =>
  fourValidatorGenesis({ 'power-shift': { validators: KEYS.map((k) => Buffer.from(k).toString('hex')), owns_genesis_set: ownsGenesisSet } })

/** Proposes on replica 0, processes on every replica, commits everywhere. */
async function commitNext(replicas: ChainApp[]): Promise<void> {
  const { block, commit } = proposeNext(replicas[0]!, VALIDATORS)
  for (const replica of replicas) {
    const verdict = await replica.processBlock(block)
    assert.equal(verdict.valid, true, verdict.reason)
    await replica.commitBlock(block, commit)
  }
}

describe('validator updates from end-block', () => {
  const dirs = tempDirs()
  const dir = () => dirs.next()
  after(() => dirs.removeAll())

  it('the set of H+2 follows the updates end-block returned at H, on four replicas', async () => {
    const replicas = await Promise.all([0, 1, 2, 3].map(() => openChain(dir(), genesis(), [powerShiftModule()])))
    for (let height = 1; height <= 8; height++) {
      await commitNext(replicas)
      const expected = shiftAt(KEYS, height)
      const index = KEYS.indexOf(expected.publicKey)
      for (const replica of replicas) {
        const tip = replica.tip()
        assert.equal(powerOf(tip.nextValidators, index), expected.power, `set of ${height + 2} carries the update of ${height}`)
        assert.deepEqual(replica.validatorsAt(height + 2), tip.nextValidators)
        if (height > 4) assert.notEqual(powerOf(tip.validators, index), expected.power, `set of ${height + 1} does not have it yet`)
        assert.deepEqual(tip, replicas[0]!.tip())
      }
      replicas[0]!.state.assertInvariants()
    }
    await Promise.all(replicas.map((r) => r.state.db.close()))
  })

  it('takes the genesis set from a module that returns one, and keeps it across a restart', async () => {
    const path = dir()
    const chain = await openChain(path, genesis(true), [powerShiftModule()])
    assert.deepEqual(
      chain.tip().validators.validators.map((v) => v.votingPower),
      [7n, 7n, 7n, 7n],
    )
    await chain.state.db.close()
    const reopened = await openChain(path, genesis(true), [powerShiftModule()])
    assert.deepEqual(
      reopened.tip().validators.validators.map((v) => v.votingPower),
      [7n, 7n, 7n, 7n],
    )
    await reopened.state.db.close()
  })

  it('refuses a genesis where two modules both return the validator set', async () => {
    const second = { ...powerShiftModule(), name: 'power-shift-2' }
    const json = {
      ...genesis(true),
      app_state: {
        ...(genesis(true).app_state as object),
        'power-shift-2': { validators: KEYS.map((k) => Buffer.from(k).toString('hex')), owns_genesis_set: true },
      },
    }
    await assert.rejects(
      openChain(dir(), json, [powerShiftModule(), second]),
      (e: unknown) => e instanceof StateError && e.code === 'GENESIS_INVALID' && /both return a genesis validator set/.test(e.message),
    )
  })

  it('a block whose updates consensus cannot apply is invalid, not a fatal commit', async () => {
    const stranger = new Uint8Array(32).fill(5)
    const removesStranger = powerShiftModule(() => [{ publicKey: stranger, power: 0n }])
    // The rule writes no state, so a chain without it builds a block with the same root.
    const source = await openChain(dir(), genesis(), [powerShiftModule(() => [])])
    const chain = await openChain(dir(), genesis(), [removesStranger])
    const { block } = proposeNext(source, VALIDATORS)
    const verdict = await chain.processBlock(block)
    assert.equal(verdict.valid, false)
    assert.match(verdict.reason ?? '', /unknown validator/)
    assert.throws(() => proposeNext(chain, VALIDATORS), /unknown validator/)
    await source.state.db.close()
    await chain.state.db.close()
  })

  describe('block sync verifies commits with the sets the updates produced', () => {
    // Validator 0 gets power 100 from block 1 on: from height 3 it alone holds +2/3 (100 of 130).
    const boost = powerShiftModule((validators) => [{ publicKey: validators[0]!, power: 100n }])
    const transport: SyncTransport = {
      connectedPeers: () => [],
      request: async () => new Uint8Array(),
      handle: async () => {},
      penalize: () => {},
    }

    it('accepts blocks signed by validator 0 alone once the updated set gives it +2/3', async () => {
      const source = await openChain(dir(), genesis(), [boost])
      const made = []
      for (let height = 1; height <= 5; height++) {
        const next = proposeNext(source, VALIDATORS, { signers: height >= 3 ? [VALIDATORS[0]!] : VALIDATORS })
        assert.equal((await source.processBlock(next.block)).valid, true)
        await source.commitBlock(next.block, next.commit)
        made.push(next)
      }
      assert.equal(made[4]!.commit.signatures.length, 1)
      const follower = await openChain(dir(), genesis(), [boost])
      const sync = new BlockSync(transport, follower, ed25519Verifier(CHAIN_ID), logger('test'))
      for (const { block, commit } of made) await sync.applyBlock('peer', encodeStoredBlock(block, commit))
      assert.deepEqual(follower.tip(), source.tip())
      await source.state.db.close()
      await follower.state.db.close()
    })

    it('refuses the same lone signature where the set was not updated', async () => {
      const source = await openChain(dir(), genesis(), [boost])
      const follower = await openChain(dir(), genesis(), [boost])
      const sync = new BlockSync(transport, follower, ed25519Verifier(CHAIN_ID), logger('test'))
      const first = proposeNext(source, VALIDATORS, { signers: [VALIDATORS[0]!] })
      await assert.rejects(
        sync.applyBlock('peer', encodeStoredBlock(first.block, first.commit)),
        (e: unknown) => e instanceof NodeError && /lacks \+2\/3/.test(e.message),
      )
      await source.state.db.close()
      await follower.state.db.close()
    })
  })
})

import assert from 'node:assert/strict'
import { encodeAddress } from '../../../src/crypto/index.js'
import { roundKeyPair } from '../../../src/fl/secagg/index.js'
import { TRAINING_ERRORS } from '../../../src/modules/training/index.js'
import { tempDirs } from '../../support/chain.js'
import { seededBytes } from '../../unit/fl/secagg/support.js'
import { addr, codes, eventsOf } from '../../unit/modules/training/harness.js'
import { AGGREGATOR, TRAINERS, setUpAndSubmit, subnetChain, trainerSide } from './secagg-support.js'

/**
 * A dealer whose shares are of another key than the round key it published: its holders' reveals
 * match its commitments, so the chain takes them, and only the reconstruction at the aggregate
 * finds out. The aggregate is refused (no slash: nobody claimed a wrong result) with
 * SECAGG_RECONSTRUCTION naming the dealer and the kind.
 */
const LIAR = 4
const DROPPED = [LIAR, 8]
const SURVIVORS = TRAINERS.filter((t) => !DROPPED.includes(t))
const OK: [string, number] = ['', 0]

describe('secure aggregation on chain: shares that do not rebuild the published round key', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it("a dropped dealer's revealed key shares interpolate to another key than its round key: the aggregate is refused with SECAGG_RECONSTRUCTION", async () => {
    const side = trainerSide(TRAINERS)
    const chain = await subnetChain(dirs.next(), 'secagg-fedavg', TRAINERS)
    const published = roundKeyPair(seededBytes('not the dealt key')(32)).publicKey
    const liar = { ...side, setupMsg: (t: number) => (t === LIAR ? { ...side.setupMsg(t), roundKey: published } : side.setupMsg(t)) }
    const blobs = await setUpAndSubmit(chain, liar, TRAINERS, SURVIVORS)
    const reveals = side.revealTxs(SURVIVORS, DROPPED)
    assert.deepEqual(
      codes(await chain.block(...reveals)),
      reveals.map(() => OK),
      'the shares match what the dealer committed to',
    )

    const included = SURVIVORS.map((t) => ({ trainer: t, blob: blobs.get(t)! }))
    const some = chain.put(blobs.get(SURVIVORS[0]!)!)
    const refused = await chain.block(chain.aggregate(AGGREGATOR, included, some, some))
    assert.deepEqual(codes(refused), [['training', TRAINING_ERRORS.SECAGG_RECONSTRUCTION]])
    assert.equal(
      refused.txResults[0]!.log,
      `MESSAGE_FAILED: message 0: SECAGG_RECONSTRUCTION: ${encodeAddress(addr(LIAR))}'s key shares: ` +
        `member ${side.index.get(LIAR)}'s shares interpolate to a key that is not its round key`,
    )
    assert.equal(eventsOf(refused, 'aggregate_rejected').length, 0)
    await chain.close()
  })
})

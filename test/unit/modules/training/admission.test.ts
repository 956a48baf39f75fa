import assert from 'node:assert/strict'
import { pino } from 'pino'
import { Mempool, MempoolError } from '../../../../src/node/mempool/index.js'
import { TRAINING_ERRORS } from '../../../../src/modules/training/index.js'
import { tempDirs } from '../../../support/chain.js'
import { OUTSIDER, TrainingChain, type Tx, updateBlob } from './harness.js'

const silent = pino({ level: 'silent' })

function refusal(fn: () => unknown): { code: string; codespace: unknown; moduleCode: unknown } {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof MempoolError, String(error))
    return { code: error.code, codespace: error.context.tx?.codespace, moduleCode: error.context.tx?.moduleCode }
  }
  assert.fail('admitted')
}
const notAdmitted = (code: keyof typeof TRAINING_ERRORS) => ({
  code: 'NOT_ADMITTED',
  codespace: 'training',
  moduleCode: TRAINING_ERRORS[code],
})

// MsgSubmitUpdate's admission rule keeps out of the mempool what the handler would refuse before
// reading the blob, and a re-check drops a pending update once its submit window has closed.
describe('training admission in the mempool', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('refuses a non-member and a second update, admits a trainer, and drops a pending update when the window closes', async () => {
    // Subnet 0 with trainers 2, 3, 4 at height 1; round 0 opens in block 2's begin-block and
    // takes updates at heights 2–4. Until block 2 is committed the check state has no round 0.
    const chain = await TrainingChain.withSubnet(dirs.next())
    const pool = new Mempool(chain.app, {}, { logger: silent })
    const sign = ([from, type, message]: Tx) => chain.sign(from, type, message)
    const commit = async (txs: Uint8Array[]) => {
      const executed = await chain.blockOf(txs)
      pool.update(chain.height, txs, executed.prepared.writes)
      return executed
    }

    assert.deepEqual(
      refusal(() => pool.add(sign(chain.submit(4, updateBlob([1, 2, 3, 4, 5, 6]))))),
      notAdmitted('WRONG_ROUND'),
    )
    await commit([])
    assert.deepEqual(
      refusal(() => pool.add(sign(chain.submit(OUTSIDER, updateBlob([1, 2, 3, 4, 5, 6]))))),
      notAdmitted('NOT_TRAINER'),
    )
    assert.equal(pool.size, 0)

    const first = sign(chain.submit(2, updateBlob([1, 2, 3, 4, 5, 6])))
    assert.equal(pool.add(first).code, 'added')
    const executed = await commit(pool.reap())
    assert.deepEqual(
      executed.txResults.map((r) => r.code),
      [0],
    )
    assert.deepEqual(
      refusal(() => pool.add(sign(chain.submit(2, updateBlob([6, 5, 4, 3, 2, 1]))))),
      notAdmitted('DUPLICATE_UPDATE'),
    )

    // Trainer 3's update waits in the pool (block 4 leaves it out) until the window has closed:
    // the re-check after block 4 sees height 5, outside the window, though the block wrote nothing it read.
    assert.equal(chain.height, 3)
    assert.equal(pool.add(sign(chain.submit(3, updateBlob([2, 2, 3, 4, 5, 6])))).code, 'added')
    const txs: Uint8Array[] = []
    const done = await chain.blockOf(txs)
    assert.deepEqual(
      pool.update(chain.height, txs, done.prepared.writes).dropped.map((d) => d.code),
      ['NOT_ADMITTED'],
    )
    assert.equal(pool.size, 0)
    await chain.close()
  })
})

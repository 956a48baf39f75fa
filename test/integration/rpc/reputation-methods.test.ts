import assert from 'node:assert/strict'
import { decode } from '../../../src/codec/index.js'
import { encodeAddress, fromHex } from '../../../src/crypto/index.js'
import { Receipt, receiptStateKey } from '../../../src/modules/reputation/index.js'
import { toRpcError } from '../../../src/rpc/dispatcher.js'
import { RpcError } from '../../../src/rpc/errors.js'
import { FEDRA_API, receiptPath, stateKeyOf } from '../../../src/rpc/api/index.js'
import type { RpcBackend } from '../../../src/rpc/backend.js'
import { coreMethodTable } from '../../../src/rpc/server.js'
import { resolveLimits } from '../../../src/rpc/limits.js'
import { proofFromJson } from '../../../src/rpc/shapes.js'
import { SubscriptionHub } from '../../../src/rpc/subscriptions.js'
import { verifyStateProof } from '../../../src/state/index.js'
import { tempDirs } from '../../support/chain.js'
import { silentLog } from '../../unit/rpc/support/wire.js'
import {
  HEIGHTS,
  SORTED_TRAINERS,
  type TrainingChain,
  VALIDATORS,
  addr,
  aggregatedRound,
  commitTx,
  revealTx,
  scoreList,
} from '../../unit/modules/reputation/harness.js'

const ctx = { transport: 'http' as const, session: null, signal: new AbortController().signal }
const SCORES = scoreList({ 2: 100, 3: 100, 4: 200 })

/**
 * reputation_* and contribution_* over a real chain state: the reputation module tests' chain
 * with round 0 aggregated, scored by four validators (commit, reveal) and settled. Every answer
 * passes its result schema with the latest height; contribution_getProof's proof verifies against
 * the state root for the receipt's key and fails for tampered bytes, another key or another root.
 */
describe('RPC reputation and contribution methods over a real chain state', function () {
  this.timeout(30_000)
  const dirs = tempDirs()
  let chain: TrainingChain
  let table: ReturnType<typeof coreMethodTable>
  const roots = new Map<number, Uint8Array>()

  before(async () => {
    chain = await aggregatedRound(dirs.next())
    await chain.until(HEIGHTS.commit - 1)
    await chain.block(...VALIDATORS.map((v) => commitTx(v, SCORES)))
    await chain.until(HEIGHTS.reveal - 1)
    await chain.block(...VALIDATORS.map((v) => revealTx(v, SCORES)))
    await chain.until(HEIGHTS.close)
    roots.set(chain.height, chain.app.db.rootHash)
    const backend = {
      status: () => ({ latestHeight: chain.height, earliestHeight: 1 }),
      queryApp: (module: string, name: string, params: Record<string, unknown>) => chain.app.query(module, name, params),
      queryState: (key: Uint8Array, height: number) => {
        const { value, proof } = chain.app.db.query(key, height)
        return { height, value, proof }
      },
    } as unknown as RpcBackend
    const limits = resolveLimits()
    table = coreMethodTable({
      backend,
      hub: new SubscriptionHub(backend, limits, silentLog),
      limits,
      now: Date.now,
      log: silentLog,
      info: { title: 't', version: '0' },
    })
  })
  after(async () => {
    await chain.close()
    dirs.removeAll()
  })

  async function call(name: string, raw: unknown): Promise<any> {
    const entry = table.get(name)!
    try {
      const result = await entry.handler(entry.parseParams(raw), ctx)
      return FEDRA_API[name as keyof typeof FEDRA_API].result.parse(result, 'result')
    } catch (error) {
      throw error instanceof RpcError ? error : toRpcError(error, silentLog, name)
    }
  }

  async function refused(name: string, raw: unknown, code: string, data: Record<string, unknown>): Promise<void> {
    await assert.rejects(call(name, raw), (error: unknown) => {
      assert.ok(error instanceof RpcError, String(error))
      assert.equal(error.code, code, `${name} ${JSON.stringify(raw)}: ${error.message}`)
      for (const [key, value] of Object.entries(data))
        assert.equal(error.context[key], value, `${name}: data.${key} (${JSON.stringify(error.context)})`)
      return true
    })
  }

  const trainer = () => encodeAddress(addr(SORTED_TRAINERS[2]!))

  it('every method answers within its result schema, with the latest height', async () => {
    const h = chain.height
    assert.equal((await call('reputation_params', {})).kappa, '0.5')
    const rep = await call('reputation_get', { subnet: '0', trainer: trainer() })
    assert.deepEqual([rep.height, rep.rounds, rep.last_round], [h, 1, '0'])
    assert.equal((await call('reputation_list', { subnet: '0' })).reputations.length, 3)
    assert.equal((await call('reputation_history', { subnet: '0', trainer: trainer() })).history.length, 1)
    const commitments = await call('reputation_commitments', { subnet: '0', round: '0' })
    assert.deepEqual(
      commitments.commitments.map((c: { status: string }) => c.status),
      ['revealed', 'revealed', 'revealed', 'revealed'],
    )
    assert.equal((await call('reputation_standings', { subnet: '0' })).standings.length, 4)
    const receipt = await call('contribution_receipt', { subnet: '0', round: '0', trainer: trainer() })
    assert.equal(receipt.scored, true)
    assert.notEqual(receipt.settled_height, String(h + 1))
    assert.equal((await call('contribution_receipts', { subnet: '0', round: '0' })).receipts.length, 3)
  })

  it('contribution_getProof: the receipt proven against the state root; tampered bytes, another key or root fail', async () => {
    const t = addr(SORTED_TRAINERS[2]!)
    assert.equal(
      receiptPath(0n, 0n, t),
      `reputation/${Buffer.from(receiptStateKey(0n, 0n, t))
        .toString('hex')
        .slice('reputation/'.length * 2)}`,
      "the browser-safe path names the module's key",
    )
    const answer = await call('contribution_getProof', { subnet: '0', round: '0', trainer: encodeAddress(t), height: chain.height })
    const root = roots.get(chain.height)!
    const key = stateKeyOf(answer.path)
    assert.deepEqual(key, receiptStateKey(0n, 0n, t))
    const value = fromHex(answer.value)
    const proof = proofFromJson(answer.proof)
    assert.equal(verifyStateProof(root, key, value, proof), true)
    const receipt = decode(Receipt, value)
    assert.equal(receipt.consensusScore.toString(), answer.receipt.consensus_score)
    assert.equal(answer.receipt.trainer, encodeAddress(t))
    // Planted tampering: one byte of the receipt, another trainer's key, another root.
    const tampered = value.slice()
    tampered[tampered.length - 1]! ^= 1
    assert.equal(verifyStateProof(root, key, tampered, proof), false)
    assert.equal(verifyStateProof(root, receiptStateKey(0n, 0n, addr(SORTED_TRAINERS[0]!)), value, proof), false)
    const wrongRoot = root.slice()
    wrongRoot[0]! ^= 1
    assert.equal(verifyStateProof(wrongRoot, key, value, proof), false)
    // A trainer without a receipt: value null, and the proof proves the absence.
    const none = await call('contribution_getProof', { subnet: '0', round: '0', trainer: encodeAddress(addr(7)) })
    assert.equal(none.value, null)
    assert.equal(none.receipt, null)
    assert.equal(verifyStateProof(root, stateKeyOf(none.path), null, proofFromJson(none.proof)), true)
  })

  it('refusals: malformed params are INVALID_PARAMS, a height out of range HEIGHT_UNAVAILABLE, module refusals QUERY_FAILED', async () => {
    await refused('reputation_get', { subnet: '0' }, 'INVALID_PARAMS', { field: 'params.trainer', reason: 'required' })
    await refused('reputation_get', { subnet: 'x', trainer: trainer() }, 'INVALID_PARAMS', { field: 'params.subnet' })
    await refused('contribution_getProof', { subnet: '0', round: '0', trainer: 'fedra1nope' }, 'INVALID_PARAMS', {
      field: 'params.trainer',
    })
    await refused(
      'contribution_getProof',
      { subnet: '0', round: '0', trainer: trainer(), height: chain.height + 5 },
      'HEIGHT_UNAVAILABLE',
      {},
    )
    await refused('contribution_receipt', { subnet: '0', round: '5', trainer: trainer() }, 'QUERY_FAILED', {
      codespace: 'reputation',
      code: 'UNKNOWN_RECEIPT',
    })
    await refused('reputation_commitments', { subnet: '0', round: '9' }, 'QUERY_FAILED', { codespace: 'reputation', code: 'UNKNOWN_ROUND' })
  })
})

import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import { registerRoleCommands } from '../../../src/cli/commands/roles.js'
import { CliError } from '../../../src/cli/errors.js'
import { type FedraClient, messages } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { PrivateKey, addressBytesOf, encodeAddress, toHex } from '../../../src/crypto/index.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import type { Logger } from '../../../src/log/index.js'
import {
  MsgCommitScores,
  type MsgCommitScoresValue,
  MsgRevealScores,
  type MsgRevealScoresValue,
  scoreCommitment,
} from '../../../src/modules/reputation/index.js'
import { blobCid, modelOf, recompute } from '../../../src/modules/training/index.js'
import { Tx } from '../../../src/state/index.js'
import { RoleError } from '../../../src/roles/errors.js'
import { Scorer, type ScorerRoundReport, ScorerStateFile } from '../../../src/roles/scorer.js'
import { quantizeScore } from '../../../src/roles/scoring.js'
import { tempDir } from '../../helpers/chain.js'

const N = 4
const SCALE = 100
const trainer = (n: number) => encodeAddress(new Uint8Array(20).fill(n))
const TRAINERS = [trainer(1), trainer(2), trainer(3)]
// Two updates pull every parameter towards 1, the third pushes it away.
const UPDATES = [Int32Array.of(50, 50, 50, 50), Int32Array.of(40, 60, 40, 60), Int32Array.of(-50, -50, -50, -50)]
const PARENT = encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: new Int32Array(N) })
const utility = (p: Float32Array) => -p.reduce((s, v) => s + (v - 1) ** 2, 0)

/**
 * A chain of one round for one scorer, kept in memory: the round's score window is heights
 * [20, 30) (commits 20..24, reveals 25..29), its version includes three updates, and the
 * transactions the scorer sends are decoded and applied as the reputation module would.
 */
class FakeChain {
  height = 10
  readonly blobs = new Map<string, Uint8Array>()
  readonly commitments: {
    validator: string
    commitment: string
    status: string
    committed_height: string
    revealed_height: string | null
    scores: number[]
  }[] = []
  readonly sent: { kind: 'commit' | 'reveal'; height: number; value: unknown }[] = []
  readonly globalCid: string

  readonly rule: string

  /**
   * `secagg`: the round is securely aggregated and its accepted model is `secagg`; the masked
   * updates are not in the store at all, so a scorer that fetched one would fail.
   */
  constructor(options: { secagg?: Int32Array } = {}) {
    this.rule = options.secagg === undefined ? 'fedavg' : 'secagg-fedavg'
    if (options.secagg !== undefined) {
      const model = encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values: options.secagg })
      this.blobs.set(blobCid(PARENT), PARENT)
      this.blobs.set(blobCid(model), model)
      this.globalCid = blobCid(model)
      return
    }
    const updateBlobs = UPDATES.map((values) => encodeUpdateBlob({ dtype: 'int16', shape: [N], scale: SCALE, values }))
    for (const b of [PARENT, ...updateBlobs]) this.blobs.set(blobCid(b), b)
    const format = { dtype: 'int16', scale: SCALE, maxAbs: 1000, parameterCount: N }
    this.globalCid = recompute(getAggregationRule('fedavg'), UPDATES, [10, 10, 10], modelOf(PARENT, N, ''), format).modelCid
  }

  client(): FedraClient {
    const updateCids = UPDATES.map((values) => blobCid(encodeUpdateBlob({ dtype: 'int16', shape: [N], scale: SCALE, values })))
    const answers: Record<string, () => unknown> = {
      round_get: () => ({
        height: String(this.height),
        round: '3',
        phase: this.height + 1 < 20 ? 'aggregate' : this.height + 1 < 30 ? 'score' : 'closed',
        closed: this.height + 1 >= 30,
        version: '4',
        rule: this.rule,
        base_global_cid: blobCid(PARENT),
        quantization: { dtype: 'int16', scale: SCALE, max_abs: 1000 },
      }),
      reputation_commitments: () => ({
        height: String(this.height),
        commit_start_height: '20',
        reveal_start_height: '25',
        reveal_end_height: '30',
        commitments: this.commitments,
      }),
      model_version: () => ({
        version: '4',
        round: '3',
        parent: '3',
        global_cid: this.globalCid,
        rule: this.rule,
        recorded_height: '15',
        included: TRAINERS.map((t, i) => ({ trainer: t, update_cid: updateCids[i], sample_count: 10 })),
      }),
      subnet_get: () => ({ parameter_count: String(N) }),
    }
    const fake = {
      call: async (method: string) => answers[method]!(),
      block: async () => ({ blockId: 'cd'.repeat(32) }),
      status: async () => ({ nodeInfo: { network: 'fedra-test' } }),
      account: async () => ({ nonce: String(this.sent.length) }),
      broadcastTx: async (tx: Uint8Array) => this.#apply(tx),
    }
    return fake as unknown as FedraClient
  }

  #apply(tx: Uint8Array) {
    const decoded = decode(Tx, tx)
    const signer = encodeAddress(addressBytesOf(decoded.body.signer))
    const bytes = decoded.body.messages[0]!
    const landed = this.height + 1
    try {
      const m = decode(MsgCommitScores, bytes)
      this.sent.push({ kind: 'commit', height: landed, value: m })
      this.commitments.push({
        validator: signer,
        commitment: toHex(m.commitment),
        status: 'committed',
        committed_height: String(landed),
        revealed_height: null,
        scores: [],
      })
    } catch {
      const m = decode(MsgRevealScores, bytes)
      this.sent.push({ kind: 'reveal', height: landed, value: m })
      const c = this.commitments.find((x) => x.validator === signer)!
      Object.assign(c, { status: 'revealed', revealed_height: String(landed), scores: m.scores.map((s) => s.score) })
    }
    return { height: landed, result: { code: 0, codespace: '', log: '', events: [] } }
  }
}

function quietLog(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const log = {
    warnings,
    info: () => {},
    debug: () => {},
    error: () => {},
    warn: (_: unknown, message?: string) => warnings.push(message ?? String(_)),
  }
  return log as unknown as Logger & { warnings: string[] }
}

describe('roles/scorer: commit, then reveal what was committed', () => {
  const dir = tempDir('fedra-scorer-')
  after(() => dir.remove())
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(7))
  const scorer = (chain: FakeChain, stateDir: string, onRound?: (r: ScorerRoundReport) => void) =>
    new Scorer({
      client: chain.client(),
      nodeUrl: 'http://127.0.0.1:1',
      key,
      subnet: 0n,
      method: 'loo',
      validation: { features: new Float32Array(0), labels: new Uint8Array(0), count: 0, featureSize: 784, classes: 10 },
      stateDir,
      log: quietLog(),
      blobs: { get: async (cid: string) => chain.blobs.get(cid)! },
      utility,
      ...(onRound === undefined ? {} : { onRound }),
    })

  it('scores once the version exists, commits in the commit half and reveals what the commitment hashes', async () => {
    const chain = new FakeChain()
    const reports: ScorerRoundReport[] = []
    const s = scorer(chain, join(dir.path, 'a'), (r) => reports.push(r))
    await s.step() // aggregate window: scores, sends nothing
    assert.equal(chain.sent.length, 0)
    chain.height = 19
    await s.step()
    await s.step() // already committed: nothing more until the reveal half
    assert.deepEqual(
      chain.sent.map((t) => [t.kind, t.height]),
      [['commit', 20]],
    )
    chain.height = 24
    await s.step()
    assert.deepEqual(
      chain.sent.map((t) => [t.kind, t.height]),
      [
        ['commit', 20],
        ['reveal', 25],
      ],
    )
    const commit = chain.sent[0]!.value as MsgCommitScoresValue
    const reveal = chain.sent[1]!.value as MsgRevealScoresValue
    const expected = scoreCommitment({
      validator: key.publicKey.addressBytes,
      subnet: 0n,
      round: 3n,
      salt: reveal.salt,
      scores: reveal.scores,
    })
    assert.deepEqual(commit.commitment, expected)
    assert.deepEqual(
      reveal.scores.map((x) => encodeAddress(x.trainer)),
      TRAINERS,
    )
    const [a, b, c] = reveal.scores.map((x) => x.score)
    assert.ok(a! > 0 && b! > 0 && c === 0, `scores ${a} ${b} ${c}`)
    assert.equal(reports.length, 1)
    assert.equal(reports[0]!.committedHeight, 20)
    assert.equal(reports[0]!.revealedHeight, 25)
    await s.step() // revealed: the round is done
    assert.equal(chain.sent.length, 2)
  })

  it('scores a secure-aggregation round as a group: one score for all (the model against its parent), no masked update fetched', async () => {
    const reveals = async (model: Int32Array, at: string) => {
      const chain = new FakeChain({ secagg: model })
      const s = scorer(chain, join(dir.path, at))
      chain.height = 19
      await s.step()
      chain.height = 24
      await s.step()
      assert.deepEqual(
        chain.sent.map((t) => t.kind),
        ['commit', 'reveal'],
      )
      return (chain.sent[1]!.value as MsgRevealScoresValue).scores.map((x) => x.score)
    }
    // towards 1 (the utility's optimum): a gain, credited to all alike
    const gain = utility(Float32Array.of(0.3, 0.3, 0.3, 0.3)) - utility(new Float32Array(N))
    assert.deepEqual(
      await reveals(Int32Array.of(30, 30, 30, 30), 'secagg-good'),
      TRAINERS.map(() => quantizeScore(gain)),
    )
    assert.ok(gain > 0 && quantizeScore(gain) > 0)
    // far away from it: a harmful aggregate, blamed on all alike
    assert.deepEqual(await reveals(Int32Array.of(-90, -90, -90, -90), 'secagg-bad'), [0, 0, 0])
  })

  it('keeps salt and scores in a 0600 state file, so a restarted scorer still reveals', async () => {
    const chain = new FakeChain()
    const stateDir = join(dir.path, 'b')
    chain.height = 20
    await scorer(chain, stateDir).step()
    assert.deepEqual(
      chain.sent.map((t) => t.kind),
      ['commit'],
    )
    const file = join(stateDir, `scorer-0-${key.publicKey.address}.json`)
    assert.ok(existsSync(file))
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { rounds: Record<string, { commitment: string }> }
    assert.equal(saved.rounds['3']!.commitment, chain.commitments[0]!.commitment)
    chain.height = 26
    await scorer(chain, stateDir).step() // a fresh process: nothing in memory
    assert.deepEqual(
      chain.sent.map((t) => t.kind),
      ['commit', 'reveal'],
    )
    assert.equal(chain.commitments[0]!.status, 'revealed')
    const reveal = chain.sent[1]!.value as MsgRevealScoresValue
    assert.deepEqual(
      scoreCommitment({ validator: key.publicKey.addressBytes, subnet: 0n, round: 3n, salt: reveal.salt, scores: reveal.scores }),
      (chain.sent[0]!.value as { commitment: Uint8Array }).commitment,
    )
  })

  it('reuses the scores and salt saved before a restart in the commit half', async () => {
    const chain = new FakeChain()
    const stateDir = join(dir.path, 'c')
    await scorer(chain, stateDir).step() // scored in the aggregate window, then the process dies
    const saved = readFileSync(join(stateDir, `scorer-0-${key.publicKey.address}.json`), 'utf8')
    chain.height = 21
    await scorer(chain, stateDir).step()
    assert.equal(
      chain.commitments[0]!.commitment,
      (JSON.parse(saved) as { rounds: Record<string, { commitment: string }> }).rounds['3']!.commitment,
    )
  })

  it('sends no reveal when the salt is lost, and nothing once the window passed', async () => {
    const chain = new FakeChain()
    chain.height = 20
    await scorer(chain, join(dir.path, 'd')).step()
    chain.height = 26
    await scorer(chain, join(dir.path, 'elsewhere')).step()
    assert.deepEqual(
      chain.sent.map((t) => t.kind),
      ['commit'],
    )
    const late = new FakeChain()
    late.height = 25 // the commit half is over: too late to commit
    await scorer(late, join(dir.path, 'e')).step()
    assert.equal(late.sent.length, 0)
  })
})

describe('roles/scorer: the state file', () => {
  const dir = tempDir('fedra-scorer-state-')
  after(() => dir.remove())

  it('keeps rounds until a later one is done, and refuses a file that is not JSON', () => {
    const path = join(dir.path, 's.json')
    const file = new ScorerStateFile(path)
    const secret = {
      version: '4',
      method: 'loo' as const,
      salt: '00'.repeat(32),
      commitment: '11'.repeat(32),
      scores: [],
      seconds: 0.1,
      evaluations: 3,
    }
    file.set('3', secret)
    file.set('4', { ...secret, version: '5' })
    file.prune(4n)
    const again = new ScorerStateFile(path)
    assert.equal(again.get('3'), undefined)
    assert.equal(again.get('4')!.version, '5')
    writeFileSync(path, '{ nope')
    assert.throws(
      () => new ScorerStateFile(path).get('4'),
      (e: unknown) => e instanceof RoleError && e.code === 'BAD_OPTION' && /is not JSON/.test(e.message),
    )
  })
})

describe('fedra scorer: usage errors (exit 2) before any key is opened', () => {
  const run = async (args: string[]): Promise<unknown> => {
    const program = new Command('fedra').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
    registerRoleCommands(program)
    try {
      await program.parseAsync([
        'node',
        'fedra',
        'scorer',
        '--key',
        'operator0',
        '--subnet',
        '0',
        '--node',
        'http://127.0.0.1:1',
        '--home',
        '/nonexistent',
        ...args,
      ])
    } catch (error) {
      return error
    }
    return undefined
  }
  const usage = async (args: string[], message: RegExp) => {
    const error = await run(args)
    assert.ok(error instanceof CliError, String(error))
    assert.equal(error.code, 'USAGE')
    assert.match(error.message, message)
  }

  it('refuses an unknown method, a budget out of range and a validation set it cannot read', async () => {
    await usage(['--method', 'banzhaf'], /--method is loo, marginal or shapley, got "banzhaf"/)
    await usage(['--method', 'shapley', '--budget', '1'], /--budget must be an integer in 2\.\.1000000/)
    await usage(['--budget', 'many'], /--budget must be an integer/)
    await usage(['--validation', 'mnist:test'], /--validation "mnist:test": expected mnist:last:N or a CSV file/)
    await usage(['--validation', './nowhere.csv'], /cannot read .\/nowhere.csv/)
  })

  it('refuses a subnet that is not an id', async () => {
    const error = await run(['--subnet', 'one'])
    assert.ok(error instanceof CliError && error.code === 'USAGE' && /--subnet must be a subnet id/.test(error.message), String(error))
  })
})

describe('client: the reputation messages a scorer sends', () => {
  it('encodes a commitment and a reveal, trainers in ascending order only', () => {
    const commit = decode(MsgCommitScores, messages.reputationCommitScores({ subnet: 1, round: '3', commitment: 'ab'.repeat(32) }))
    assert.equal(toHex(commit.commitment), 'ab'.repeat(32))
    const reveal = decode(
      MsgRevealScores,
      messages.reputationRevealScores({
        subnet: 1n,
        round: 3n,
        salt: new Uint8Array(32).fill(1),
        scores: [
          { trainer: TRAINERS[0]!, score: 5 },
          { trainer: TRAINERS[1]!, score: 0 },
        ],
      }),
    )
    assert.deepEqual(
      reveal.scores.map((s) => s.score),
      [5, 0],
    )
    assert.throws(
      () =>
        messages.reputationRevealScores({
          subnet: 1,
          round: 3,
          salt: 'cd'.repeat(32),
          scores: [
            { trainer: TRAINERS[1]!, score: 1 },
            { trainer: TRAINERS[0]!, score: 1 },
          ],
        }),
      /ascending address order/,
    )
    assert.throws(
      () => messages.reputationRevealScores({ subnet: 1, round: 3, salt: 'cd'.repeat(32), scores: [{ trainer: TRAINERS[0]!, score: -1 }] }),
      /0\.\.4294967295/,
    )
    assert.throws(() => messages.reputationCommitScores({ subnet: 1, round: 3, commitment: 'ab' }), /32 bytes/)
  })
})

import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type FedraClient, type PrivateKey, type Result, buildTx, messages } from '../client/index.js'
import { decodeAddress, encodeAddress, toHex } from '../crypto/index.js'
import type { Dataset } from '../fl/data/dataset.js'
import type { TrainableNetwork } from '../fl/model/network.js'
import { subnetNetwork } from './subnet-network.js'
import { parseModelSpec } from '../fl/model/spec.js'
import { ensureTfBackend } from '../fl/model/tf.js'
import { getAggregationRule } from '../fl/rules/registry.js'
import type { Logger } from '../log/index.js'
import { type RoundFormat, SECAGG_RULE, checkUpdate, modelOf, recompute } from '../modules/training/index.js'
import { scoreCommitment } from '../modules/reputation/commitment.js'
import { RoleError } from './errors.js'
import { Follower } from './follower.js'
import type { RoleMetrics } from './metrics.js'
import { NodeBlobs } from './node-blobs.js'
import { type ScoredRound, type ScoringMethod, type Utility, scoreGroup, scoreRound, seedFromBlockHash } from './scoring.js'
import { validationUtility } from './validation-set.js'

export interface ScorerOptions {
  client: FedraClient
  nodeUrl: string
  /** The operator account of a bonded validator (`operator<i>` in the devnet). */
  key: PrivateKey
  subnet: bigint
  method: ScoringMethod
  /** shapley: most model evaluations per round. */
  budget?: number
  validation: Dataset
  /** Where salts and scores wait between commit and reveal (the CLI: <home>/scorer-state/). */
  stateDir: string
  log: Logger
  metrics?: RoleMetrics
  /** Salts (default crypto.randomBytes: off chain, nothing to reproduce). */
  salt?: () => Uint8Array
  /** The blob store (default the node's HTTP routes); tests substitute one. */
  blobs?: Pick<NodeBlobs, 'get'>
  /** The validation utility of a model (default minus its loss on `validation`); tests substitute one. */
  utility?: Utility
  onRound?: (report: ScorerRoundReport) => void
}

export interface ScorerRoundReport {
  round: bigint
  updates: number
  method: ScoringMethod
  scores: { trainer: string; score: number }[]
  seconds: number
  committedHeight: number
  revealedHeight: number
}

/** What a reveal needs, kept from the commit: in memory and in the state file. */
export interface ScoreSecret {
  version: string
  method: ScoringMethod
  salt: string
  commitment: string
  scores: { trainer: string; score: number }[]
  seconds: number
  evaluations: number
}

type Round = Result<'round_get'>
type Commitments = Result<'reputation_commitments'>

/**
 * `fedra scorer`: a validator's scoring of its subnet's rounds. Once a round's aggregate is
 * accepted it evaluates every included update on its validation set (scoring.ts, once per
 * round); in the commit half of the score window it commits scoreCommitment(validator, subnet,
 * round, salt, scores), with a fresh random salt, after saving salt and scores to its state file;
 * in the reveal half it reveals them. What it already did is read from reputation_commitments
 * at every step, so a restart resumes: a round committed before the restart is revealed from the
 * state file, one already revealed is left alone.
 */
export class Scorer {
  readonly #o: ScorerOptions
  readonly #blobs: Pick<NodeBlobs, 'get'>
  readonly #follower: Follower
  readonly #validator: Uint8Array
  readonly #address: string
  readonly #valoper: string
  readonly #state: ScorerStateFile
  /** Rounds finished (revealed, or given up); chain state decides, this only saves calls. */
  readonly #done = new Set<string>()
  #network: (TrainableNetwork & { dispose(): void }) | null = null
  #utility: Utility | null
  #parameterCount = 0

  constructor(options: ScorerOptions) {
    this.#o = options
    this.#blobs = options.blobs ?? NodeBlobs.opening(options.nodeUrl, options.client, options.key)
    this.#validator = options.key.publicKey.addressBytes
    this.#address = options.key.publicKey.address
    this.#valoper = encodeAddress(this.#validator, 'fedravaloper')
    this.#state = new ScorerStateFile(join(options.stateDir, `scorer-${options.subnet}-${this.#address}.json`))
    this.#utility = options.utility ?? null
    this.#follower = new Follower({ client: options.client, log: options.log, step: () => this.step() })
  }

  get address(): string {
    return this.#address
  }

  async start(): Promise<void> {
    await ensureTfBackend()
    this.#o.log.info(
      {
        validator: this.#valoper,
        subnet: String(this.#o.subnet),
        method: this.#o.method,
        budget: this.#o.budget ?? null,
        validation: this.#o.validation.count,
        state: this.#state.path,
      },
      `scorer started (${this.#o.method})`,
    )
    await this.#follower.start()
  }

  async stop(): Promise<void> {
    await this.#follower.stop()
    this.#network?.dispose()
    this.#network = null
  }

  /** One step (the Follower runs it after every block): reads the current round and what this validator did, and acts. */
  async step(): Promise<void> {
    const { client, subnet } = this.#o
    const round = await client.call('round_get', { subnet: String(subnet) })
    if (round.version === null || round.closed || this.#done.has(round.round)) return
    const windows = await client.call('reputation_commitments', { subnet: String(subnet), round: round.round })
    const next = BigInt(windows.height) + 1n // where a transaction sent now lands at the earliest
    const commitStart = BigInt(windows.commit_start_height)
    const revealStart = BigInt(windows.reveal_start_height)
    const revealEnd = BigInt(windows.reveal_end_height)
    // Commitments name the validator by its operator account (fedra1…), as reputation stores it.
    const mine = windows.commitments.find((c) => c.validator === this.#address)
    if (revealStart - commitStart < 1n) return this.#giveUp(round, 'the score window has no commit half (training score_window < 2)')
    if (mine !== undefined && mine.status !== 'committed') return this.#finish(round.round) // revealed (or judged) already
    if (next >= revealEnd) return this.#giveUp(round, mine === undefined ? 'the score window passed' : 'the reveal half passed')
    if (mine === undefined) {
      if (next >= revealStart) return this.#giveUp(round, 'the commit half passed before scores were ready')
      const secret = this.#state.get(round.round) ?? (await this.#score(round))
      if (next < commitStart) return // scored early (the aggregate window); commits open at commitStart
      await this.#commit(round, secret)
      return
    }
    if (next < revealStart) return
    await this.#reveal(round, mine)
  }

  #finish(round: string): void {
    this.#done.add(round)
    this.#state.prune(BigInt(round))
  }

  #giveUp(round: Round, why: string): void {
    this.#o.log.warn({ round: round.round }, `round ${round.round} not scored: ${why}`)
    this.#finish(round.round)
  }

  /** Scores the round's version and keeps a fresh salt with the scores (nothing sent yet). */
  async #score(round: Round): Promise<ScoreSecret> {
    const { client, subnet, method } = this.#o
    const started = performance.now()
    const version = await client.call('model_version', { subnet: String(subnet), version: round.version! })
    if (this.#parameterCount === 0 || this.#utility === null) await this.#ensureModel()
    const n = this.#parameterCount
    const format: RoundFormat = {
      dtype: round.quantization.dtype,
      scale: round.quantization.scale,
      maxAbs: round.quantization.max_abs,
      parameterCount: n,
    }
    if (round.rule === SECAGG_RULE) return this.#scoreGroup(round, version, started)
    const [baseBytes, ...updateBytes] = await Promise.all([
      this.#blobs.get(round.base_global_cid),
      ...version.included.map((u) => this.#blobs.get(u.update_cid)),
    ])
    const scored: ScoredRound = {
      rule: getAggregationRule(version.rule),
      parent: modelOf(baseBytes!, n, round.base_global_cid),
      updates: updateBytes.map((bytes) => checkUpdate(bytes!, format).values),
      weights: version.included.map((u) => u.sample_count),
      roundScale: format.scale,
    }
    // The chain's own recompute must give the version's model: else these scores judge another aggregate.
    const check = recompute(scored.rule, scored.updates, scored.weights, scored.parent, format)
    if (check.modelCid !== version.global_cid)
      this.#o.log.warn(
        { round: round.round, expected: version.global_cid, got: check.modelCid },
        "the recomputed aggregate is not the version's model; scoring it anyway",
      )
    const seed = method === 'shapley' ? seedFromBlockHash((await client.block(Number(version.recorded_height))).blockId) : 0
    const result = scoreRound(scored, this.#utility!, { method, seed, ...(this.#o.budget === undefined ? {} : { budget: this.#o.budget }) })
    const scores = version.included.map((u, i) => ({ trainer: u.trainer, score: result.scores[i]! }))
    return this.#keep(round, scores, started, result.evaluations)
  }

  /**
   * A secure-aggregation round: its included updates are masked (uniform residues), so the
   * round is scored as a group (scoring.ts scoreGroup): the accepted model against its parent,
   * one score for every trainer. Each then earns in proportion to its sample count.
   */
  async #scoreGroup(round: Round, version: Result<'model_version'>, started: number): Promise<ScoreSecret> {
    const n = this.#parameterCount
    const [baseBytes, nextBytes] = await Promise.all([this.#blobs.get(round.base_global_cid), this.#blobs.get(version.global_cid)])
    const group = scoreGroup(modelOf(baseBytes!, n, round.base_global_cid), modelOf(nextBytes!, n, version.global_cid), this.#utility!)
    this.#o.log.debug({ round: round.round, gain: group.gain, score: group.score }, 'secure-aggregation round scored as a group')
    const scores = version.included.map((u) => ({ trainer: u.trainer, score: group.score }))
    return this.#keep(round, scores, started, 2)
  }

  /** Draws the salt, commits to the scores and saves both before anything is sent. */
  #keep(round: Round, scores: ScoreSecret['scores'], started: number, evaluations: number): ScoreSecret {
    const salt = this.#o.salt?.() ?? new Uint8Array(randomBytes(32))
    const commitment = scoreCommitment({
      validator: this.#validator,
      subnet: this.#o.subnet,
      round: BigInt(round.round),
      salt,
      scores: scores.map((s) => ({ trainer: decodeAddress(s.trainer), score: s.score })),
    })
    const secret: ScoreSecret = {
      version: round.version!,
      method: this.#o.method,
      salt: toHex(salt),
      commitment: toHex(commitment),
      scores,
      seconds: (performance.now() - started) / 1000,
      evaluations,
    }
    this.#o.metrics?.seconds.observe(secret.seconds)
    this.#state.set(round.round, secret)
    return secret
  }

  async #ensureModel(): Promise<void> {
    const subnet = await this.#o.client.call('subnet_get', { id: String(this.#o.subnet) })
    this.#parameterCount = Number(subnet.parameter_count)
    if (this.#utility === null) {
      this.#network = await subnetNetwork(parseModelSpec(subnet.model_spec), this.#o.client, this.#blobs)
      this.#utility = validationUtility(this.#network, this.#o.validation)
    }
  }

  async #commit(round: Round, secret: ScoreSecret): Promise<void> {
    const msg = messages.reputationCommitScores({ subnet: this.#o.subnet, round: round.round, commitment: secret.commitment })
    const answer = await this.#send(round, msg, 'commit')
    if (answer !== null) this.#o.log.debug({ round: round.round, height: answer }, 'scores committed')
  }

  async #reveal(round: Round, mine: Commitments['commitments'][number]): Promise<void> {
    const secret = this.#state.get(round.round)
    if (secret === undefined) return this.#giveUp(round, 'committed, but the salt and scores are lost (state file gone?)')
    if (secret.commitment !== mine.commitment)
      return this.#giveUp(
        round,
        `the state file's commitment ${secret.commitment.slice(0, 12)}… is not the one on chain ${mine.commitment.slice(0, 12)}…`,
      )
    const msg = messages.reputationRevealScores({ subnet: this.#o.subnet, round: round.round, salt: secret.salt, scores: secret.scores })
    const height = await this.#send(round, msg, 'reveal')
    if (height === null) return
    this.#finish(round.round)
    this.#o.metrics?.submitted.inc()
    const top = secret.scores.reduce<{ trainer: string; score: number } | null>(
      (best, s) => (best === null || s.score > best.score ? s : best),
      null,
    )
    const topText = top === null ? '' : ` · top ${top.trainer.slice(0, 8)}… ${(top.score / 1e6).toFixed(4)}`
    this.#o.log.info(
      `round ${round.round} · scored ${secret.scores.length} updates (${secret.method}) in ${secret.seconds.toFixed(1)} s · committed at ${mine.committed_height} · revealed at ${height}${topText}`,
    )
    this.#o.onRound?.({
      round: BigInt(round.round),
      updates: secret.scores.length,
      method: secret.method,
      scores: secret.scores,
      seconds: secret.seconds,
      committedHeight: Number(mine.committed_height),
      revealedHeight: height,
    })
  }

  /** Signs and sends one message; the height it landed at, or null (refused: a reputation refusal ends the round, anything else retries next block). */
  async #send(round: Round, msg: Uint8Array, what: 'commit' | 'reveal'): Promise<number | null> {
    const { client, key, log } = this.#o
    const tx = await buildTx(client, key, [msg], { fee: 200n, gasLimit: 500_000n })
    const answer = await client.broadcastTx(tx, 'commit', 30_000)
    this.#o.metrics?.round.set(Number(round.round))
    if (answer.result === undefined || answer.result.code !== 0) {
      const code = answer.result === undefined ? 'not committed' : `${answer.result.codespace}/${answer.result.code}`
      this.#o.metrics?.refused.inc({ code })
      log.warn({ round: round.round, code, log: answer.result?.log }, `${what} refused`)
      if (answer.result !== undefined && answer.result.codespace === 'reputation') this.#finish(round.round)
      return null
    }
    return answer.height ?? 0
  }
}

/**
 * The scorer's state file: per round, the salt and scores it committed to, so that a restart
 * between commit and reveal can still reveal. Written before the commit is sent (a commit that
 * lands while the daemon dies must stay revealable), atomically (write, then rename), mode 0600
 * (a salt is a secret until its reveal). Rounds older than the last revealed one are dropped.
 */
export class ScorerStateFile {
  readonly path: string
  #rounds: Record<string, ScoreSecret> | null = null

  constructor(path: string) {
    this.path = path
  }

  get(round: string): ScoreSecret | undefined {
    return this.#load()[round]
  }

  set(round: string, secret: ScoreSecret): void {
    this.#load()[round] = secret
    this.#save()
  }

  /** Forgets rounds before `round` (kept: the round itself, until the next is done). */
  prune(round: bigint): void {
    const rounds = this.#load()
    const stale = Object.keys(rounds).filter((r) => BigInt(r) < round)
    if (stale.length === 0) return
    for (const r of stale) delete rounds[r]
    this.#save()
  }

  #load(): Record<string, ScoreSecret> {
    if (this.#rounds !== null) return this.#rounds
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { rounds?: Record<string, ScoreSecret> }
      this.#rounds = parsed.rounds ?? {}
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new RoleError(
          'BAD_OPTION',
          `the scorer's state file ${this.path} is not JSON (${error.message}); move it away to start afresh`,
          { option: 'state-dir', value: this.path },
        )
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      this.#rounds = {}
    }
    return this.#rounds
  }

  #save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 })
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, `${JSON.stringify({ rounds: this.#rounds }, null, 2)}\n`, { mode: 0o600 })
    renameSync(tmp, this.path)
  }
}

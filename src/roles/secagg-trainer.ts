import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type FedraClient, type PrivateKey, type Result, messages } from '../client/index.js'
import { fromHex, toHex } from '../crypto/index.js'
import { SecAggError } from '../fl/secagg/errors.js'
import { roundKeyPair } from '../fl/secagg/keys.js'
import { maskUpdate } from '../fl/secagg/mask.js'
import { selfSeedCommitment } from '../fl/secagg/self-seed.js'
import { dealRoundKey, openShare } from '../fl/secagg/shares.js'
import { encodeUpdateBlob } from '../fl/update/blob.js'
import { x25519OfEd25519, x25519SecretOfEd25519Seed } from '../fl/x25519.js'
import type { Logger } from '../log/index.js'
import { TRAINING_ERRORS } from '../modules/training/index.js'
import { RoleError } from './errors.js'
import type { RoleMetrics } from './metrics.js'
import { SecAggKeyStore } from './secagg-key-store.js'
import { type ChainRefusal, sendTx } from './secagg-refusal.js'
import { type SecAggRoundView, readSecAggRound } from './secagg-round.js'

type Round = Result<'round_get'>

/** What the trainer does next in a secagg round: submit its masked update now, wait a block, or sit the round out. */
export type SecAggGate = { kind: 'update' } | { kind: 'wait' } | { kind: 'sit-out'; reason: RoleError }

export interface SecAggTrainerOptions {
  client: FedraClient
  key: PrivateKey
  subnet: bigint
  log: Logger
  metrics?: RoleMetrics
  /** Where round keys wait (0600 files) so a restart within the round can still mask; default: memory only. */
  stateDir?: string
  /** The round keys', self-mask seeds' and shares' randomness (default node:crypto's CSPRNG); tests pass a seeded source. */
  randomBytes?: (n: number) => Uint8Array
  /**
   * TEST/DIAGNOSTIC ONLY, DEFEATS THE PRIVACY: writes each round's plaintext quantized update to this
   * folder (round-R.blob, round-R.json) so an end-to-end test can recompute plain FedAvg. Refused
   * unless the environment has FEDRA_TEST_DUMP=1.
   */
  dumpPlain?: string
  env?: Record<string, string | undefined>
}

const WAIT: SecAggGate = { kind: 'wait' }
const UPDATE: SecAggGate = { kind: 'update' }
const SETUP_GAS = 2_000_000n
const REVEAL_GAS = 2_000_000n

/**
 * A trainer's part of secure aggregation (docs/privacy.md, SecAgg+ on chain), run from the
 * trainer's step in a `secagg-fedavg` round:
 *
 *   setup phase  [open, setupEnd)       a fresh X25519 round key and a fresh self-mask seed, shares
 *                                       of both dealt to the graph neighbours (sealed to their
 *                                       account keys), MsgSecAggSetup with the seed's commitment
 *   update phase [setupEnd, submitEnd)  `mask` turns the plain quantized update into w·x + self
 *                                       mask + pairwise masks with the neighbours that set up;
 *                                       the trainer submits it
 *   aggregate window                    one MsgSecAggReveal: the self share of every surviving
 *                                       dealer it holds, the key share of every dropped one
 *
 * A round it cannot take part in (not on the roster, the setup phase missed, its key lost, a setup
 * refused) it sits out: the gate says why with a RoleError, logged once.
 */
export class SecAggTrainer {
  readonly #o: SecAggTrainerOptions
  readonly #address: string
  readonly #keys: SecAggKeyStore
  readonly #random: (n: number) => Uint8Array
  /** The long-term X25519 secret shares are sealed to: the account's ed25519 key on Curve25519. */
  readonly #encryptionSecret: Uint8Array
  readonly #views = new Map<string, SecAggRoundView>()
  readonly #satOut = new Map<string, RoleError>()
  readonly #revealDone = new Set<string>()

  constructor(options: SecAggTrainerOptions) {
    if (options.dumpPlain !== undefined && (options.env ?? process.env).FEDRA_TEST_DUMP !== '1')
      throw new RoleError(
        'BAD_OPTION',
        '--dump-plain writes plaintext updates (it defeats secure aggregation): tests only, with FEDRA_TEST_DUMP=1',
        {
          option: 'dump-plain',
          value: options.dumpPlain.slice(0, 80),
        },
      )
    this.#o = options
    this.#address = options.key.publicKey.address
    this.#keys = new SecAggKeyStore(options.key.publicKey.address, options.stateDir)
    this.#random = options.randomBytes ?? ((n) => new Uint8Array(cryptoRandomBytes(n)))
    this.#encryptionSecret = x25519SecretOfEd25519Seed(options.key.exportSeed())
  }

  /** One step in a secagg round (every block): sets up, says when to submit, reveals for dropped neighbours. */
  async step(round: Round): Promise<SecAggGate> {
    const { subnet } = this.#o
    const number = BigInt(round.round)
    if (round.phase !== 'submit') {
      // The submit window has passed: the round key and seed are no longer needed, and must not outlive it.
      this.#keys.forgetExcept(subnet, null)
      if (round.phase === 'aggregate' && round.version === null) await this.#reveal(round)
      return WAIT
    }
    this.#keys.forgetExcept(subnet, number)
    const sat = this.#satOut.get(round.round)
    if (sat !== undefined) return { kind: 'sit-out', reason: sat }
    const view = await readSecAggRound(this.#o.client, subnet, round)
    const next = Number(round.height) + 1
    const at = { subnet: String(subnet), round: round.round }
    const self = view.members.indexOf(this.#address)
    if (self < 0)
      return this.#sitOut(
        round,
        new RoleError(
          'SECAGG_NOT_IN_ROSTER',
          `round ${round.round}'s roster (${view.members.length} trainers) does not list ${this.#address}`,
          at,
        ),
      )
    const entry = view.entries[self]
    const secrets = this.#keys.get(subnet, number)
    if (entry !== undefined && entry.round_key !== null) {
      if (
        secrets === undefined ||
        toHex(secrets.roundKey.publicKey) !== entry.round_key ||
        toHex(selfSeedCommitment(view.roundId, self, secrets.selfSeed)) !== entry.self_commitment
      )
        return this.#sitOut(
          round,
          new RoleError(
            'SECAGG_KEY_LOST',
            `this trainer's setup for round ${round.round} is on chain but its round key or self-mask seed is not in its store`,
            at,
          ),
        )
      if (next < view.setupEnd) return WAIT
      this.#views.set(round.round, view)
      return UPDATE
    }
    if (next >= view.setupEnd)
      return this.#sitOut(
        round,
        new RoleError(
          'SECAGG_SETUP_MISSED',
          `round ${round.round} took setups until height ${view.setupEnd - 1}; this trainer set up for none`,
          at,
        ),
      )
    return this.#setup(round, view, self)
  }

  #sitOut(round: Round, reason: RoleError): SecAggGate {
    this.#satOut.set(round.round, reason)
    this.#o.log.warn(
      { round: round.round, code: reason.code, ...reason.context },
      `secure aggregation: ${reason.plainMessage}; sitting round ${round.round} out`,
    )
    return { kind: 'sit-out', reason }
  }

  async #setup(round: Round, view: SecAggRoundView, self: number): Promise<SecAggGate> {
    const { client, key, subnet, log } = this.#o
    const number = BigInt(round.round)
    const holders = view.graph.neighbours(self)
    // One call at a time: every role of a devnet shares one client address, and the node caps its connections.
    const accounts: Awaited<ReturnType<FedraClient['account']>>[] = []
    for (const j of holders) accounts.push(await client.account(view.members[j]!))
    const keys = accounts.map((a) => (a.publicKey === null ? null : x25519OfEd25519(fromHex(a.publicKey))))
    const missing = holders.find((_, p) => keys[p] === null)
    if (missing !== undefined)
      return this.#sitOut(
        round,
        new RoleError(
          'SECAGG_NO_HOLDER_KEY',
          `graph neighbour ${view.members[missing]} has no public key on chain; no share can be sealed to it`,
          {
            subnet: String(subnet),
            round: round.round,
            value: view.members[missing]!,
          },
        ),
      )
    const holderKeys = new Map(holders.map((j, p) => [j, keys[p]!]))
    // Stored before it is sent: a restart after the setup lands must still hold the key and seed it published.
    const secrets = this.#keys.get(subnet, number) ?? { roundKey: roundKeyPair(this.#random(32)), selfSeed: this.#random(32) }
    this.#keys.put(subnet, number, secrets)
    const dealt = dealRoundKey({
      roundId: view.roundId,
      dealer: self,
      roundKey: secrets.roundKey,
      selfSeed: secrets.selfSeed,
      graph: view.graph,
      holderKey: (j) => holderKeys.get(j)!,
      randomBytes: this.#random,
    })
    const msg = messages.trainingSecAggSetup({
      subnet,
      round: number,
      roundKey: secrets.roundKey.publicKey,
      selfCommitment: selfSeedCommitment(view.roundId, self, secrets.selfSeed),
      shares: dealt.map((d) => ({
        holder: view.members[d.holder]!,
        ciphertext: d.ciphertext,
        commitment: d.commitment,
        selfCommitment: d.selfCommitment,
      })),
    })
    const refusal = await sendTx(client, key, [msg], SETUP_GAS)
    if (refusal === null) {
      log.info(
        { round: round.round, member: self, holders: holders.length, threshold: view.graph.threshold },
        `secure aggregation: set up for round ${round.round} (member ${self} of ${view.members.length}, ${holders.length} shares dealt)`,
      )
      return WAIT
    }
    this.#o.metrics?.refused.inc({ code: `${refusal.codespace}/${refusal.code}` })
    // Another trainer's setup fixed a roster other than the one predicted: deal again from the chain's.
    if (refusal.codespace === 'training' && refusal.code === TRAINING_ERRORS.SECAGG_BAD_SETUP && view.predicted) {
      log.warn(
        { round: round.round, log: refusal.log },
        'secure aggregation: setup dealt for a roster the chain did not fix; dealing again',
      )
      return WAIT
    }
    if (refusal.codespace !== 'training' || refusal.code === TRAINING_ERRORS.SECAGG_DUPLICATE_SETUP) {
      log.warn(
        { round: round.round, code: `${refusal.codespace}/${refusal.code}`, log: refusal.log },
        'secure aggregation: setup not committed; trying again',
      )
      return WAIT
    }
    return this.#sitOut(round, refusedError(refusal, subnet, round.round, 'setup'))
  }

  /**
   * The masked update y = w·x + mask(b) + Σ ±mask(s_ij) over the graph neighbours that set up. The same
   * round masks once, even across a restart (the vector waits beside the key): a retry sends the
   * very same vector, since two different vectors under one set of masks would give their
   * difference away (and a DP round's retrained update differs by its fresh noise).
   */
  mask(round: Round, plain: Int32Array, weight: number, scale: number): Int32Array {
    const known = this.#keys.getMasked(this.#o.subnet, BigInt(round.round))
    if (known !== undefined) return known
    const view = this.#views.get(round.round)
    const secrets = this.#keys.get(this.#o.subnet, BigInt(round.round))
    if (view === undefined || secrets === undefined)
      throw new RoleError('SECAGG_KEY_LOST', `no setup of round ${round.round} to mask with`, {
        subnet: String(this.#o.subnet),
        round: round.round,
      })
    const self = view.members.indexOf(this.#address)
    const peers = view.graph
      .neighbours(self)
      .filter((j) => view.entries[j]?.round_key != null)
      .map((j) => ({ index: j, publicKey: fromHex(view.entries[j]!.round_key!) }))
    if (this.#o.dumpPlain !== undefined) this.#dump(round, plain, weight, scale)
    const masked = maskUpdate({
      roundId: view.roundId,
      graph: view.graph,
      self,
      secretKey: secrets.roundKey.secretKey,
      selfSeed: secrets.selfSeed,
      values: plain,
      weight,
      peers,
    })
    this.#keys.putMasked(this.#o.subnet, BigInt(round.round), masked)
    return masked
  }

  #dump(round: Round, plain: Int32Array, weight: number, scale: number): void {
    const dir = this.#o.dumpPlain!
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `round-${round.round}.blob`), encodeUpdateBlob({ dtype: 'int32', shape: [plain.length], scale, values: plain }))
    writeFileSync(join(dir, `round-${round.round}.json`), JSON.stringify({ trainer: this.#address, round: round.round, weight }))
  }

  /**
   * In the aggregate window, in one MsgSecAggReveal: for every dealer it holds shares of, the self
   * share if the dealer survived (its update is recorded), the key share if it dropped — never
   * both, by the chain's final statuses; shares already on chain are left out.
   */
  async #reveal(round: Round): Promise<void> {
    if (this.#revealDone.has(round.round)) return
    const { client, key, subnet, log } = this.#o
    const number = BigInt(round.round)
    const view = await readSecAggRound(client, subnet, round)
    const me = view.members.indexOf(this.#address)
    if (view.predicted || me < 0) {
      this.#revealDone.add(round.round)
      return
    }
    // The chain calls a member dropped from the first block after the submit window: wait for it.
    if (view.entries.some((e) => e.status === 'pending')) return
    const reveals: { dealer: string; kind: 'key' | 'self'; share: Uint8Array }[] = []
    for (const [dealer, entry] of view.entries.entries()) {
      const dealt = entry.shares.find((s) => s.holder === this.#address)
      const kind = entry.status === 'dropped' ? 'key' : entry.status === 'survivor' ? 'self' : null
      if (kind === null || entry.round_key === null || dealt === undefined) continue
      if (entry.reveals.some((r) => r.holder === this.#address && r.kind === kind)) continue
      try {
        const opened = openShare({
          roundId: view.roundId,
          dealer,
          holder: me,
          dealerPublicKey: fromHex(entry.round_key),
          holderSecretKey: this.#encryptionSecret,
          dealt: {
            holder: me,
            ciphertext: fromHex(dealt.ciphertext),
            commitment: fromHex(dealt.commitment),
            selfCommitment: fromHex(dealt.self_commitment),
          },
        })
        reveals.push({ dealer: entry.trainer, kind, share: kind === 'key' ? opened.keyShare : opened.selfShare })
      } catch (error) {
        if (!(error instanceof SecAggError)) throw error
        // A dealer whose share does not open is caught by the others' shares (its secret will not interpolate).
        log.warn({ round: round.round, dealer: entry.trainer, code: error.code }, `secure aggregation: ${error.plainMessage}`)
      }
    }
    if (reveals.length === 0) {
      this.#revealDone.add(round.round)
      return
    }
    const refusal = await sendTx(client, key, [messages.trainingSecAggReveal({ subnet, round: number, reveals })], REVEAL_GAS)
    if (refusal !== null && refusal.codespace !== 'training') {
      log.warn(
        { round: round.round, code: `${refusal.codespace}/${refusal.code}`, log: refusal.log },
        'secure aggregation: reveal not committed; trying again',
      )
      return
    }
    this.#revealDone.add(round.round)
    if (refusal === null) {
      log.info(
        { round: round.round, dealers: reveals.map((r) => `${r.dealer}:${r.kind}`) },
        `secure aggregation: revealed ${reveals.filter((r) => r.kind === 'self').length} self shares of survivors and ${reveals.filter((r) => r.kind === 'key').length} key shares of dropped trainers in round ${round.round}`,
      )
      return
    }
    this.#o.metrics?.refused.inc({ code: `${refusal.codespace}/${refusal.code}` })
    const reason = refusedError(refusal, subnet, round.round, 'reveal')
    log.warn({ round: round.round, code: reason.code, ...reason.context }, `secure aggregation: ${reason.plainMessage}`)
  }
}

function refusedError(refusal: ChainRefusal, subnet: bigint, round: string, what: 'setup' | 'reveal'): RoleError {
  return new RoleError('SECAGG_REFUSED', `the chain refused the ${what} (${refusal.codespace}/${refusal.code}): ${refusal.log}`, {
    subnet: String(subnet),
    round,
    code: `${refusal.codespace}/${refusal.code}`,
  })
}

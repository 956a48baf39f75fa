import type { Command } from 'commander'
import { join } from 'node:path'
import { FedraClient } from '../../client/index.js'
import { Keyring } from '../../crypto/keyring.js'
import { parseAttackSpec } from '../../fl/sim/attacks.js'
import { logger } from '../../log/index.js'
import { RoleError } from '../../roles/errors.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { readPassphrase } from '../passphrase.js'
import { type NodeOptions, withNode } from './node-option.js'

interface RoleOptions extends NodeOptions {
  key: string
  subnet: string
  passphraseFile?: string
  metricsListen?: string
}

const integer = (text: string, name: string, min: number, max = 2 ** 31 - 1): number => {
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new CliError('USAGE', `--${name} must be an integer in ${min}..${max}, got "${text.slice(0, 20)}"`, {})
  return Number(text)
}
const positive = (text: string, name: string): number => {
  const v = Number(text)
  if (text === '' || !Number.isFinite(v) || v <= 0)
    throw new CliError('USAGE', `--${name} must be a positive number, got "${text.slice(0, 20)}"`, {})
  return v
}

/** A role's own refusal of what the user typed (a --data, --attack or --validation spec) as a usage error (exit 2). */
function roleUsage<T>(f: () => T): T {
  try {
    return f()
  } catch (error) {
    if (error instanceof RoleError) throw new CliError('USAGE', error.plainMessage, {})
    throw error
  }
}

const withRole = (cmd: Command): Command =>
  withNode(cmd)
    .requiredOption('--key <name>', 'keyring key that signs (a member of the subnet in this role)')
    .requiredOption('--subnet <id>', 'the subnet to work for')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase (or env FEDRA_PASSPHRASE)')
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics at /metrics there')

/**
 * Runs a role until SIGINT/SIGTERM: everything the user typed is checked first (USAGE, exit 2),
 * then the key is opened, the role started and left to follow the chain; a signal stops it
 * cleanly (its subscription closed, its metrics server closed), exit 0. A role with nothing more
 * to do for its subnet (a trainer whose subnet's DP budget is spent: `finished`) stops the same
 * way, exit 0, after its log said why, so a supervisor that restarts failures does not loop.
 */
async function runRole(
  options: RoleOptions,
  make: (ctx: {
    client: FedraClient
    nodeUrl: string
    key: ReturnType<Keyring['open']>
    subnet: bigint
    log: ReturnType<typeof logger>
    metrics: import('../../roles/metrics.js').RoleMetrics
  }) => Promise<{ start(): Promise<void>; stop(): Promise<void>; finished?: Promise<unknown> }>,
  role: 'trainer' | 'aggregator' | 'scorer',
): Promise<void> {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(options.subnet))
    throw new CliError('USAGE', `--subnet must be a subnet id (a decimal integer), got "${options.subnet.slice(0, 20)}"`, {})
  const nodeUrl = resolveNodeUrl(options)
  const key = new Keyring(options.home).open(options.key, readPassphrase(options))
  const client = new FedraClient({ url: nodeUrl, timeoutMs: 60_000, reconnect: { initialDelayMs: 250, maxDelayMs: 5000 } })
  const log = logger(role)
  const { RoleMetrics } = await import('../../roles/metrics.js')
  const metrics = new RoleMetrics(role)
  if (options.metricsListen !== undefined) {
    const port = await metrics.listen(options.metricsListen)
    log.info({ port }, 'metrics at /metrics')
  }
  const worker = await make({ client, nodeUrl, key, subnet: BigInt(options.subnet), log, metrics })
  await worker.start()
  await new Promise<void>((resolve) => {
    let stopping = false
    const stop = () => {
      if (stopping) return
      stopping = true
      void worker
        .stop()
        .then(() => metrics.close())
        .then(resolve)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    void worker.finished?.then(stop)
  })
}

/** `fedra trainer`, `fedra aggregator` and `fedra scorer`: the daemons of a training subnet (src/roles/). */
export function registerRoleCommands(program: Command): void {
  withRole(program.command('trainer'))
    .description("train a subnet's rounds on private data and submit the updates (the data never leaves this process)")
    .requiredOption('--data <spec>', 'the private data: mnist:iid:P/OF, dirichlet:ALPHA:P/OF, shards:K:P/OF (parts 0-based) or ./file.csv')
    .option('--rows <n>', 'MNIST: use only the first N training digits before partitioning (short runs)')
    .option('--seed <n>', 'partition and training seed (every trainer of a subnet uses the same for disjoint parts)', '1')
    .option('--epochs <n>', 'local epochs per round', '1')
    .option('--batch <n>', 'minibatch size', '32')
    .option('--lr <rate>', 'learning rate', '0.1')
    .option('--attack <kind>', 'experiments only: signflip[:F], scaled[:F], gaussian[:S], labelflip, freeride (zero update), copy, replay')
    .option('--worker', 'train in a worker thread (the chain follower stays responsive while a round trains)')
    .option(
      '--declare <datanet@version>',
      "with every update, declare the accepted record of that Datanet version whose content is this trainer's data (its SHA-256; the data is not sent)",
    )
    .option(
      '--secagg-state <dir>',
      'secure aggregation: where round keys wait (0600) within a round, across a restart (default: <home>/secagg-state)',
    )
    .option(
      '--dump-plain <dir>',
      "TESTS ONLY, defeats secure aggregation: write each round's plaintext quantized update there (needs FEDRA_TEST_DUMP=1)",
    )
    .action(
      async (
        options: RoleOptions & {
          data: string
          rows?: string
          seed: string
          epochs: string
          batch: string
          lr: string
          attack?: string
          declare?: string
          worker?: boolean
          secaggState?: string
          dumpPlain?: string
        },
      ) => {
        const { parseDataSpec, loadTrainerData } = await import('../../roles/data-spec.js')
        const { parseDeclareSpec } = await import('../../roles/data-declaration.js')
        const declare = options.declare === undefined ? undefined : roleUsage(() => parseDeclareSpec(options.declare!))
        const { Trainer, trainerAttack } = await import('../../roles/trainer.js')
        const spec = roleUsage(() => parseDataSpec(options.data))
        const seed = integer(options.seed, 'seed', 0)
        const training = {
          epochs: integer(options.epochs, 'epochs', 1, 1000),
          batchSize: integer(options.batch, 'batch', 1, 65536),
          learningRate: positive(options.lr, 'lr'),
        }
        const attack = roleUsage(() => trainerAttack(options.attack, parseAttackSpec))
        const rows = options.rows === undefined ? undefined : integer(options.rows, 'rows', 1)
        const data = roleUsage(() => loadTrainerData(spec, { seed, ...(rows === undefined ? {} : { rows }) }))
        await runRole(
          options,
          async (ctx) =>
            new Trainer({
              ...ctx,
              data,
              seed,
              training,
              ...(attack === undefined ? {} : { attack }),
              ...(declare === undefined ? {} : { declare }),
              ...(options.worker === true ? { worker: true } : {}),
              secagg: {
                stateDir: options.secaggState ?? join(options.home, 'secagg-state'),
                ...(options.dumpPlain === undefined ? {} : { dumpPlain: options.dumpPlain }),
              },
            }),
          'trainer',
        )
      },
    )

  withRole(program.command('aggregator'))
    .description("aggregate a subnet's rounds with its rule, exactly as the chain recomputes them, and submit the result")
    .option(
      '--backend <mode>',
      "fast (typed arrays, the chain's own path) or a gpu.js mode: webgpu, webasm, cpu (checked against fast)",
      'fast',
    )
    .option('--wait-blocks <n>', 'blocks to wait into the aggregate window before submitting', '0')
    .option('--tamper <when>', 'experiments only: submit a wrong aggregate in the first round (first) or every round (always)')
    .action(async (options: RoleOptions & { backend: string; waitBlocks: string; tamper?: string }) => {
      const { Aggregator } = await import('../../roles/aggregator.js')
      if (!['fast', 'webgpu', 'webasm', 'cpu'].includes(options.backend))
        throw new CliError('USAGE', `--backend is fast, webgpu, webasm or cpu, got "${options.backend.slice(0, 20)}"`, {})
      if (options.tamper !== undefined && options.tamper !== 'first' && options.tamper !== 'always')
        throw new CliError('USAGE', '--tamper is first or always', {})
      const waitBlocks = integer(options.waitBlocks, 'wait-blocks', 0, 100_000)
      const backend = options.backend as 'fast'
      const tamper = options.tamper as 'first' | 'always' | undefined
      await runRole(
        options,
        async (ctx) => new Aggregator({ ...ctx, backend, waitBlocks, ...(tamper === undefined ? {} : { tamper }) }),
        'aggregator',
      )
    })

  withRole(program.command('scorer'))
    .description(
      "score every update of a subnet's rounds on a validation set, commit the scores, then reveal them (a bonded validator's operator key)",
    )
    .option('--method <name>', 'loo (leave-one-out), marginal (the update alone on the parent) or shapley (GTG-Shapley Monte Carlo)', 'loo')
    .option('--budget <n>', 'shapley: most model evaluations per round', '100')
    .option(
      '--validation <spec>',
      'the validation set: mnist:last:N (the last N training digits; trainers keep --rows ≤ 8000 − N) or ./file.csv',
      'mnist:last:1000',
    )
    .option('--state-dir <dir>', 'where salts and scores wait between commit and reveal (default: <home>/scorer-state)')
    .action(async (options: RoleOptions & { method: string; budget: string; validation: string; stateDir?: string }) => {
      const { isScoringMethod } = await import('../../roles/scoring.js')
      const { parseValidationSpec, loadValidationSet } = await import('../../roles/validation-set.js')
      const { Scorer } = await import('../../roles/scorer.js')
      const { join } = await import('node:path')
      const method = options.method
      if (!isScoringMethod(method)) throw new CliError('USAGE', `--method is loo, marginal or shapley, got "${method.slice(0, 20)}"`, {})
      const budget = integer(options.budget, 'budget', 2, 1_000_000)
      const spec = roleUsage(() => parseValidationSpec(options.validation))
      const validation = roleUsage(() => loadValidationSet(spec))
      const stateDir = options.stateDir ?? join(options.home, 'scorer-state')
      await runRole(options, async (ctx) => new Scorer({ ...ctx, method, budget, validation, stateDir }), 'scorer')
    })
}

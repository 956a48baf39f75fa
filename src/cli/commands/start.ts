import type { Command } from 'commander'
import { CONFIG_LEAVES, envName, loadNodeConfig } from '../../node/config.js'

/**
 * `fedra start --home DIR`: runs a node until SIGINT/SIGTERM, then stops it cleanly (consensus
 * first, then the last commit is awaited, then p2p, then the store). A second signal exits at
 * once. Every config setting has a flag named after its path, e.g. `--p2p.listen`. At a scheduled
 * software upgrade the binary lacks (`--upgrade NAME`), the node halts before executing that
 * height and exits with UPGRADE_HALT_EXIT_CODE (3), and refuses to start there again without it.
 */
export function registerStart(program: Command, defaultHome: string): void {
  const command = program
    .command('start')
    .description('run a node (validator if its key is in the validator set, full node otherwise)')
    .option('--home <dir>', 'node home directory', defaultHome)
    .option(
      '--upgrade <name>',
      'a software upgrade this binary applies (repeatable): the node runs through its height instead of halting there',
      (name: string, all: string[]) => [...all, name],
      [] as string[],
    )
  for (const leaf of CONFIG_LEAVES) command.option(`--${leaf.path} <value>`, `overrides ${leaf.path} (env ${envName(leaf.path)})`)
  command.action(async (options: Record<string, string> & { upgrade: string[] }) => {
    const flags = Object.fromEntries(
      CONFIG_LEAVES.flatMap((leaf) => (options[leaf.path] === undefined ? [] : [[leaf.path, options[leaf.path]]])),
    )
    const config = loadNodeConfig(options.home!, flags)
    // The root logger reads these when it is first created, which is below.
    process.env.FEDRA_LOG_LEVEL = config.logLevel
    if (config.logFormat !== 'auto') process.env.FEDRA_LOG_FORMAT = config.logFormat
    const { FedraNode } = await import('../../node/node.js')
    const { UPGRADE_HALT_EXIT_CODE } = await import('../../node/upgrade.js')
    const { NodeError } = await import('../../node/errors.js')
    // A halt for a software upgrade exits with its own status, so a supervisor can swap the binary and restart it with --upgrade NAME.
    const exitCodeOf = (error: unknown) => (error instanceof NodeError && error.code === 'UPGRADE_NEEDED' ? UPGRADE_HALT_EXIT_CODE : 1)
    const node = await FedraNode.open(options.home!, config)
    node.chain.setUpgrades(options.upgrade)
    let stopping: Promise<void> | null = null
    const stop = (signal: string): void => {
      if (stopping !== null) {
        process.stderr.write(`${signal} again: exiting without a clean stop\n`)
        process.exit(130)
      }
      stopping = node.stop().then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`stop failed: ${String(error)}\n`)
          process.exit(1)
        },
      )
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
    node.onFatal((error) => {
      process.stderr.write(`fatal: the node cannot go on and is stopping: ${error instanceof Error ? error.message : String(error)}\n`)
      // A stop that hangs must not keep a node that cannot commit alive.
      setTimeout(() => process.exit(exitCodeOf(error)), 10_000).unref()
      void node.stop().finally(() => process.exit(exitCodeOf(error)))
    })
    try {
      await node.start()
    } catch (error) {
      // Whatever started (p2p, a listener) must not keep the process alive after the refusal.
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
      await node.stop().catch(() => undefined)
      process.exit(exitCodeOf(error))
    }
    const status = node.status()
    // One machine-readable line on stdout so scripts learn the ports a node took (port 0 allowed).
    process.stdout.write(
      `${JSON.stringify({ event: 'started', peerId: status.peerId, p2p: status.listen.p2p, metrics: status.listen.metrics, rpc: status.listen.rpc, height: status.height })}\n`,
    )
    await new Promise(() => {}) // runs until a signal
  })
}

// A node of the auth + bank chain only, for `npm run bench -- consensus --modules core`: the same
// `fedra start` (config, keys, store, p2p, consensus, RPC) with no staking, distribution, slashing,
// subnets or training in its blocks, so the bench can show what those modules cost per block.
// Run as `node --import tsx bench/harness-core-node.ts --home HOME`; SIGTERM stops it cleanly.
import '../src/p2p/polyfill.js'
import { FEE_COLLECTOR, authModule, bankModule } from '../src/modules/index.js'
import { loadNodeConfig } from '../src/node/config.js'
import { ModuleRegistry } from '../src/state/index.js'

export const coreChainRegistry = (): ModuleRegistry =>
  new ModuleRegistry([authModule, bankModule], { moduleAccounts: { [FEE_COLLECTOR]: { owner: 'bank' } } })

if (process.argv.includes('--home')) {
  const home = process.argv[process.argv.indexOf('--home') + 1]!
  const config = loadNodeConfig(home, {})
  process.env.FEDRA_LOG_LEVEL = config.logLevel
  if (config.logFormat !== 'auto') process.env.FEDRA_LOG_FORMAT = config.logFormat
  const { FedraNode } = await import('../src/node/node.js')
  const { logger } = await import('../src/log/index.js')
  const node = await FedraNode.open(home, config, logger('node'), coreChainRegistry())
  const stop = () =>
    void node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  await node.start()
  await new Promise(() => {})
}

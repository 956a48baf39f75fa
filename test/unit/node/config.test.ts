import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_CONFIG, envName, loadNodeConfig } from '../../../src/node/config.js'
import { NodeError } from '../../../src/node/errors.js'
import { tempDir } from '../../helpers/chain.js'

describe('node config: file, then environment, then flags', () => {
  const dir = tempDir()
  after(() => dir.remove())
  const write = (value: unknown) => {
    mkdirSync(join(dir.path, 'config'), { recursive: true })
    writeFileSync(join(dir.path, 'config', 'config.json'), typeof value === 'string' ? value : JSON.stringify(value))
  }
  const rejects = (fn: () => unknown, field: string) =>
    assert.throws(fn, (error: unknown) => error instanceof NodeError && error.code === 'CONFIG_INVALID' && error.context.field === field)

  it('fills missing keys with defaults', () => {
    write({ moniker: 'n1' })
    const config = loadNodeConfig(dir.path, {}, {})
    assert.equal(config.moniker, 'n1')
    assert.deepEqual(config.consensus, DEFAULT_CONFIG.consensus)
  })

  it('environment overrides the file and flags override both', () => {
    write({ p2p: { listen: '/ip4/127.0.0.1/tcp/1' }, consensus: { commitDelayMs: 5 } })
    const env = {
      [envName('p2p.listen')]: '/ip4/127.0.0.1/tcp/2',
      [envName('consensus.commitDelayMs')]: '7',
      [envName('p2p.bootstrap')]: '/a,/b',
    }
    assert.equal(envName('consensus.commitDelayMs'), 'FEDRA_CONSENSUS_COMMIT_DELAY_MS')
    const fromEnv = loadNodeConfig(dir.path, {}, env)
    assert.equal(fromEnv.p2p.listen, '/ip4/127.0.0.1/tcp/2')
    assert.equal(fromEnv.consensus.commitDelayMs, 7)
    assert.deepEqual(fromEnv.p2p.bootstrap, ['/a', '/b'])
    assert.equal(loadNodeConfig(dir.path, { 'p2p.listen': '/ip4/127.0.0.1/tcp/3' }, env).p2p.listen, '/ip4/127.0.0.1/tcp/3')
  })

  it('rejects unknown keys, wrong types and out-of-range values, naming the field', () => {
    write({ p2p: { lisen: 'x' } })
    rejects(() => loadNodeConfig(dir.path, {}, {}), 'p2p.lisen')
    write({ consensus: { commitDelayMs: -1 } })
    rejects(() => loadNodeConfig(dir.path, {}, {}), 'consensus.commitDelayMs')
    write({})
    rejects(() => loadNodeConfig(dir.path, {}, { FEDRA_LOG_LEVEL: 'loud' }), 'logLevel')
    rejects(() => loadNodeConfig(dir.path, { 'mempool.maxTxs': '1.5' }, {}), 'mempool.maxTxs')
    write('{ not json')
    assert.throws(
      () => loadNodeConfig(dir.path, {}, {}),
      (e: unknown) => e instanceof NodeError && e.code === 'CONFIG_INVALID',
    )
  })

  it('sets every RPC limit from the file, environment or a flag, and refuses a bad one', () => {
    write({ rpc: { limits: { maxBatchSize: 7 } } })
    const env = { [envName('rpc.limits.ratePerSecond')]: '50' }
    assert.equal(envName('rpc.limits.ratePerSecond'), 'FEDRA_RPC_LIMITS_RATE_PER_SECOND')
    const config = loadNodeConfig(dir.path, { 'rpc.limits.maxConnections': '3' }, env)
    assert.deepEqual(config.rpc.limits, { ...DEFAULT_CONFIG.rpc.limits, maxBatchSize: 7, ratePerSecond: 50, maxConnections: 3 })
    rejects(() => loadNodeConfig(dir.path, { 'rpc.limits.maxBodyBytes': '0' }, {}), 'rpc.limits.maxBodyBytes')
    write({ rpc: { limits: { maxBatch: 7 } } })
    rejects(() => loadNodeConfig(dir.path, {}, {}), 'rpc.limits.maxBatch')
  })

  it('has the per-address and replay limits under rpc.limits, with their defaults, settable like the others', () => {
    write({ rpc: { limits: { maxSubscriptionsPerIp: 9 } } })
    assert.equal(envName('rpc.limits.maxConnectionsPerIp'), 'FEDRA_RPC_LIMITS_MAX_CONNECTIONS_PER_IP')
    const config = loadNodeConfig(dir.path, { 'rpc.limits.replayBacklogBlocks': '100' }, { FEDRA_RPC_LIMITS_MAX_CONNECTIONS_PER_IP: '8' })
    assert.deepEqual(
      [
        config.rpc.limits.maxConnectionsPerIp,
        config.rpc.limits.maxSubscriptionsPerIp,
        config.rpc.limits.replayBacklogBlocks,
        config.rpc.limits.replayBlocksPerSecond,
        config.rpc.limits.replayBytesPerSecond,
        config.rpc.limits.replayChunkBlocks,
      ],
      [8, 9, 100, 1000, 4 * 1024 * 1024, 8],
    )
    rejects(() => loadNodeConfig(dir.path, { 'rpc.limits.replayChunkBlocks': '0' }, {}), 'rpc.limits.replayChunkBlocks')
  })

  it('reads txIndex.enabled as a boolean from the file, environment or a flag', () => {
    write({ txIndex: { enabled: false } })
    assert.equal(loadNodeConfig(dir.path, {}, {}).txIndex.enabled, false)
    assert.equal(loadNodeConfig(dir.path, {}, { FEDRA_TX_INDEX_ENABLED: 'true' }).txIndex.enabled, true)
    assert.equal(loadNodeConfig(dir.path, { 'txIndex.enabled': 'false' }, { FEDRA_TX_INDEX_ENABLED: 'true' }).txIndex.enabled, false)
    rejects(() => loadNodeConfig(dir.path, { 'txIndex.enabled': 'yes' }, {}), 'txIndex.enabled')
    write({ txIndex: { enabled: 'no' } })
    rejects(() => loadNodeConfig(dir.path, {}, {}), 'txIndex.enabled')
  })

  it('reads state.keepRecent (how many recent heights stay queryable), 100 by default, refusing 0', () => {
    write({})
    assert.equal(loadNodeConfig(dir.path, {}, {}).state.keepRecent, 100)
    write({ state: { keepRecent: 500 } })
    assert.equal(loadNodeConfig(dir.path, {}, {}).state.keepRecent, 500)
    assert.equal(loadNodeConfig(dir.path, {}, { FEDRA_STATE_KEEP_RECENT: '2000' }).state.keepRecent, 2000)
    rejects(() => loadNodeConfig(dir.path, { 'state.keepRecent': '0' }, {}), 'state.keepRecent')
  })

  it('a missing config file says how to create one', () => {
    assert.throws(() => loadNodeConfig(join(dir.path, 'nowhere'), {}, {}), /fedra init/)
  })
})

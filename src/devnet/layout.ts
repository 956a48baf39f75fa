import '../p2p/polyfill.js'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { initHome } from '../cli/home.js'
import { PrivateKey, toHex } from '../crypto/index.js'
import { DEFAULT_CONFIG, type NodeConfig, configPath } from '../node/config.js'
import { loadNodeKey } from '../node/keys.js'
import { peerIdFromSeed } from '../p2p/identity.js'

export interface DevnetOptions {
  dir: string
  validators: number
  fullNodes: number
  chainId: string
  /** Pause after each commit, the main knob of block time. */
  commitDelayMs: number
  /** Funded accounts written to accounts.json (devnet only: their seeds are in the clear). */
  accounts: number
  genesisTime?: Date
}

export interface DevnetNode {
  name: string
  home: string
  validator: boolean
  p2pPort: number
  rpcPort: number
  metricsPort: number
  peerId: string
  multiaddr: string
}

export interface DevnetLayout {
  dir: string
  chainId: string
  nodes: DevnetNode[]
  /** Seeds of funded accounts, hex. */
  accounts: string[]
}

export const ACCOUNT_BALANCE = 10n ** 15n

/** A port the OS says is free now (it could be taken again before use; fine on a devnet). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Deterministic devnet account i, so benches and tests can sign without reading files. */
export const devnetAccount = (i: number): PrivateKey => {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, 0xfed4a000 + i)
  seed.fill(0x5a, 4)
  return PrivateKey.fromSeed(seed)
}

/**
 * Lays out a devnet like CometBFT's `testnet` command: one home per node, one genesis with
 * every validator at equal power and funded accounts, each node bootstrapping from all the
 * others on loopback ports picked free.
 */
export async function createDevnet(options: DevnetOptions): Promise<DevnetLayout> {
  mkdirSync(options.dir, { recursive: true })
  const genesisTime = options.genesisTime ?? new Date()
  const nodes: DevnetNode[] = []
  const validatorKeys: PrivateKey[] = []
  const total = options.validators + options.fullNodes
  for (let i = 0; i < total; i++) {
    const validator = i < options.validators
    const name = validator ? `validator${i}` : `full${i - options.validators}`
    const home = join(options.dir, name)
    const { validatorKey } = initHome(home, { chainId: options.chainId, moniker: name, force: true, genesisTime })
    if (validator) validatorKeys.push(validatorKey)
    const p2pPort = await freePort()
    const peerId = await peerIdFromSeed(loadNodeKey(home).exportSeed())
    nodes.push({
      name,
      home,
      validator,
      p2pPort,
      rpcPort: await freePort(),
      metricsPort: await freePort(),
      peerId,
      multiaddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`,
    })
  }
  const accounts = Array.from({ length: options.accounts }, (_, i) => devnetAccount(i))
  const genesis = {
    chain_id: options.chainId,
    genesis_time: genesisTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    initial_height: 1,
    consensus_params: { block: { max_bytes: 4194304, max_gas: '1000000000' }, tx: { max_bytes: 65536, min_gas_price: '0' } },
    validators: validatorKeys.map((key, i) => ({ name: `validator${i}`, pub_key: key.publicKey.hex, power: '10' })),
    app_state: {
      auth: { accounts: [] },
      bank: { fee_denom: 'ufdr', balances: accounts.map((key) => ({ address: key.publicKey.address, coins: [{ denom: 'ufdr', amount: String(ACCOUNT_BALANCE) }] })) },
    },
  }
  for (const node of nodes) {
    writeFileSync(join(node.home, 'config', 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`)
    const config: NodeConfig = {
      ...structuredClone(DEFAULT_CONFIG),
      moniker: node.name,
      chainId: options.chainId,
      p2p: { listen: `/ip4/127.0.0.1/tcp/${node.p2pPort}`, bootstrap: nodes.filter((n) => n !== node).map((n) => n.multiaddr), maxPeers: 50 },
      rpc: { ...structuredClone(DEFAULT_CONFIG.rpc), listen: `127.0.0.1:${node.rpcPort}` },
      metrics: { listen: `127.0.0.1:${node.metricsPort}` },
      consensus: { ...DEFAULT_CONFIG.consensus, commitDelayMs: options.commitDelayMs },
      logFormat: 'json',
    }
    // A full node's home keeps the validator key `init` made, but it is not in the genesis set.
    writeFileSync(configPath(node.home), `${JSON.stringify(config, null, 2)}\n`)
  }
  const layout: DevnetLayout = { dir: options.dir, chainId: options.chainId, nodes, accounts: accounts.map((k) => toHex(k.exportSeed())) }
  writeFileSync(join(options.dir, 'devnet.json'), `${JSON.stringify(layout, null, 2)}\n`)
  return layout
}

import '../p2p/polyfill.js'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Keyring } from '../crypto/keyring.js'
import { initHome } from '../node/home.js'
import { PrivateKey, toHex } from '../crypto/index.js'
import { DEFAULT_CONFIG, type NodeConfig, configPath } from '../node/config.js'
import { loadNodeKey } from '../node/keys.js'
import { peerIdFromSeed } from '../p2p/identity.js'
import { DevnetError } from './errors.js'

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
  /**
   * Also put the funded accounts in DIR/keyring as `account0`…, encrypted with DEVNET_PASSPHRASE,
   * so `FEDRA_HOME=DIR fedra tx bank send account0 …` works (scrypt makes it ~0.1 s per account).
   */
  keyring?: boolean
  /** Validator 0's RPC port if it is free now (the CLI's default 26657); otherwise any free port. */
  preferredRpcPort?: number
  /**
   * Module sections merged over the devnet's app_state, one level deep per module (e.g.
   * `{ slashing: { params: { signed_blocks_window: '20' } } }` replaces slashing's params).
   */
  appState?: Record<string, Record<string, unknown>>
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
  /** Bumped when the file's shape changes; a layout of another version is refused, not guessed at. */
  layoutVersion: typeof LAYOUT_VERSION
  dir: string
  chainId: string
  commitDelayMs: number
  nodes: DevnetNode[]
  /** Seeds of funded accounts, hex (devnet only); in DIR/keyring as account0… when made with `keyring`. */
  accounts: string[]
}

export const LAYOUT_VERSION = 1
/** The keyring passphrase of a devnet's accounts: a test passphrase, documented, never for real funds. */
export const DEVNET_PASSPHRASE = 'devnet'
export const devnetAccountName = (i: number) => `account${i}`
export const layoutPath = (dir: string) => join(dir, 'devnet.json')

export const ACCOUNT_BALANCE = 10n ** 15n

/**
 * A port the OS says is free now (it could be taken again before use; fine on a devnet). With
 * `wanted`, that port if it is free, else any.
 */
export async function freePort(wanted = 0): Promise<number> {
  if (wanted !== 0 && (await listenable(wanted))) return wanted
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

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
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
 * The operator account of devnet validator i: the key that signs its staking and slashing
 * transactions (create, edit, unjail, withdraw commission), apart from its consensus key in
 * the node's home, as in Cosmos. Deterministic, funded at genesis, in DIR/keyring as
 * `operator<i>` when the devnet has a keyring.
 */
export const devnetOperator = (i: number): PrivateKey => {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, 0xfed4b000 + i)
  seed.fill(0x6b, 4)
  return PrivateKey.fromSeed(seed)
}
export const devnetOperatorName = (i: number) => `operator${i}`

/** distribution's emission_per_block on a devnet (ufdr). */
export const DEVNET_EMISSION = 1_000_000n

/** Each genesis validator's self-bond: power 10 at staking's default power_reduction of 10^6. */
export const DEVNET_SELF_BOND = 10_000_000n

/**
 * Lays out a devnet like CometBFT's `testnet` command: one home per node, one genesis with
 * every validator bonded at equal power (staking's gen_validators, self-bonded by its own operator account) and funded accounts, each node bootstrapping from all the
 * others on loopback ports picked free.
 */
export async function createDevnet(options: DevnetOptions): Promise<DevnetLayout> {
  mkdirSync(options.dir, { recursive: true })
  const present = readdirSync(options.dir)
  if (present.length > 0) {
    throw new DevnetError(
      'DIR_NOT_EMPTY',
      `${options.dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}); a devnet is laid out in a new or empty directory`,
      { path: options.dir },
    )
  }
  const genesisTime = options.genesisTime ?? new Date()
  const nodes: DevnetNode[] = []
  const validatorKeys: PrivateKey[] = []
  // Every port of the layout distinct: the OS may hand the same free port to two draws (a busy
  // machine wraps its ephemeral range), and a node whose p2p and RPC ports collide cannot start.
  const taken = new Set<number>()
  const port = async (wanted = 0): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      const candidate = await freePort(attempt === 0 ? wanted : 0)
      if (!taken.has(candidate) || attempt === 50) {
        taken.add(candidate)
        return candidate
      }
    }
  }
  const total = options.validators + options.fullNodes
  for (let i = 0; i < total; i++) {
    const validator = i < options.validators
    const name = validator ? `validator${i}` : `full${i - options.validators}`
    const home = join(options.dir, name)
    const { validatorKey } = initHome(home, { chainId: options.chainId, moniker: name, force: true, genesisTime })
    if (validator) validatorKeys.push(validatorKey)
    const p2pPort = await port()
    const peerId = await peerIdFromSeed(loadNodeKey(home).exportSeed())
    nodes.push({
      name,
      home,
      validator,
      p2pPort,
      rpcPort: await port(i === 0 ? (options.preferredRpcPort ?? 0) : 0),
      metricsPort: await port(),
      peerId,
      multiaddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`,
    })
  }
  const accounts = Array.from({ length: options.accounts }, (_, i) => devnetAccount(i))
  const operators = validatorKeys.map((_, i) => devnetOperator(i))
  const balance = (key: PrivateKey) => ({ address: key.publicKey.address, coins: [{ denom: 'ufdr', amount: String(ACCOUNT_BALANCE) }] })
  // Validators are bonded by staking (its gentx form), so genesis.validators stays empty: the
  // set is whatever staking's genesis returns, and it changes by staking from then on.
  const appState: Record<string, Record<string, unknown>> = {
    auth: { accounts: [] },
    bank: { params: { fee_denom: 'ufdr' }, balances: [...accounts, ...operators].map(balance) },
    staking: {
      gen_validators: validatorKeys.map((key, i) => ({
        operator: operators[i]!.publicKey.address,
        pub_key: key.publicKey.hex,
        moniker: `validator${i}`,
        self_bond: String(DEVNET_SELF_BOND),
        commission: { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01' },
      })),
    },
    // One FDR per block shared by the validators and their delegators, so rewards show on a devnet.
    distribution: { params: { emission_per_block: String(DEVNET_EMISSION) } },
  }
  for (const [module, section] of Object.entries(options.appState ?? {})) appState[module] = { ...appState[module], ...section }
  const genesis = {
    chain_id: options.chainId,
    genesis_time: genesisTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    initial_height: 1,
    consensus_params: { block: { max_bytes: 4194304, max_gas: '1000000000' }, tx: { max_bytes: 65536, min_gas_price: '0' } },
    validators: [],
    app_state: appState,
  }
  for (const node of nodes) {
    writeFileSync(join(node.home, 'config', 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`)
    const config: NodeConfig = {
      ...structuredClone(DEFAULT_CONFIG),
      moniker: node.name,
      chainId: options.chainId,
      p2p: {
        listen: `/ip4/127.0.0.1/tcp/${node.p2pPort}`,
        bootstrap: nodes.filter((n) => n !== node).map((n) => n.multiaddr),
        maxPeers: 50,
      },
      rpc: { ...structuredClone(DEFAULT_CONFIG.rpc), listen: `127.0.0.1:${node.rpcPort}` },
      metrics: { listen: `127.0.0.1:${node.metricsPort}` },
      consensus: { ...DEFAULT_CONFIG.consensus, commitDelayMs: options.commitDelayMs },
      logFormat: 'json',
    }
    // A full node's home keeps the validator key `init` made, but it is not in the genesis set.
    writeFileSync(configPath(node.home), `${JSON.stringify(config, null, 2)}\n`)
  }
  if (options.keyring === true) {
    const keyring = new Keyring(options.dir)
    accounts.forEach((key, i) => keyring.add(devnetAccountName(i), key, DEVNET_PASSPHRASE))
    operators.forEach((key, i) => keyring.add(devnetOperatorName(i), key, DEVNET_PASSPHRASE))
  }
  const layout: DevnetLayout = {
    layoutVersion: LAYOUT_VERSION,
    dir: options.dir,
    chainId: options.chainId,
    commitDelayMs: options.commitDelayMs,
    nodes,
    accounts: accounts.map((k) => toHex(k.exportSeed())),
  }
  // Written last: a directory with devnet.json holds a complete layout.
  writeFileSync(layoutPath(options.dir), `${JSON.stringify(layout, null, 2)}\n`)
  return layout
}

/** The layout stored in `dir`, or null if there is none; a file this version did not write is refused. */
export function loadDevnet(dir: string): DevnetLayout | null {
  const path = layoutPath(dir)
  if (!existsSync(path)) return null
  let layout: Partial<DevnetLayout>
  try {
    layout = JSON.parse(readFileSync(path, 'utf8')) as Partial<DevnetLayout>
  } catch (error) {
    throw new DevnetError('LAYOUT_INVALID', `${path} is not JSON: ${(error as Error).message}`, { path })
  }
  if (
    layout.layoutVersion !== LAYOUT_VERSION ||
    !Array.isArray(layout.nodes) ||
    typeof layout.chainId !== 'string' ||
    typeof layout.commitDelayMs !== 'number'
  ) {
    throw new DevnetError('LAYOUT_INVALID', `${path} is not a devnet layout of version ${LAYOUT_VERSION}; start over with --reset`, {
      path,
    })
  }
  return { ...(layout as DevnetLayout), dir }
}

/** What a stored layout says for each option a user may pass again. */
export function layoutOptions(
  layout: DevnetLayout,
): Pick<DevnetOptions, 'validators' | 'fullNodes' | 'chainId' | 'commitDelayMs' | 'accounts'> {
  const validators = layout.nodes.filter((n) => n.validator).length
  return {
    validators,
    fullNodes: layout.nodes.length - validators,
    chainId: layout.chainId,
    commitDelayMs: layout.commitDelayMs,
    accounts: layout.accounts.length,
  }
}

/**
 * Reopening a stored devnet with options that would need another layout (more validators, other
 * chain id…) is refused, naming each one: silently keeping the old layout, or laying a new one
 * over old data, both leave a user with a devnet that is not what they asked for.
 */
export function checkLayoutOptions(
  layout: DevnetLayout,
  given: Partial<ReturnType<typeof layoutOptions>>,
  names: Record<string, string>,
): void {
  const stored = layoutOptions(layout)
  const conflicts = (Object.keys(given) as (keyof typeof stored)[]).filter((key) => given[key] !== undefined && given[key] !== stored[key])
  if (conflicts.length === 0) return
  const what = conflicts.map((key) => `${names[key] ?? key} ${String(given[key])} (stored: ${String(stored[key])})`).join(', ')
  const first = conflicts[0]!
  throw new DevnetError(
    'LAYOUT_CONFLICT',
    `${layout.dir} holds a devnet laid out otherwise: ${what}. Run without these options to resume it, or add --reset to start a new one`,
    {
      path: layout.dir,
      option: names[first] ?? first,
      stored: stored[first],
      given: given[first],
    },
  )
}

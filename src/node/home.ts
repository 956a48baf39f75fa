import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey, toHex } from '../crypto/index.js'
import { DEFAULT_CONFIG, type NodeConfig } from './config.js'
import { keyringDir } from '../crypto/keyring.js'
import { NodeError } from './errors.js'

export const configDir = (home: string) => join(home, 'config')

/**
 * `mode` applies to a new file only, so an existing one (init --force) is chmod'ed first: a key
 * file ends at 0600, and the new secret is never written into a file others can read.
 */
function writeJson(path: string, value: unknown, mode = 0o644): void {
  if (existsSync(path)) chmodSync(path, mode)
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode })
}

/**
 * Lays out a node home like CometBFT's: config/{config.json, genesis.json, node_key.json,
 * priv_validator_key.json}, data/, keyring/. The genesis is a one-validator template.
 */
export function initHome(
  home: string,
  options: { chainId: string; moniker: string; force: boolean; genesisTime: Date },
): { validatorKey: PrivateKey; files: string[] } {
  const config = configDir(home)
  if (existsSync(join(config, 'genesis.json')) && !options.force) {
    throw new NodeError('HOME_EXISTS', `${home} is already initialised (use --force to overwrite)`, { path: home })
  }
  for (const dir of [config, join(home, 'data'), keyringDir(home)]) mkdirSync(dir, { recursive: true, mode: 0o700 })
  const nodeKey = PrivateKey.generate()
  const validatorKey = PrivateKey.generate()
  const nodeConfig: NodeConfig = { ...structuredClone(DEFAULT_CONFIG), moniker: options.moniker, chainId: options.chainId }
  const genesis = {
    chain_id: options.chainId,
    genesis_time: options.genesisTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    initial_height: 1,
    consensus_params: { block: { max_bytes: 4194304, max_gas: '100000000' }, tx: { max_bytes: 65536, min_gas_price: '0' } },
    validators: [{ name: options.moniker, pub_key: validatorKey.publicKey.hex, power: '10' }],
    app_state: { auth: { accounts: [] }, bank: { params: { fee_denom: 'ufdr' }, balances: [] } },
  }
  const files = {
    config: join(config, 'config.json'),
    genesis: join(config, 'genesis.json'),
    nodeKey: join(config, 'node_key.json'),
    validatorKey: join(config, 'priv_validator_key.json'),
  }
  writeJson(files.config, nodeConfig)
  writeJson(files.genesis, genesis)
  writeJson(files.nodeKey, { type: 'ed25519', seed: toHex(nodeKey.exportSeed()), publicKey: nodeKey.publicKey.hex }, 0o600)
  writeJson(
    files.validatorKey,
    {
      type: 'ed25519',
      seed: toHex(validatorKey.exportSeed()),
      publicKey: validatorKey.publicKey.hex,
      address: validatorKey.publicKey.address,
    },
    0o600,
  )
  // The last-signed record belongs to the key it guards: a new key has signed nothing, and an old
  // record left behind (init --force on a used home) would keep the new key from ever signing.
  rmSync(join(config, 'priv_validator_state.json'), { force: true })
  return { validatorKey, files: Object.values(files) }
}

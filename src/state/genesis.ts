import { readFileSync } from 'node:fs'
import { PublicKey, decodeAddress, fromHex } from '../crypto/index.js'
import { Dec } from './dec.js'
import { StateError } from './errors.js'
import type { ModuleRegistry } from './module.js'
import type { ModuleParams } from './params.js'
import { ModuleError } from './tx-errors.js'

export interface ConsensusParams {
  block: { maxBytes: number; maxGas: bigint }
  tx: { maxBytes: number; minGasPrice: bigint }
  /** Evidence of an offence older than this many heights is refused (CometBFT's evidence.max_age_num_blocks). */
  evidence: { maxAgeBlocks: number }
}

export interface GenesisValidator {
  name: string
  publicKey: PublicKey
  power: bigint
}

export interface Genesis {
  chainId: string
  /** Milliseconds since the Unix epoch. */
  genesisTime: bigint
  initialHeight: number
  consensusParams: ConsensusParams
  validators: GenesisValidator[]
  /** Per-module sections (without their `params`), already validated by each module. */
  appState: Record<string, unknown>
  /** Per-module params (`app_state.<module>.params`, defaults filled in), for modules that have params. */
  moduleParams: Record<string, unknown>
}

export const DEFAULT_CONSENSUS_PARAMS: ConsensusParams = {
  block: { maxBytes: 4 * 1024 * 1024, maxGas: 100_000_000n },
  tx: { maxBytes: 64 * 1024, minGasPrice: 0n },
  evidence: { maxAgeBlocks: 100 },
}

const CHAIN_ID = /^[a-z0-9][a-z0-9-]{0,47}$/

function invalid(path: string, why: string): StateError {
  return new StateError('GENESIS_INVALID', `genesis ${path}: ${why}`, { path })
}

export function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'expected an object')
  return value as Record<string, unknown>
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'expected an array')
  return value
}

export function stringAt(value: unknown, path: string, pattern?: RegExp): string {
  if (typeof value !== 'string') throw invalid(path, 'expected a string')
  if (pattern !== undefined && !pattern.test(value)) throw invalid(path, `"${value}" does not match ${pattern}`)
  return value
}

/** Amounts and other big integers travel in JSON as decimal strings, as in Cosmos genesis files. */
export function bigintAt(value: unknown, path: string, { min = 0n, max }: { min?: bigint; max?: bigint } = {}): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(value)) throw invalid(path, 'expected a decimal integer string')
  const parsed = BigInt(value)
  if (parsed < min || (max !== undefined && parsed > max)) throw invalid(path, `${value} outside ${min}..${max ?? '∞'}`)
  return parsed
}

export function intAt(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    throw invalid(path, `expected an integer in ${min}..${max}`)
  return value
}

/** A u64 as a decimal string (heights, ids, rounds in module genesis sections). */
export const u64At = (value: unknown, path: string): bigint => bigintAt(value, path, { max: 2n ** 64n - 1n })

/** A u64 or null (absent counts as null): an optional height, round or version. */
export const optionalU64At = (value: unknown, path: string): bigint | null =>
  value === null || value === undefined ? null : u64At(value, path)

/** A u32 as a JSON number (counts, weights). */
export const u32At = (value: unknown, path: string): number => intAt(value, path, 0, 0xffff_ffff)

export function boolAt(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(path, 'expected true or false')
  return value
}

/** `length` bytes as lower-case hex. */
export function hexAt(value: unknown, path: string, length: number): Uint8Array {
  const text = stringAt(value, path)
  if (!new RegExp(`^[0-9a-f]{${2 * length}}$`).test(text)) throw invalid(path, `expected ${length} bytes as lower-case hex`)
  return fromHex(text)
}

/** A Dec as its exact decimal text (rates, fractions, shares): Dec.parse's refusal as GENESIS_INVALID naming the path. */
export function decAt(value: unknown, path: string): Dec {
  const text = stringAt(value, path)
  try {
    return Dec.parse(text)
  } catch {
    throw invalid(path, `"${text.slice(0, 80)}" is not a decimal like 0.05`)
  }
}

/** A bech32 fedra1… address; `seen` (when given) refuses one listed twice in the same list. */
export function addressAt(value: unknown, path: string, seen?: Set<string>): Uint8Array {
  const text = stringAt(value, path)
  let address: Uint8Array
  try {
    address = decodeAddress(text)
  } catch {
    throw invalid(path, `"${text.slice(0, 90)}" is not a fedra1… address`)
  }
  if (seen !== undefined) {
    if (seen.has(text)) throw invalid(path, 'address listed twice')
    seen.add(text)
  }
  return address
}

export { invalid as genesisError }

/**
 * Parses and validates a genesis document (JSON text or object). Errors are StateError
 * GENESIS_INVALID whose `context.path` names the offending field, e.g.
 * `app_state.bank.balances[2].coins[0].amount`.
 */
export function parseGenesis(input: string | unknown, registry: ModuleRegistry): Genesis {
  let json: unknown = input
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input)
    } catch (error) {
      throw new StateError('GENESIS_INVALID', `genesis is not JSON: ${(error as Error).message}`, { path: '' })
    }
  }
  const root = objectAt(json, '(root)')
  const chainId = stringAt(root.chain_id, 'chain_id', CHAIN_ID)
  const time = stringAt(root.genesis_time, 'genesis_time')
  const millis = Date.parse(time)
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(time) || Number.isNaN(millis))
    throw invalid('genesis_time', 'expected an RFC 3339 UTC time like 2026-01-01T00:00:00Z')
  const initialHeight = root.initial_height === undefined ? 1 : intAt(root.initial_height, 'initial_height', 1, 2 ** 48)

  const params = root.consensus_params === undefined ? {} : objectAt(root.consensus_params, 'consensus_params')
  const block = params.block === undefined ? {} : objectAt(params.block, 'consensus_params.block')
  const tx = params.tx === undefined ? {} : objectAt(params.tx, 'consensus_params.tx')
  const evidence = params.evidence === undefined ? {} : objectAt(params.evidence, 'consensus_params.evidence')
  const consensusParams: ConsensusParams = {
    block: {
      maxBytes:
        block.max_bytes === undefined
          ? DEFAULT_CONSENSUS_PARAMS.block.maxBytes
          : intAt(block.max_bytes, 'consensus_params.block.max_bytes', 1024, 64 * 1024 * 1024),
      maxGas:
        block.max_gas === undefined
          ? DEFAULT_CONSENSUS_PARAMS.block.maxGas
          : bigintAt(block.max_gas, 'consensus_params.block.max_gas', { min: 1n }),
    },
    tx: {
      maxBytes:
        tx.max_bytes === undefined
          ? DEFAULT_CONSENSUS_PARAMS.tx.maxBytes
          : intAt(tx.max_bytes, 'consensus_params.tx.max_bytes', 256, 1024 * 1024),
      minGasPrice:
        tx.min_gas_price === undefined
          ? DEFAULT_CONSENSUS_PARAMS.tx.minGasPrice
          : bigintAt(tx.min_gas_price, 'consensus_params.tx.min_gas_price'),
    },
    evidence: {
      maxAgeBlocks:
        evidence.max_age_num_blocks === undefined
          ? DEFAULT_CONSENSUS_PARAMS.evidence.maxAgeBlocks
          : intAt(evidence.max_age_num_blocks, 'consensus_params.evidence.max_age_num_blocks', 1, 1_000_000),
    },
  }

  const seenKeys = new Set<string>()
  const validators = arrayAt(root.validators ?? [], 'validators').map((entry, i) => {
    const path = `validators[${i}]`
    const v = objectAt(entry, path)
    const hex = stringAt(v.pub_key, `${path}.pub_key`, /^[0-9a-f]{64}$/)
    if (seenKeys.has(hex)) throw invalid(`${path}.pub_key`, 'duplicate validator key')
    seenKeys.add(hex)
    return {
      name: stringAt(v.name, `${path}.name`, /^.{1,64}$/),
      publicKey: PublicKey.fromBytes(fromHex(hex)),
      power: bigintAt(v.power, `${path}.power`, { min: 1n, max: 2n ** 60n }),
    }
  })

  const appJson = root.app_state === undefined ? {} : objectAt(root.app_state, 'app_state')
  for (const name of Object.keys(appJson)) if (!registry.has(name)) throw invalid(`app_state.${name}`, 'no such module')
  const appState: Record<string, unknown> = {}
  const moduleParams: Record<string, unknown> = {}
  for (const module of registry.modules) {
    const path = `app_state.${module.name}`
    const { params, ...section } = objectAt(appJson[module.name] ?? {}, path)
    if (module.params !== undefined) moduleParams[module.name] = genesisParams(module.params, params ?? {}, `${path}.params`)
    else if (params !== undefined) throw invalid(`${path}.params`, `module ${module.name} has no params`)
    appState[module.name] = module.genesis.validate(section, path)
  }

  return { chainId, genesisTime: BigInt(millis), initialHeight, consensusParams, validators, appState, moduleParams }
}

/** A module's genesis params: its JSON form, then its checks (a ModuleError becomes GENESIS_INVALID at `path`). */
function genesisParams(params: ModuleParams<unknown>, json: unknown, path: string): unknown {
  const value = params.fromJson(json, path)
  try {
    params.validate(value)
  } catch (error) {
    if (!(error instanceof ModuleError)) throw error
    throw invalid(path, error.plainMessage)
  }
  return value
}

export function loadGenesisFile(path: string, registry: ModuleRegistry): Genesis {
  return parseGenesis(readFileSync(path, 'utf8'), registry)
}

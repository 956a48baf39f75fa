import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { fromHex, toHex } from '../crypto/index.js'
import { ConsensusError } from './errors.js'
import type { Height, Round, ValueId } from './types.js'

export type SignedStep = 'proposal' | 'prevote' | 'precommit'

/** The last message a validator key signed: its slot, what it said, and the signature (to re-send it). */
export interface LastSigned {
  height: Height
  round: Round
  step: SignedStep
  /** The proposal's or vote's value; null for a nil vote. */
  valueId: ValueId | null
  /** A proposal's valid round (−1 for votes and fresh proposals). */
  polRound: Round
  signature: Uint8Array
}

/**
 * Where the signer guard keeps the last signed (height, round, step), apart from the WAL, as
 * CometBFT's priv_validator_state.json: `save` returns only once the record is durable, and the
 * guard calls it before a signature leaves. So a WAL that is lost, truncated or replaced by an
 * older copy can make the node forget what it signed, but never let it sign that slot or an
 * earlier one again with other content.
 */
export interface SignerStateStore {
  load(): LastSigned | null
  save(state: LastSigned): void
}

// CometBFT's step numbers in priv_validator_state.json.
const STEP_CODE: Record<SignedStep, number> = { proposal: 1, prevote: 2, precommit: 3 }
const STEP_OF = new Map(Object.entries(STEP_CODE).map(([k, v]) => [v, k as SignedStep]))

/** `chainId`: the chain the signatures were for (the file is ignored on another chain: signatures are chain-bound). */
export function encodeSignerState(s: LastSigned, chainId?: string): string {
  const file = {
    ...(chainId === undefined ? {} : { chain_id: chainId }),
    height: String(s.height),
    round: s.round,
    step: STEP_CODE[s.step],
    value: s.valueId,
    pol_round: s.polRound,
    signature: toHex(s.signature),
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

/** The record and the chain it is for (undefined for a file that names none). */
export function decodeSignerState(text: string, path: string): LastSigned & { chainId?: string } {
  const corrupt = (reason: string): ConsensusError => new ConsensusError('SIGNER_STATE_CORRUPT', `${path}: ${reason}`, { reason })
  let f: Record<string, unknown>
  try {
    f = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw corrupt(`not JSON (${(error as Error).message})`)
  }
  if (typeof f !== 'object' || f === null) throw corrupt('not an object')
  const height = typeof f.height === 'string' && /^(0|[1-9]\d*)$/.test(f.height) ? Number(f.height) : NaN
  if (!Number.isSafeInteger(height)) throw corrupt('"height" must be a decimal string')
  const step = typeof f.step === 'number' ? STEP_OF.get(f.step) : undefined
  if (step === undefined) throw corrupt('"step" must be 1, 2 or 3')
  if (!Number.isSafeInteger(f.round) || (f.round as number) < 0) throw corrupt('"round" must be a non-negative integer')
  if (!Number.isSafeInteger(f.pol_round) || (f.pol_round as number) < -1) throw corrupt('"pol_round" must be an integer ≥ −1')
  if (f.value !== null && (typeof f.value !== 'string' || !/^[0-9a-f]{64}$/.test(f.value)))
    throw corrupt('"value" must be null or a 64-digit hex block id')
  if (typeof f.signature !== 'string' || !/^([0-9a-f]{2})+$/.test(f.signature)) throw corrupt('"signature" must be hex')
  if (f.chain_id !== undefined && typeof f.chain_id !== 'string') throw corrupt('"chain_id" must be a string')
  const state = {
    height,
    round: f.round as number,
    step,
    valueId: f.value as ValueId | null,
    polRound: f.pol_round as number,
    signature: fromHex(f.signature),
  }
  return f.chain_id === undefined ? state : { ...state, chainId: f.chain_id as string }
}

/**
 * The state in one JSON file. A save writes a temporary file, fsyncs it, renames it over the
 * old one and fsyncs the folder: after a power cut the file is the old record or the new one,
 * never a torn mix. A missing file is a key that never signed; an unreadable one stops the node.
 * With `chainId` the file names its chain, and a record for another chain is no constraint (a
 * home re-initialised for a new chain does not refuse to sign there; sign bytes carry the
 * chain id, so nothing signed for one chain counts on another).
 */
export class FileSignerState implements SignerStateStore {
  readonly path: string
  readonly #chainId: string | undefined

  constructor(path: string, chainId?: string) {
    this.path = path
    this.#chainId = chainId
  }

  load(): LastSigned | null {
    if (!existsSync(this.path)) return null
    const { chainId, ...state } = decodeSignerState(readFileSync(this.path, 'utf8'), this.path)
    if (this.#chainId !== undefined && chainId !== undefined && chainId !== this.#chainId) return null
    return state
  }

  save(state: LastSigned): void {
    const dir = dirname(this.path)
    mkdirSync(dir, { recursive: true })
    const tmp = `${this.path}.tmp`
    const fd = openSync(tmp, 'w', 0o600)
    try {
      const bytes = Buffer.from(encodeSignerState(state, this.#chainId))
      let written = 0
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.path)
    const dirFd = openSync(dir, 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  }
}

/** In memory, for the simulator and tests: it survives a simulated crash, as the fsync'd file does. */
export class MemorySignerState implements SignerStateStore {
  #state: LastSigned | null = null

  load(): LastSigned | null {
    return this.#state
  }

  save(state: LastSigned): void {
    this.#state = state
  }
}

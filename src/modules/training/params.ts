import { t, type StructValue } from '../../codec/index.js'
import { encodeAddress, toHex } from '../../crypto/index.js'
import {
  Dec,
  type ModuleParams,
  addressAt,
  arrayAt,
  bigintAt,
  decType,
  genesisError,
  intAt,
  objectAt,
  stringAt,
} from '../../state/index.js'
import { trainingError } from './errors.js'

/** Most accounts governance may allow to publish envelope key sets. */
export const MAX_ENVELOPE_ADMINS = 64

export const TrainingParamsType = t.struct('TrainingParams', 2530, 4, {
  scoreWindow: t.u32,
  gasPerCoordinate: t.u64,
  freeRiderMemoryRounds: t.u32,
  minUpdateNorm: t.u64,
  nearCopyCosine: decType,
  freeRiderSlashFraction: decType,
  closeSubmitWhenFull: t.bool,
  envelopeAdmins: t.array(t.fixedBytes(20), { max: MAX_ENVELOPE_ADMINS }),
})
export type TrainingParamsValue = StructValue<typeof TrainingParamsType.fields>

const FIELDS = [
  'score_window',
  'gas_per_coordinate',
  'free_rider_memory_rounds',
  'min_update_norm',
  'near_copy_cosine',
  'free_rider_slash_fraction',
  'close_submit_when_full',
  'envelope_admins',
] as const
/** Longest score window, in blocks (the subnets' own phase bound). */
export const MAX_SCORE_WINDOW = 100_000
/** Longest duplicate memory, in rounds (about two years of one-minute rounds: as good as forever). */
export const MAX_MEMORY_ROUNDS = 1_000_000

function fractionAt(value: unknown, path: string): Dec {
  let dec: Dec
  try {
    dec = Dec.parse(stringAt(value, path))
  } catch {
    throw genesisError(path, 'expected a decimal like 0.1')
  }
  if (dec.gt(Dec.ONE)) throw genesisError(path, 'must lie in [0, 1]')
  return dec
}

function adminsAt(value: unknown, path: string): Uint8Array[] {
  const list = arrayAt(value, path)
  if (list.length > MAX_ENVELOPE_ADMINS) throw genesisError(path, `at most ${MAX_ENVELOPE_ADMINS} accounts`)
  const seen = new Set<string>()
  return list.map((a, i) => addressAt(a, `${path}[${i}]`, seen))
}

function flagAt(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw genesisError(path, 'expected true or false')
  return value
}

/**
 * `app_state.training.params`:
 *   score_window        blocks between a round's aggregate window and its close (0: no scoring
 *                       step yet; the proof-of-contribution issue sets it); ≤ 100000
 *   gas_per_coordinate  gas per unit of verification work (handler.ts aggregateWork: updates ×
 *                       parameters for a mean, more for sorting and pairwise rules; an update:
 *                       N for its check plus N per earlier update of the round for near-copy),
 *                       decimal string, ≥ 1; "1"
 *
 * Free-riders (free-riders.ts, handler.ts), each a verdict with a slash, not a refusal:
 *   free_rider_memory_rounds  how many earlier rounds an exact duplicate is looked for in, besides
 *                       the current one (the index of recorded update CIDs keeps rounds r − M .. r;
 *                       0: the current round only; ≤ 1000000, which is as good as forever: one
 *                       ~100-byte entry per recorded update, less than the update record itself,
 *                       which is kept forever anyway); 100
 *   min_update_norm     an update whose L2 norm, in the round's quantized units (value·scale),
 *                       is below this is ZERO_UPDATE: compared as |u|² < min². 1 (the default)
 *                       refuses only the all-zero update; to refuse updates of real norm below ν
 *                       set ν·scale of the subnets' smallest scale (one param for all subnets);
 *                       0 turns the test off; decimal string
 *   near_copy_cosine    cos(u, v) ≥ this to an earlier update v of the round makes u a NEAR_COPY
 *                       (Dec in [0, 1]; compared exactly in integers; "0" turns the test off and
 *                       keeps no copies of the round's blobs in state); "0.99". Honest IID MNIST
 *                       trainers' highest pairwise cosine measured 0.856 (docs/training.md)
 *   free_rider_slash_fraction  the part of the trainer's subnet bond a free-rider's verdict
 *                       burns (subnets.slashMember), Dec in [0, 1]; "0.1"
 *
 *   close_submit_when_full  true: a round's submit window ends at the next block once the round
 *                       holds an update from every current trainer member of its subnet, or its
 *                       maxUpdates (handler.ts, rounds.ts endSubmitWindow; the aggregate and score
 *                       windows keep their lengths and move up with it). false (the default, so
 *                       chains and tests written for fixed windows keep them): the submit window
 *                       always runs its subnet's submitWindow blocks
 *
 *   envelope_admins     the accounts that may publish envelope key sets (MsgSetEnvelopeKeys, as the
 *                       admin of their own subnets): fedra1… addresses, at most 64, none twice; []
 *                       (the default): no subnet can become private. A gate, because the chain
 *                       cannot see inside a wrap: an admin that wraps garbage for a validator makes
 *                       that validator's node stop at the subnet's next sealed update
 *                       (ENVELOPE_UNREADABLE), so the power to publish key sets is the power to halt
 *                       validators, and governance grants it (docs/privacy.md)
 */
export const trainingParams: ModuleParams<TrainingParamsValue> = {
  schema: TrainingParamsType,
  defaults: {
    scoreWindow: 0,
    gasPerCoordinate: 1n,
    freeRiderMemoryRounds: 100,
    minUpdateNorm: 1n,
    nearCopyCosine: Dec.parse('0.99'),
    freeRiderSlashFraction: Dec.parse('0.1'),
    closeSubmitWhenFull: false,
    envelopeAdmins: [],
  },
  fromJson(json, path) {
    const body = objectAt(json, path)
    for (const key of Object.keys(body))
      if (!(FIELDS as readonly string[]).includes(key)) throw genesisError(`${path}.${key}`, 'no such training param')
    const d = trainingParams.defaults
    return {
      scoreWindow: body.score_window === undefined ? d.scoreWindow : intAt(body.score_window, `${path}.score_window`, 0, MAX_SCORE_WINDOW),
      gasPerCoordinate:
        body.gas_per_coordinate === undefined
          ? d.gasPerCoordinate
          : bigintAt(body.gas_per_coordinate, `${path}.gas_per_coordinate`, { min: 1n, max: 1_000_000n }),
      freeRiderMemoryRounds:
        body.free_rider_memory_rounds === undefined
          ? d.freeRiderMemoryRounds
          : intAt(body.free_rider_memory_rounds, `${path}.free_rider_memory_rounds`, 0, MAX_MEMORY_ROUNDS),
      minUpdateNorm:
        body.min_update_norm === undefined
          ? d.minUpdateNorm
          : bigintAt(body.min_update_norm, `${path}.min_update_norm`, { min: 0n, max: 2n ** 64n - 1n }),
      nearCopyCosine:
        body.near_copy_cosine === undefined ? d.nearCopyCosine : fractionAt(body.near_copy_cosine, `${path}.near_copy_cosine`),
      freeRiderSlashFraction:
        body.free_rider_slash_fraction === undefined
          ? d.freeRiderSlashFraction
          : fractionAt(body.free_rider_slash_fraction, `${path}.free_rider_slash_fraction`),
      closeSubmitWhenFull:
        body.close_submit_when_full === undefined
          ? d.closeSubmitWhenFull
          : flagAt(body.close_submit_when_full, `${path}.close_submit_when_full`),
      envelopeAdmins: body.envelope_admins === undefined ? d.envelopeAdmins : adminsAt(body.envelope_admins, `${path}.envelope_admins`),
    }
  },
  toJson: (p) => ({
    score_window: p.scoreWindow,
    gas_per_coordinate: String(p.gasPerCoordinate),
    free_rider_memory_rounds: p.freeRiderMemoryRounds,
    min_update_norm: String(p.minUpdateNorm),
    near_copy_cosine: p.nearCopyCosine.toString(),
    free_rider_slash_fraction: p.freeRiderSlashFraction.toString(),
    close_submit_when_full: p.closeSubmitWhenFull,
    envelope_admins: p.envelopeAdmins.map((a) => encodeAddress(a)),
  }),
  validate(p) {
    if (p.scoreWindow > MAX_SCORE_WINDOW)
      throw trainingError('INVALID_PARAMS', `score_window must be at most ${MAX_SCORE_WINDOW}`, { param: 'score_window' })
    if (p.gasPerCoordinate < 1n || p.gasPerCoordinate > 1_000_000n)
      throw trainingError('INVALID_PARAMS', 'gas_per_coordinate must lie in [1, 1000000]', { param: 'gas_per_coordinate' })
    if (p.freeRiderMemoryRounds > MAX_MEMORY_ROUNDS)
      throw trainingError('INVALID_PARAMS', `free_rider_memory_rounds must be at most ${MAX_MEMORY_ROUNDS}`, {
        param: 'free_rider_memory_rounds',
      })
    for (const [name, value] of [
      ['near_copy_cosine', p.nearCopyCosine],
      ['free_rider_slash_fraction', p.freeRiderSlashFraction],
    ] as const) {
      if (value.isNegative() || value.gt(Dec.ONE)) throw trainingError('INVALID_PARAMS', `${name} must lie in [0, 1]`, { param: name })
    }
    if (p.envelopeAdmins.length > MAX_ENVELOPE_ADMINS)
      throw trainingError('INVALID_PARAMS', `envelope_admins holds at most ${MAX_ENVELOPE_ADMINS} accounts`, { param: 'envelope_admins' })
    if (new Set(p.envelopeAdmins.map((a) => toHex(a))).size !== p.envelopeAdmins.length)
      throw trainingError('INVALID_PARAMS', 'envelope_admins names an account twice', { param: 'envelope_admins' })
  },
}

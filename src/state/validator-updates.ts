import { t } from '../codec/index.js'
import { toHex } from '../crypto/index.js'
import { StateError } from './errors.js'

/**
 * A change of one validator's voting power asked for by a module's end-block (CometBFT's
 * ValidatorUpdate); consensus applies it to the set of height H+2. Power 0 removes the validator.
 */
export interface ValidatorUpdate {
  /** ed25519 public key, 32 bytes; the consensus address derives from it. */
  publicKey: Uint8Array
  power: bigint
}

/** Same bound as genesis validators: keeps the total far below consensus' int64 cap. */
export const MAX_VALIDATOR_POWER = 2n ** 60n

const Update = t.struct('ValidatorUpdate', 114, 1, { publicKey: t.fixedBytes(32), power: t.u64 })
/** The genesis validator set as initChain decided it (from a module or from genesis.validators). */
export const GenesisValidatorsRecord = t.struct('GenesisValidators', 115, 1, { validators: t.array(Update, { max: 10_000 }) })

/**
 * Checks and joins the updates of every module's end-block (or genesis init), in module order.
 * Two updates of one key in one block are refused: the later would silently win otherwise.
 */
export function mergeValidatorUpdates(lists: { module: string; updates: readonly ValidatorUpdate[] }[]): ValidatorUpdate[] {
  const seen = new Map<string, string>()
  const merged: ValidatorUpdate[] = []
  for (const { module, updates } of lists) {
    for (const update of updates) {
      if (!(update.publicKey instanceof Uint8Array) || update.publicKey.length !== 32) {
        throw new StateError('INVALID_VALIDATOR_UPDATE', `${module}: a validator update needs a 32-byte public key`, { module })
      }
      if (typeof update.power !== 'bigint' || update.power < 0n || update.power > MAX_VALIDATOR_POWER) {
        throw new StateError('INVALID_VALIDATOR_UPDATE', `${module}: validator power ${String(update.power)} outside 0..2^60`, { module })
      }
      const key = toHex(update.publicKey)
      const earlier = seen.get(key)
      if (earlier !== undefined)
        throw new StateError('INVALID_VALIDATOR_UPDATE', `${module}: validator ${key} already updated by ${earlier} in this block`, {
          module,
        })
      seen.set(key, module)
      merged.push({ publicKey: update.publicKey, power: update.power })
    }
  }
  return merged
}

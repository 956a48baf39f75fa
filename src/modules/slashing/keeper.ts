import { type Context, readParams } from '../../state/index.js'
import { MODULE } from './keys.js'
import type { ValidatorSigningInfoValue } from './messages.js'
import { type SlashingParamsValue, slashingParams } from './params.js'
import { SigningInfos } from './signing-infos.js'

/**
 * What other modules may read of slashing (x/slashing Keeper's getters): params, signing info
 * and whether a validator is tombstoned. Nothing here changes state: jailing, slashing and
 * tombstoning happen only in slashing's own begin-block.
 */
export class SlashingKeeper {
  readonly #ctx: Context

  /** `ctx` is scoped to slashing. */
  constructor(ctx: Context) {
    this.#ctx = ctx
  }

  params(): SlashingParamsValue {
    return readParams(this.#ctx.moduleStore(MODULE), slashingParams)
  }

  signingInfo(consensusAddress: Uint8Array): ValidatorSigningInfoValue | undefined {
    return new SigningInfos(this.#ctx.moduleStore(MODULE)).get(consensusAddress)
  }

  isTombstoned(consensusAddress: Uint8Array): boolean {
    return this.signingInfo(consensusAddress)?.tombstoned === true
  }
}

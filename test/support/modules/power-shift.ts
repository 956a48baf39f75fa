import { fromHex, toHex } from '../../../src/crypto/index.js'
import { type Module, type ValidatorUpdate, arrayAt, genesisError, objectAt, stringAt, utf8 } from '../../../src/state/index.js'

/**
 * Test-only module standing in for staking: its genesis may supply the validator set, and its
 * end-block sets the power of one validator per block by a rule of the height, so tests can
 * say which set height H+2 must have.
 */
export interface PowerShiftGenesis {
  validators: Uint8Array[]
  /** Whether init returns the genesis set (as staking will) instead of leaving genesis.validators. */
  ownsGenesisSet: boolean
}

const VALIDATORS_KEY = utf8('v')

/** The update end-block of `height` asks for: validator height mod n gets power 10 + height. */
export function shiftAt(validators: readonly Uint8Array[], height: number): ValidatorUpdate {
  return { publicKey: validators[height % validators.length]!, power: 10n + BigInt(height) }
}

export function powerShiftModule(
  rule: (validators: readonly Uint8Array[], height: number) => ValidatorUpdate[] = (v, h) => [shiftAt(v, h)],
): Module<null> {
  const stored = (ctx: Parameters<NonNullable<Module['endBlock']>>[0]): Uint8Array[] => {
    const raw = ctx.moduleStore().get(VALIDATORS_KEY)
    if (raw === undefined) return []
    const out: Uint8Array[] = []
    for (let i = 0; i < raw.length; i += 32) out.push(raw.slice(i, i + 32))
    return out
  }
  return {
    name: 'power-shift',
    messages: [],
    queries: {},
    keeper: () => null,
    genesis: {
      validate(section, path): PowerShiftGenesis {
        const body = objectAt(section, path)
        const validators = arrayAt(body.validators ?? [], `${path}.validators`).map((v, i) =>
          fromHex(stringAt(v, `${path}.validators[${i}]`, /^[0-9a-f]{64}$/)),
        )
        if (body.owns_genesis_set !== undefined && typeof body.owns_genesis_set !== 'boolean')
          throw genesisError(`${path}.owns_genesis_set`, 'expected a boolean')
        return { validators, ownsGenesisSet: body.owns_genesis_set === true }
      },
      init(ctx, genesis: PowerShiftGenesis) {
        const bytes = new Uint8Array(32 * genesis.validators.length)
        genesis.validators.forEach((v, i) => bytes.set(v, 32 * i))
        ctx.moduleStore().set(VALIDATORS_KEY, bytes)
        return genesis.ownsGenesisSet ? genesis.validators.map((publicKey) => ({ publicKey, power: 7n })) : undefined
      },
      export: (ctx) => ({ validators: stored(ctx).map(toHex) }),
    },
    endBlock(ctx) {
      const validators = stored(ctx)
      return validators.length === 0 ? [] : rule(validators, ctx.block.height)
    },
    invariants: {},
  }
}

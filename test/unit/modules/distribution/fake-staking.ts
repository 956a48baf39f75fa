import { t, type StructValue } from '../../../../src/codec/index.js'
import {
  type Context,
  Dec,
  type KVStore,
  type MessageHandler,
  type Module,
  ModuleError,
  concatBytes,
  expectKeeper,
  utf8,
} from '../../../../src/state/index.js'
import type { CoinValue } from '../../../../src/modules/bank/index.js'
import type { DistributionStakingKeeper } from '../../../../src/modules/distribution/expected-keepers.js'
import { STAKING_HOOKS } from '../../../../src/modules/staking/hooks.js'
import { type DelegationView, type ValidatorView, tokensFromShares } from '../../../../src/modules/staking/views.js'

/**
 * Test-only stand-in for x/staking, named `staking`: validators, delegations by shares, slashes,
 * firing STAKING_HOOKS exactly where x/staking's keeper does (CreateValidator, Delegate, Unbond,
 * RemoveValidator, Slash). No unbonding queue (undelegated coins return at once), no set
 * changes, no power: enough for distribution's F1 books. Tags 970–974 (the tests' range).
 */
export const FAKE_BOND_DENOM = 'ustake'
export const FAKE_POOL = 'fake_bonded'

export const MsgFakeCreateValidator = t.struct('test/MsgFakeCreateValidator', 970, 1, {
  consensusAddress: t.fixedBytes(20),
  commissionRate: t.string({ max: 40 }),
  amount: t.uint(),
})
export const MsgFakeDelegate = t.struct('test/MsgFakeDelegate', 971, 1, { validator: t.fixedBytes(20), amount: t.uint() })
/** Undelegates `amount` tokens' worth of shares (everything when it is at least the delegation's worth). */
export const MsgFakeUndelegate = t.struct('test/MsgFakeUndelegate', 972, 1, { validator: t.fixedBytes(20), amount: t.uint() })
/** Slashes `fraction` of the validator's tokens (anyone may: a test hook, not a rule). */
export const MsgFakeSlash = t.struct('test/MsgFakeSlash', 973, 1, { validator: t.fixedBytes(20), fraction: t.string({ max: 40 }) })

const BANK = expectKeeper<{
  sendToModule(from: Uint8Array, name: string, coins: CoinValue[]): void
  sendFromModule(name: string, to: Uint8Array, coins: CoinValue[]): void
  burn(name: string, coins: CoinValue[]): void
}>('bank', { sendToModule: true, sendFromModule: true, burn: true })

const fakeError = (message: string) => new ModuleError('staking', 99, 'FAKE_STAKING', message)

interface StoredValidator {
  operator: string
  consensusAddress: string
  tokens: string
  shares: string
  commissionRate: string
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'))
const VALIDATOR = 0x76 // 'v' + operator → JSON
const BY_CONSENSUS = 0x63 // 'c' + consensus address → operator
const DELEGATION = 0x64 // 'd' + delegator + operator → shares (raw Dec, decimal)

function view(stored: StoredValidator): ValidatorView {
  return {
    operator: bytes(stored.operator),
    consensusAddress: bytes(stored.consensusAddress),
    consensusPubKey: new Uint8Array(32),
    moniker: 'fake',
    status: 'bonded',
    jailed: false,
    tokens: BigInt(stored.tokens),
    delegatorShares: Dec.fromRaw(BigInt(stored.shares)),
    commissionRate: Dec.parse(stored.commissionRate),
    minSelfDelegation: 0n,
  }
}

export class FakeStakingKeeper implements DistributionStakingKeeper {
  readonly #ctx: Context
  readonly #store: KVStore

  constructor(ctx: Context) {
    this.#ctx = ctx
    this.#store = ctx.moduleStore('staking')
  }

  #stored(operator: Uint8Array): StoredValidator | undefined {
    const raw = this.#store.get(concatBytes(Uint8Array.of(VALIDATOR), operator))
    return raw === undefined ? undefined : (JSON.parse(Buffer.from(raw).toString('utf8')) as StoredValidator)
  }

  #save(v: StoredValidator): void {
    this.#store.set(concatBytes(Uint8Array.of(VALIDATOR), bytes(v.operator)), utf8(JSON.stringify(v)))
  }

  validator(operator: Uint8Array): ValidatorView | undefined {
    const stored = this.#stored(operator)
    return stored === undefined ? undefined : view(stored)
  }

  validatorByConsensusAddress(consensusAddress: Uint8Array): ValidatorView | undefined {
    const operator = this.#store.get(concatBytes(Uint8Array.of(BY_CONSENSUS), consensusAddress))
    return operator === undefined ? undefined : this.validator(operator)
  }

  #shares(delegator: Uint8Array, operator: Uint8Array): Dec | undefined {
    const raw = this.#store.get(concatBytes(Uint8Array.of(DELEGATION), delegator, operator))
    return raw === undefined ? undefined : Dec.fromRaw(BigInt(Buffer.from(raw).toString('utf8')))
  }

  delegation(delegator: Uint8Array, operator: Uint8Array): DelegationView | undefined {
    const shares = this.#shares(delegator, operator)
    return shares === undefined ? undefined : { delegator: delegator.slice(), validator: operator.slice(), shares }
  }

  delegationsOf(delegator: Uint8Array): DelegationView[] {
    const out: DelegationView[] = []
    for (const [key, value] of this.#store.iterate(concatBytes(Uint8Array.of(DELEGATION), delegator))) {
      out.push({ delegator: delegator.slice(), validator: key.slice(21), shares: Dec.fromRaw(BigInt(Buffer.from(value).toString('utf8'))) })
    }
    return out
  }

  /** Every validator, in operator order (for tests' reference models). */
  validators(): ValidatorView[] {
    return [...this.#store.iterate(Uint8Array.of(VALIDATOR))].map(([, v]) =>
      view(JSON.parse(Buffer.from(v).toString('utf8')) as StoredValidator),
    )
  }

  bondDenom(): string {
    return FAKE_BOND_DENOM
  }

  #setShares(delegator: Uint8Array, operator: Uint8Array, shares: Dec | undefined): void {
    const key = concatBytes(Uint8Array.of(DELEGATION), delegator, operator)
    if (shares === undefined) this.#store.delete(key)
    else this.#store.set(key, utf8(String(shares.raw)))
  }

  createValidator(operator: Uint8Array, consensusAddress: Uint8Array, commissionRate: string, amount: bigint): void {
    if (this.#stored(operator) !== undefined) throw fakeError('validator exists')
    Dec.parse(commissionRate)
    this.#save({ operator: hex(operator), consensusAddress: hex(consensusAddress), tokens: '0', shares: '0', commissionRate })
    this.#store.set(concatBytes(Uint8Array.of(BY_CONSENSUS), consensusAddress), operator.slice())
    this.#ctx.hooks(STAKING_HOOKS).afterValidatorCreated(operator)
    this.delegate(operator, operator, amount)
  }

  /** x/staking's Delegate: hooks before (created / shares modified) and after (modified). */
  delegate(delegator: Uint8Array, operator: Uint8Array, amount: bigint): void {
    const stored = this.#stored(operator)
    if (stored === undefined) throw fakeError('no validator')
    const hooks = this.#ctx.hooks(STAKING_HOOKS)
    const existing = this.#shares(delegator, operator)
    if (existing === undefined) hooks.beforeDelegationCreated(delegator, operator)
    else hooks.beforeDelegationSharesModified(delegator, operator)
    this.#ctx.keeper(BANK).sendToModule(delegator, FAKE_POOL, [{ denom: FAKE_BOND_DENOM, amount }])
    const current = this.#stored(operator)!
    const tokens = BigInt(current.tokens)
    const totalShares = Dec.fromRaw(BigInt(current.shares))
    const issued = tokens === 0n ? Dec.fromInt(amount) : totalShares.mulInt(amount).quoInt(tokens)
    this.#save({ ...current, tokens: String(tokens + amount), shares: String(totalShares.add(issued).raw) })
    this.#setShares(delegator, operator, (existing ?? Dec.ZERO).add(issued))
    hooks.afterDelegationModified(delegator, operator)
  }

  /** x/staking's Undelegate + Unbond (no queue): hooks, shares, then the validator's tokens; removes an empty validator. */
  undelegate(delegator: Uint8Array, operator: Uint8Array, amount: bigint): bigint {
    const stored = this.#stored(operator)
    const held = this.#shares(delegator, operator)
    if (stored === undefined || held === undefined) throw fakeError('no delegation')
    const v = view(stored)
    let shares = v.delegatorShares.mulInt(amount).quoInt(v.tokens)
    if (shares.gt(held) || tokensFromShares(v, held).truncate() <= amount) shares = held
    const hooks = this.#ctx.hooks(STAKING_HOOKS)
    hooks.beforeDelegationSharesModified(delegator, operator)
    const left = held.sub(shares)
    if (left.isZero()) {
      hooks.beforeDelegationRemoved(delegator, operator)
      this.#setShares(delegator, operator, undefined)
    } else {
      this.#setShares(delegator, operator, left)
      hooks.afterDelegationModified(delegator, operator)
    }
    const now = view(this.#stored(operator)!)
    const tokens = tokensFromShares(now, shares).truncate()
    const remainingShares = now.delegatorShares.sub(shares)
    this.#save({ ...this.#stored(operator)!, tokens: String(now.tokens - tokens), shares: String(remainingShares.raw) })
    if (tokens > 0n) this.#ctx.keeper(BANK).sendFromModule(FAKE_POOL, delegator, [{ denom: FAKE_BOND_DENOM, amount: tokens }])
    if (remainingShares.isZero()) {
      this.#store.delete(concatBytes(Uint8Array.of(VALIDATOR), operator))
      this.#store.delete(concatBytes(Uint8Array.of(BY_CONSENSUS), now.consensusAddress))
      hooks.afterValidatorRemoved(now.consensusAddress, operator)
    }
    return tokens
  }

  /** x/staking's Slash: the effective fraction (rounded up, as Cosmos) to the hook, then the tokens burn. */
  slash(operator: Uint8Array, fraction: Dec): bigint {
    const stored = this.#stored(operator)
    if (stored === undefined) throw fakeError('no validator')
    const tokens = BigInt(stored.tokens)
    const burned = fraction.mulInt(tokens).truncate()
    if (burned === 0n) return 0n
    const effective = Dec.min(Dec.ONE, Dec.fromInt(burned).quoCeil(Dec.fromInt(tokens)))
    this.#ctx.hooks(STAKING_HOOKS).beforeValidatorSlashed(operator, effective)
    this.#save({ ...this.#stored(operator)!, tokens: String(tokens - burned) })
    this.#ctx.keeper(BANK).burn(FAKE_POOL, [{ denom: FAKE_BOND_DENOM, amount: burned }])
    return burned
  }
}

const handlers: MessageHandler[] = [
  {
    type: MsgFakeCreateValidator,
    handle: (ctx, m: StructValue<typeof MsgFakeCreateValidator.fields>, signer) =>
      new FakeStakingKeeper(ctx).createValidator(signer.addressBytes, m.consensusAddress, m.commissionRate, m.amount),
  },
  {
    type: MsgFakeDelegate,
    handle: (ctx, m: StructValue<typeof MsgFakeDelegate.fields>, signer) =>
      new FakeStakingKeeper(ctx).delegate(signer.addressBytes, m.validator, m.amount),
  },
  {
    type: MsgFakeUndelegate,
    handle: (ctx, m: StructValue<typeof MsgFakeUndelegate.fields>, signer) =>
      void new FakeStakingKeeper(ctx).undelegate(signer.addressBytes, m.validator, m.amount),
  },
  {
    type: MsgFakeSlash,
    handle: (ctx, m: StructValue<typeof MsgFakeSlash.fields>) => void new FakeStakingKeeper(ctx).slash(m.validator, Dec.parse(m.fraction)),
  },
]

export const fakeStakingModule: Module<FakeStakingKeeper> = {
  name: 'staking',
  expects: [BANK],
  messages: handlers,
  queries: {
    /** Every validator: operator and consensus address (hex), tokens, shares (raw Dec), commission rate. */
    validators: (ctx) =>
      new FakeStakingKeeper(ctx).validators().map((v) => ({
        operator: hex(v.operator),
        consensusAddress: hex(v.consensusAddress),
        tokens: String(v.tokens),
        shares: String(v.delegatorShares.raw),
        commissionRate: v.commissionRate.toString(),
      })),
    /** Every delegation: delegator and validator (hex), shares (raw Dec). */
    delegations: (ctx) =>
      [...ctx.moduleStore('staking').iterate(Uint8Array.of(DELEGATION))].map(([key, value]) => ({
        delegator: hex(key.subarray(1, 21)),
        validator: hex(key.subarray(21)),
        shares: Buffer.from(value).toString('utf8'),
      })),
  },
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  keeper: (ctx) => new FakeStakingKeeper(ctx),
  invariants: {},
}

import assert from 'node:assert/strict'
import { BANK_ERRORS, type BankKeeper, moduleAddress } from '../../../src/modules/index.js'
import {
  CacheStore,
  type Composition,
  Context,
  GasMeter,
  type Module,
  ModuleError,
  StateError,
  expectKeeper,
  outsideBlock,
} from '../../../src/state/index.js'
import { coreRegistry, testRegistry } from '../../support/chain.js'
import { BANK } from '../../support/modules/treasury/expected-keepers.js'
import { treasuryModule } from '../../support/modules/treasury/index.js'

const EMPTY = { get: () => undefined, *iterate(): Generator<[Uint8Array, Uint8Array]> {} }
const module = (name: string, extra: Partial<Module> = {}): Module => ({
  name,
  messages: [],
  queries: {},
  keeper: () => ({}),
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  invariants: {},
  ...extra,
})
const composing = (modules: Module[], composition: Composition, why: RegExp) =>
  assert.throws(
    () => coreRegistry(modules, composition),
    (e: unknown) => e instanceof StateError && e.code === 'COMPOSITION_INVALID' && why.test(e.message),
  )
const contextFor = (registry: ReturnType<typeof testRegistry>, scope: string) =>
  new Context(outsideBlock('c', 1), new CacheStore(EMPTY), new GasMeter(10n ** 9n), registry).forModule(scope)
const bankError = (code: keyof typeof BANK_ERRORS) => (e: unknown) =>
  e instanceof ModuleError && e.context.numericCode === BANK_ERRORS[code]

describe('composition: keepers, accounts and orders checked when the registry is built', () => {
  it('refuses an expected keeper naming a method the provider lacks: the genesis-only credit is out of reach', () => {
    const greedy = expectKeeper<{ credit(address: Uint8Array, coins: unknown[]): void }>('bank', { credit: true })
    composing([module('greedy', { expects: [greedy] })], {}, /greedy expects bank's keeper to have credit\(\)/)
  })
  it('refuses an expected keeper of a module that is not registered', () => {
    composing(
      [module('lonely', { expects: [expectKeeper<{ stake(): void }>('staking', { stake: true })] })],
      {},
      /no module staking is registered/,
    )
  })
  it('refuses a module account owned by an unregistered module, or with an unknown permission', () => {
    composing([], { moduleAccounts: { pool: { owner: 'ghost' } } }, /owned by ghost/)
    composing([], { moduleAccounts: { pool: { owner: 'bank', permissions: ['printer' as never] } } }, /unknown permission printer/)
  })
  it('refuses an order that leaves a module out, names one twice, or names an unknown one', () => {
    composing([module('late')], { order: { endBlock: ['auth', 'bank'] } }, /endBlock order leaves out late/)
    composing([], { order: { beginBlock: ['auth', 'bank', 'bank'] } }, /names bank twice/)
    composing([], { order: { initGenesis: ['auth', 'bank', 'ghost'] } }, /names ghost/)
  })
  it('refuses a params authority that is not registered', () => composing([], { paramsAuthorities: ['gov'] }, /params authority gov/))
  it('the keeper a module gets has no credit', () => {
    const registry = testRegistry([treasuryModule])
    assert.equal('credit' in (contextFor(registry, 'treasury').keeper(BANK) as object), false)
  })
})

describe('context scopes: a module reaches only what it declared', () => {
  const registry = testRegistry([treasuryModule, module('plain')], {
    moduleAccounts: { treasury: { owner: 'treasury', permissions: ['minter'] } },
  })

  it('refuses a keeper the module did not declare in expects', () => {
    assert.throws(
      () => contextFor(registry, 'plain').keeper(BANK),
      (e: unknown) => e instanceof StateError && e.code === 'UNDECLARED_KEEPER',
    )
  })
  it("refuses another module's store", () => {
    assert.throws(
      () => contextFor(registry, 'treasury').moduleStore('bank'),
      (e: unknown) => e instanceof StateError && e.code === 'SCOPE_VIOLATION',
    )
  })
  it('refuses a module scoping a context as another module', () => {
    assert.throws(
      () => contextFor(registry, 'treasury').forModule('bank'),
      (e: unknown) => e instanceof StateError && e.code === 'SCOPE_VIOLATION',
    )
  })
  it('refuses a module charging fees: only the ante handler pays them', () => {
    const bank = contextFor(registry, 'treasury').keeper(BANK) as unknown as BankKeeper
    assert.throws(() => bank.payFee(new Uint8Array(20), 1n), bankError('UNAUTHORIZED'))
  })
  it('refuses send from a module account address (sendFromModule is the way out)', () => {
    const bank = contextFor(registry, 'treasury').keeper(BANK) as unknown as BankKeeper
    assert.throws(
      () => bank.send(moduleAddress('treasury'), new Uint8Array(20), [{ denom: 'ufdr', amount: 1n }]),
      bankError('UNAUTHORIZED'),
    )
  })
  it('refuses minting a zero or unsorted amount', () => {
    const bank = contextFor(registry, 'treasury').keeper(BANK)
    assert.throws(() => bank.mint('treasury', [{ denom: 'ufdr', amount: 0n }]), bankError('INVALID_COINS'))
  })
})

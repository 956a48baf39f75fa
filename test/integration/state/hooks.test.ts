import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.js'
import { CacheStore, Context, GasMeter, StateError, outsideBlock } from '../../../src/state/index.js'
import { tempDir } from '../../helpers/chain.js'
import { commitTxs, openCoreApp, openTestApp, signedTx, tempDirs, testRegistry } from '../../support/chain.js'
import { PING_HOOKS } from '../../support/modules/pinger/hooks.js'
import { MsgPing, listenerModule, pingerModule, recorderModule } from '../../support/modules/pinger/index.js'

const ping = (nonce: bigint) => signedTx(0, nonce, [encode(MsgPing, { note: 'hi' })])
const listeners = () => [listenerModule('alpha'), listenerModule('beta'), listenerModule('gamma')]

describe('hooks registered at composition', () => {
  const dirs = tempDirs()
  const dir = () => dirs.next()
  after(() => dirs.removeAll())

  it("a provider's hook reaches exactly the subscribers composition lists, in that order", async () => {
    // gamma implements the hook too but is not subscribed: it must hear nothing.
    const hooks = [
      { point: PING_HOOKS, subscriber: 'beta' },
      { point: PING_HOOKS, subscriber: 'alpha' },
    ]
    const app = await openTestApp(dir(), [pingerModule, ...listeners()], { hooks })
    const executed = await commitTxs(app, [ping(0n), ping(1n)])
    assert.deepEqual(
      executed.txResults.map((r) => r.code),
      [0, 0],
    )
    const heard = executed.txResults.flatMap((r) => r.events.filter((e) => e.type === 'heard').map((e) => Object.fromEntries(e.attributes)))
    assert.deepEqual(heard, [
      { by: 'beta', count: '1' },
      { by: 'alpha', count: '1' },
      { by: 'beta', count: '2' },
      { by: 'alpha', count: '2' },
    ])
    assert.deepEqual(
      ['alpha', 'beta', 'gamma'].map((m) => app.query(m, 'heard')),
      ['2', '2', '0'],
    )
    await app.db.close()
  })

  it('a subscriber runs in its own scope: its writes land in its own store', async () => {
    const app = await openTestApp(dir(), [pingerModule, ...listeners()], { hooks: [{ point: PING_HOOKS, subscriber: 'gamma' }] })
    await commitTxs(app, [ping(0n)])
    assert.equal(app.query('gamma', 'heard'), '1')
    await app.db.close()
  })

  it('refuses at build a subscriber that does not implement the point, or one subscribed twice', () => {
    const invalid = (why: RegExp) => (e: unknown) => e instanceof StateError && e.code === 'COMPOSITION_INVALID' && why.test(e.message)
    assert.throws(
      () => testRegistry([pingerModule, recorderModule('deaf', [])], { hooks: [{ point: PING_HOOKS, subscriber: 'deaf' }] }),
      invalid(/deaf does not implement hook pinger\/ping/),
    )
    assert.throws(
      () =>
        testRegistry([pingerModule, ...listeners()], {
          hooks: [
            { point: PING_HOOKS, subscriber: 'alpha' },
            { point: PING_HOOKS, subscriber: 'alpha' },
          ],
        }),
      invalid(/twice/),
    )
    assert.throws(
      () => testRegistry(listeners(), { hooks: [{ point: PING_HOOKS, subscriber: 'alpha' }] }),
      invalid(/provider pinger is not registered/),
    )
  })

  it("refuses a module firing another module's hook point", () => {
    const registry = testRegistry([pingerModule, ...listeners()], { hooks: [{ point: PING_HOOKS, subscriber: 'alpha' }] })
    const ctx = new Context(
      outsideBlock('c', 1),
      new CacheStore({ get: () => undefined, *iterate() {} }),
      new GasMeter(10n ** 9n),
      registry,
    ).forModule('beta')
    assert.throws(
      () => ctx.hooks(PING_HOOKS),
      (e: unknown) => e instanceof StateError && e.code === 'SCOPE_VIOLATION',
    )
  })
})

describe('init-genesis, begin-block and end-block each run in their own order', () => {
  it('follows the three orders composition gives', async () => {
    const d = tempDir()
    const log: string[] = []
    const order = {
      initGenesis: ['auth', 'bank', 'one', 'two', 'three'],
      beginBlock: ['three', 'auth', 'bank', 'one', 'two'],
      endBlock: ['two', 'one', 'auth', 'bank', 'three'],
    }
    const app = await openCoreApp(
      d.path,
      ['one', 'two', 'three'].map((n) => recorderModule(n, log)),
      { order },
    )
    await commitTxs(app, [])
    assert.deepEqual(log, [
      'init:one',
      'init:two',
      'init:three',
      'begin:three',
      'begin:one',
      'begin:two',
      'end:two',
      'end:one',
      'end:three',
    ])
    await app.db.close()
    d.remove()
  })
})

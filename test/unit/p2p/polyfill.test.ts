import assert from 'node:assert/strict'
import '../../../src/p2p/polyfill.js'

describe('p2p Promise.withResolvers polyfill', () => {
  it('is installed (Node 20 lacks it; libp2p 3 needs it)', () => {
    assert.equal(typeof Promise.withResolvers, 'function')
  })

  it('resolves and rejects like the built-in', async () => {
    const ok = Promise.withResolvers<number>()
    ok.resolve(7)
    assert.equal(await ok.promise, 7)
    const failed = Promise.withResolvers<number>()
    failed.reject(new Error('no'))
    await assert.rejects(failed.promise, /no/)
  })
})

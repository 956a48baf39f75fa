import assert from 'node:assert/strict'
import { parseDevnetDp } from '../../../src/devnet/training.js'

describe('npm run devnet -- --dp Z:EPS[:C]', () => {
  it('reads noise multiplier, budget and clip norm (default 1) as decimal text, δ 1e-5', () => {
    assert.deepEqual(parseDevnetDp('1:10'), { noiseMultiplier: '1', targetEpsilon: '10', clipNorm: '1', delta: '0.00001' })
    assert.deepEqual(parseDevnetDp('0.5:8.5:2'), { noiseMultiplier: '0.5', targetEpsilon: '8.5', clipNorm: '2', delta: '0.00001' })
  })

  it('refuses what the chain would refuse or cannot be read: noise below 0.1, no budget, a zero clip, other shapes', () => {
    for (const bad of ['0.05:10', '1:0', '1:10:0', '1', '1:10:2:3', 'a:b', '-1:10', '1e1:10']) assert.equal(parseDevnetDp(bad), null, bad)
  })
})

import assert from 'node:assert/strict'
import { fdr, pct, short } from '../../../src/dashboard/app/dom.js'

/** The dashboard's number formatting: exact bigint amounts, never through floats. */
describe('dashboard formatting (src/dashboard/app/dom.ts)', () => {
  it('ufdr as FDR: exact at any size, fraction trimmed, sign kept, other denominations as they are', () => {
    assert.equal(fdr('0'), '0 FDR')
    assert.equal(fdr('1'), '0.000001 FDR')
    assert.equal(fdr('1000000'), '1 FDR')
    assert.equal(fdr('3624687'), '3.624687 FDR')
    assert.equal(fdr('1000000000000000'), '1,000,000,000 FDR')
    assert.equal(fdr(123456789012345678901234567890n), '123,456,789,012,345,678,901,234.56789 FDR')
    assert.equal(fdr(-1500000n), '-1.5 FDR')
    assert.equal(fdr('42', 'stake'), '42 stake')
  })

  it('shortens long ids keeping both ends, and formats fractions as percent', () => {
    assert.equal(short('bafybeiaxpsfsll6djylt6ymkqzccjydpwwvkwlom3xilierbmejwpnhrzu', 8), 'bafybeia…hrzu')
    assert.equal(short('abc', 8), 'abc')
    assert.equal(pct(0.9912), '99.1 %')
    assert.equal(pct(null), '—')
  })
})

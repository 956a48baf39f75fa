import assert from 'node:assert/strict'
describe('test harness', () => {
  it('runs TypeScript specs under tsx', () => {
    const value: number = 1 + 1
    assert.equal(value, 2)
  })
})

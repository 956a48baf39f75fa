import assert from 'node:assert/strict'
import { assembleBlock } from '../../../src/consensus/index.js'
import { BlockBudget, DEFAULT_BLOCK_BUDGET, blockBudgetFor } from '../../../src/node/block-budget.js'
import { ChainApp } from '../../../src/node/chain-app.js'
import { openApp, tempDir, testKey, transfer } from '../../helpers/chain.js'

const budget = (overrides: Partial<ConstructorParameters<typeof BlockBudget>[0]> = {}) =>
  new BlockBudget({ ...DEFAULT_BLOCK_BUDGET, targetMs: 1000, ...overrides })

describe('BlockBudget', () => {
  it('starts from the prior: target / prior ms per tx', () => {
    assert.equal(budget({ priorMsPerTx: 0.5 }).maxTxs(), 2000)
  })

  it('shrinks after slow blocks and grows after fast ones', () => {
    const b = budget()
    b.observe(1000, 2000) // 2 ms per tx
    assert.equal(b.maxTxs(), 500)
    for (let i = 0; i < 50; i++) b.observe(500, 50) // 0.1 ms per tx
    assert.ok(b.maxTxs() > 9000 && b.maxTxs() <= 10_000, String(b.maxTxs()))
  })

  it('moves by the configured weight, not all the way at once', () => {
    const b = budget()
    b.observe(1000, 1000) // 1 ms per tx
    b.observe(1000, 3000) // 3 ms per tx
    assert.equal(b.msPerTx, 1 + DEFAULT_BLOCK_BUDGET.weight * 2)
  })

  it('never goes below minTxs, however slow', () => {
    const b = budget({ minTxs: 64 })
    b.observe(100, 1e9)
    assert.equal(b.maxTxs(), 64)
  })

  it('ignores blocks too small to say anything about per-tx time, and nonsense times', () => {
    const b = budget({ minSample: 32 })
    b.observe(10, 10_000)
    b.observe(100, Number.NaN)
    b.observe(100, -5)
    assert.equal(b.samples, 0)
    assert.equal(b.maxTxs(), budget().maxTxs())
  })

  it('gives a propose timeout’s share to execution', () => {
    assert.equal(blockBudgetFor(3000, { priorMsPerTx: 1 }).maxTxs(), 750)
  })

  it('refuses a config that cannot budget anything', () => {
    assert.throws(() => budget({ targetMs: 0 }), RangeError)
    assert.throws(() => budget({ weight: 2 }), RangeError)
    assert.throws(() => budget({ minTxs: 0 }), RangeError)
  })
})

describe('ChainApp block sizing', () => {
  const dirs: { remove(): void }[] = []
  const chains: ChainApp[] = []
  after(async () => {
    for (const chain of chains) await chain.state.db.close()
    for (const dir of dirs) dir.remove()
  })
  const open = async () => {
    const dir = tempDir()
    dirs.push(dir)
    const chain = await ChainApp.open(await openApp(dir.path))
    chains.push(chain)
    return chain
  }
  const txs = Array.from({ length: 40 }, (_, i) => transfer(i % 8, (i + 1) % 8, 1n, BigInt(Math.floor(i / 8))))
  const proposer = testKey(100).publicKey.address

  it('reaps as many transactions as its budget allows, and no fixed count', async () => {
    const chain = await open()
    const asked: number[] = []
    chain.setTxSource({ reap: (limits) => (asked.push(limits.maxTxs), txs.slice(0, limits.maxTxs)) })
    chain.setBlockBudget(budget({ targetMs: 10, priorMsPerTx: 1, minTxs: 3 }))
    const prepared = await chain.prepareBlock({ height: 1, round: 0, time: Date.parse('2026-01-01T00:00:01Z'), proposer, evidence: [] })
    assert.deepEqual(asked, [10])
    assert.equal(prepared.txs.length, 10)
    chain.setBlockBudget(budget({ targetMs: 100_000, priorMsPerTx: 1 }))
    chain.prepareBlock({ height: 1, round: 1, time: Date.parse('2026-01-01T00:00:02Z'), proposer, evidence: [] })
    assert.deepEqual(asked, [10, 100_000])
  })

  it('measures its own executions into the budget', async () => {
    const chain = await open()
    chain.setTxSource({ reap: () => txs })
    chain.setBlockBudget(budget({ minSample: 32 }))
    chain.prepareBlock({ height: 1, round: 0, time: Date.parse('2026-01-01T00:00:01Z'), proposer, evidence: [] })
    assert.equal(chain.blockBudget.samples, 1)
  })

  it('accepts a valid block larger than its own budget would have proposed', async () => {
    const proposing = await open()
    proposing.setTxSource({ reap: () => txs })
    const time = Date.parse('2026-01-01T00:00:01Z')
    const prepared = await proposing.prepareBlock({ height: 1, round: 0, time, proposer, evidence: [] })
    const block = assembleBlock(proposing.tip(), { height: 1, time, proposer, evidence: [] }, prepared)
    const validating = await open()
    validating.setBlockBudget(budget({ targetMs: 1, priorMsPerTx: 1, minTxs: 1 }))
    assert.equal(validating.blockBudget.maxTxs(), 1)
    assert.deepEqual(validating.processBlock(block), { valid: true })
  })
})

describe('BlockBudget commit cost', () => {
  it('counts what committing costs per tx against the budget too', () => {
    const b = budget({ weight: 1 })
    b.observe(1000, 500) // 0.5 ms per tx executing
    assert.equal(b.maxTxs(), 2000)
    b.observeCommit(1000, 500) // and 0.5 ms per tx re-checking, indexing, fanning out
    assert.equal(b.maxTxs(), 1000)
  })

  it('ignores commits of blocks too small to measure', () => {
    const b = budget()
    b.observeCommit(5, 1e6)
    assert.equal(b.commitMsPerTx, 0)
  })
})

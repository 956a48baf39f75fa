import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { type Node, type TreeWrite, applyWrites, leaves, lookup, prove, rootHash } from '../../../src/state/smt.js'
import type { StateProof } from '../../../src/state/proof.js'

/**
 * Roots and proofs pinned from the tree as it was before the commit-speed work (issue 27):
 * they are consensus data, so any rewrite of the tree must reproduce these bytes exactly.
 * Inputs come from a seeded generator (SHA-256 in counter mode), never Math.random.
 */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

function stream(seed: string): (length: number) => Uint8Array {
  let counter = 0
  let pool = new Uint8Array(0)
  return (length) => {
    while (pool.length < length) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest()
      const next = new Uint8Array(pool.length + block.length)
      next.set(pool)
      next.set(block, pool.length)
      pool = next
    }
    const out = pool.slice(0, length)
    pool = pool.slice(length)
    return out
  }
}

/** One digest over every sibling and leaf of a list of proofs, so a test can pin many proofs at once. */
function proofsDigest(proofs: StateProof[]): string {
  const h = createHash('sha256')
  for (const proof of proofs) {
    h.update(Uint8Array.of(proof.siblings.length))
    for (const sibling of proof.siblings) h.update(sibling)
    if (proof.leaf === null) h.update(Uint8Array.of(0))
    else h.update(Uint8Array.of(1)).update(proof.leaf.path).update(proof.leaf.valueHash)
  }
  return h.digest('hex')
}

interface Scenario {
  roots: string[]
  proofs: string
}

/**
 * Builds `blocks` batches: fresh keys, overwrites of earlier keys, deletes of earlier keys, a
 * key written twice in one batch (the later write wins) and a delete of a key never written.
 */
function scenario(seed: string, blocks: number, perBlock: number): Scenario {
  const next = stream(seed)
  const known: Uint8Array[] = []
  let root: Node | null = null
  const roots: string[] = []
  for (let b = 0; b < blocks; b++) {
    const writes: TreeWrite[] = []
    for (let i = 0; i < perBlock; i++) {
      const pick = next(2)
      const kind = known.length === 0 ? 0 : pick[0]! % 4
      if (kind <= 1) {
        const key = next(1 + (pick[1]! % 40))
        known.push(key)
        writes.push({ key, value: next(pick[1]! % 70) })
      } else if (kind === 2) {
        writes.push({ key: known[pick[1]! % known.length]!, value: next(8) })
      } else {
        writes.push({ key: known[pick[1]! % known.length]!, value: null })
      }
    }
    if (known.length > 0) {
      const twice = known[known.length - 1]!
      writes.push({ key: twice, value: Uint8Array.of(1) }, { key: twice, value: Uint8Array.of(2, b) })
    }
    writes.push({ key: next(33), value: null })
    root = applyWrites(root, writes)
    roots.push(hex(rootHash(root)))
  }
  const probes = [...known.slice(0, 200), ...Array.from({ length: 50 }, () => next(5))]
  return { roots, proofs: proofsDigest(probes.map((key) => prove(root, key))) }
}

describe('state tree roots and proofs (pinned)', () => {
  it('keeps the empty root, a one-leaf root and a two-leaf root', () => {
    assert.equal(hex(rootHash(null)), '0'.repeat(64))
    const one = applyWrites(null, [{ key: Uint8Array.of(1), value: Uint8Array.of(10) }])
    const two = applyWrites(one, [{ key: Uint8Array.of(2), value: Uint8Array.of(20) }])
    const emptyValue = applyWrites(null, [{ key: new Uint8Array(0), value: new Uint8Array(0) }])
    assert.deepEqual([hex(rootHash(one)), hex(rootHash(two)), hex(rootHash(emptyValue))], PINNED.small)
  })

  it('keeps the roots of small mixed batches and the proofs after them', () => {
    assert.deepEqual(scenario('small', 30, 7), PINNED.smallBatches)
  })

  it('keeps the roots of large mixed batches and the proofs after them', () => {
    assert.deepEqual(scenario('large', 6, 1500), PINNED.largeBatches)
  })

  it('keeps the root when every key is deleted again', () => {
    const next = stream('drain')
    const keys = Array.from({ length: 300 }, () => next(12))
    const full = applyWrites(
      null,
      keys.map((key) => ({ key, value: next(3) })),
    )
    const half = applyWrites(
      full,
      keys.filter((_, i) => i % 2 === 0).map((key) => ({ key, value: null })),
    )
    const empty = applyWrites(
      half,
      keys.map((key) => ({ key, value: null })),
    )
    assert.deepEqual([hex(rootHash(full)), hex(rootHash(half))], PINNED.drain)
    assert.equal(empty, null)
    assert.equal([...leaves(half)].length, 150)
    for (const [i, key] of keys.entries()) assert.equal(lookup(half, key) === undefined, i % 2 === 0)
  })
})

const PINNED = {
  small: [
    '6e2a71bb222404c17eb0fdeee1307d2b20d12f5b8e2f970c97858047bf4a880b',
    '891c0272eb5c2af8d6fcb2313865c28f21525cdb2ca072f60d9ac1d1e785bf47',
    '5e3974ed8fb956566ac73eb39eadf1dfe7ece1f5ce7c166b62983e26d47d93a9',
  ],
  smallBatches: {
    roots: [
      '2bb171313a12cc8ef23f6bed7cd2231650c350d2bf9bf44357fb329a1995b94e',
      'fa1e06b404ccd563faaf758ad859ded587c06e0a06e970aff9288de2731501e2',
      'c84cc11785b041314e527d96a6fd9189559fdafa15884ca94934ae2f9a0822cc',
      '1d8ef5c0c334aa1bb5825133795d26a8f444a011f6280920b7c9ab85bc217abe',
      '2e7250379bda24706f6b7015c58693ea8989674999b50013c1af1b6706cafdd1',
      'aefc36b607cf950296587bff0b5c1ab75e9a610ea8c4d095625c84d7e2d5fa39',
      '5b9f472f6b455c5de2e12b5f0541870cfc3f8c8fd6029972876ed12f892c52b1',
      '9c7fe353f4990440233dab863d89224314c5825e065b3aa2015c817dc8b366b0',
      '7edb9a3b210d52f1e3e770a67f6d0397664b5eae6a3354dd8f3cf32b93b7cef9',
      'b58eaaa9d5693f541137765b198dbf878de6f830ada87bc3f1876d3b1c24bd29',
      '4c5d593d9d3a4c1b68e5859fd572d059d782c88ab25e8cfea784ee271d34bc67',
      'e81cc2d7753eb5ef48fd47ce92458f09546cd86a6c091b42bafc6e1489d0bdbc',
      '4cfb3022662c2cb1c72563aab5a81ba70a578feef38d7fe980f5e5fb263a635c',
      '068d351b02e7bcc4facbe8367579cf68e847cdddad8931d0b6fddfe2c449fc54',
      '9fccec7dc774a93e3d1f3a5ec442e477ffb3d38c944f55f2bc3c3a9374eb2dd0',
      '7deb8f180afde2f870ee9faf0032ae10dad6a7d6a58a8bdf5eb32979c9905f73',
      '1912aa94ee448be18ebc7167d3e3f0a7e254fa244ff7ef728d754f5cb8b79f8f',
      'b11b09a5f80f760323df62128e4958411180f7c64736b2799bf27434e1ed91dd',
      'a18ec413860e0265eea133d6d891c9256c3ad61433f4910340c2f588ccc7c766',
      '98894d34860ca33219a6a2a4f0f99e4b203757261636c15a8847bf12b2e8ade6',
      '6c626c9e7bf315b86c22156755f258a047a67678d2f2e28852af3b183e195bd8',
      'd9d5ab7faa6c55677e041a236fb28ba9a6d164208374cf9548782a1d9168eb5f',
      'c62baa41ac92bafd307c85688bef868cae5337323fff9c8182429a4e680f2c1c',
      '306788470e263a26e7ecdb77e1833e7825290ad9cbf13ce79fde25954a78fe88',
      'f844e7b43160c4ad309a4f03a2f30e58ef869f936311e6314f39b47db04b772e',
      '2c74ca3ef1df31479d9c567adcb651de31993f9ce7d856aa0b0d07eb180dc516',
      '4e2bf669b107900c4d4435ef2b97d8b5f22dbf853e5225e49eb976195b8ca829',
      'e171b395d918d889ab5dfb7e0548917d6ead9324566a9653c25b8e9f9914e675',
      '335d0559ac27137cfb9efe71678f2a5c9293ba5eb7bf73bf158e0f4a1b50eb46',
      '660b4ad1679d54651309a23fbd23e1eac20ab4a3786c00a91b7ec9b95016d38f',
    ],
    proofs: '539bb08fa56d13a3883207211b92de4a6fe906e532fb7b1eeac9be37b44cb970',
  },
  largeBatches: {
    roots: [
      '54c72e2d816ca905abea7e1185daa7b90fb768eb34f4314837f5ae77f633d4a4',
      'f52d10312f834bbeeb7f6008d8a28920023e3fc8433dc1778189fa34a0ff7c87',
      'c7af48e0005e22695b441e6f02c140b4170a5b6fb5a23c297b8197197269fbfc',
      '9558f0704273a52bc945213acc25a0e22ecca1c58546f4e166abb08e8294dc90',
      '1c44f8df01afdbbe204a198e53cc421633379a2c6e6af534e59f3eecfca4e748',
      '2bed63651e96684f3a8e7ee6de43db7e2925dafb2274c657b4617cb368d9c874',
    ],
    proofs: '878ed59e70c0274d34d245745e4083c81a33e57d343bd6f03f486fc4aa12d697',
  },
  drain: [
    '1a62fb467a3cf66f0e6cad4f342c013400259885a5bf28712700e21f4e77c50b',
    '7052439e5cdf4479795094fc2cc8764fdd32cbf8760bf03d9949d80970343d35',
  ],
}

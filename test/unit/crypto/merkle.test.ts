import assert from 'node:assert/strict'
import {
  appendToFrontier,
  frontierRoot,
  fromHex,
  merkleAuditPath,
  merkleLeafHash,
  merkleNodeHash,
  merkleProof,
  merkleRoot,
  sha256,
  toHex,
  verifyMerkleProof,
} from '../../../src/crypto/index.js'

// Certificate Transparency's reference vectors (RFC 6962; google/certificate-transparency merkle_tree_test).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  fromHex(h),
)
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

const leaves = (n: number): Uint8Array[] => [...Array(n).keys()].map((i) => Uint8Array.of(i, i * 7, 255 - i))

describe('RFC 6962 Merkle trees', () => {
  it('gives Certificate Transparency\u2019s roots for its 1- to 8-leaf reference trees', () => {
    for (let n = 1; n <= 8; n++) assert.equal(toHex(merkleRoot(CT_LEAVES.slice(0, n))), CT_ROOTS[n - 1], `n=${n}`)
  })

  it('roots the empty tree at the SHA-256 of nothing and one leaf at its leaf hash', () => {
    assert.deepEqual(merkleRoot([]), sha256(new Uint8Array()))
    assert.deepEqual(merkleRoot([Uint8Array.of(1)]), sha256(Uint8Array.of(0, 1)))
    assert.deepEqual(merkleLeafHash(Uint8Array.of(1)), sha256(Uint8Array.of(0, 1)))
    assert.deepEqual(merkleNodeHash(Uint8Array.of(2), Uint8Array.of(3)), sha256(Uint8Array.of(1, 2, 3)))
  })

  it('proves every leaf of trees of 1 to 33 leaves, and verifies nothing else', () => {
    for (let n = 1; n <= 33; n++) {
      const all = leaves(n)
      const root = merkleRoot(all)
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(all, i)
        assert.equal(verifyMerkleProof(root, all[i]!, i, n, proof), true, `n=${n} i=${i}`)
        assert.equal(verifyMerkleProof(root, Uint8Array.of(99, 99), i, n, proof), false, 'a tampered leaf')
        if (n > 1) assert.equal(verifyMerkleProof(root, all[i]!, (i + 1) % n, n, proof), false, 'another index')
        assert.equal(verifyMerkleProof(merkleLeafHash(all[i]!), all[i]!, i, n, proof), n === 1, 'another root')
        if (proof.length > 0) assert.equal(verifyMerkleProof(root, all[i]!, i, n, proof.slice(1)), false, 'a shortened path')
        assert.equal(verifyMerkleProof(root, all[i]!, i, n, [...proof, root]), false, 'a lengthened path')
      }
    }
  })

  it('agrees with its audit path\u2019s sides and refuses an index outside the tree', () => {
    const all = leaves(11)
    const root = merkleRoot(all)
    for (let i = 0; i < 11; i++) {
      let hash = merkleLeafHash(all[i]!)
      for (const step of merkleAuditPath(all, i)) hash = step.left ? merkleNodeHash(step.sibling, hash) : merkleNodeHash(hash, step.sibling)
      assert.deepEqual(hash, root)
    }
    assert.throws(() => merkleProof(all, 11), RangeError)
    assert.equal(verifyMerkleProof(root, all[0]!, -1, 11, []), false)
    assert.equal(verifyMerkleProof(root, all[0]!, 11, 11, []), false)
  })

  it('keeps a leaf from passing for an inner node (the 0x00 and 0x01 prefixes)', () => {
    const all = leaves(2)
    const root = merkleRoot(all)
    const inner = Buffer.concat([merkleLeafHash(all[0]!), merkleLeafHash(all[1]!)])
    assert.equal(verifyMerkleProof(root, inner, 0, 1, []), false)
  })

  it('grows a frontier leaf by leaf to the same root as the whole tree', () => {
    let frontier: Uint8Array[] = []
    assert.deepEqual(frontierRoot(frontier), merkleRoot([]))
    const all = leaves(70)
    all.forEach((leaf, i) => {
      frontier = appendToFrontier(frontier, BigInt(i), merkleLeafHash(leaf))
      assert.deepEqual(frontierRoot(frontier), merkleRoot(all.slice(0, i + 1)), `after ${i + 1}`)
      assert.equal(frontier.length, (i + 1).toString(2).replaceAll('0', '').length)
    })
  })
})

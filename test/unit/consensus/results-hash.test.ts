import assert from 'node:assert/strict'
import { sha256 } from '../../../src/crypto/index.js'
import { type TxResultDigest, resultProof, resultsHash, verifyResultProof } from '../../../src/consensus/index.js'

const result = (i: number, code = 0): TxResultDigest => ({
  txHash: sha256(Uint8Array.of(i)),
  code,
  codespace: code === 0 ? '' : 'bank',
  gasWanted: 1000n + BigInt(i),
  gasUsed: 900n,
})

describe('last results hash', () => {
  it('proves every result of blocks of 1 to 17 txs against the root, and nothing else', () => {
    for (let n = 1; n <= 17; n++) {
      const results = [...Array(n).keys()].map((i) => result(i, i % 3 === 0 ? 5 : 0))
      const root = resultsHash(results)
      for (let i = 0; i < n; i++) {
        const proof = resultProof(results, i)
        assert.equal(verifyResultProof(root, results[i]!, proof), true, `n=${n} i=${i}`)
        assert.equal(verifyResultProof(root, { ...results[i]!, code: 7 }, proof), false, 'another code')
        assert.equal(verifyResultProof(root, { ...results[i]!, gasUsed: 1n }, proof), false, 'other gas')
        if (n > 1) assert.equal(verifyResultProof(root, results[(i + 1) % n]!, proof), false, 'another tx at this place')
      }
    }
  })

  it('depends on order and content; an empty block has the hash of nothing', () => {
    const a = [result(1), result(2)]
    assert.notDeepEqual(resultsHash(a), resultsHash([...a].reverse()))
    assert.notDeepEqual(resultsHash(a), resultsHash([result(1), result(2, 4)]))
    assert.deepEqual(resultsHash([]), sha256(new Uint8Array()))
    assert.throws(() => resultProof(a, 2), RangeError)
  })

  it('keeps leaves and inner nodes apart (RFC 6962 prefixes): a node hash is no leaf', () => {
    const results = [result(1), result(2)]
    const root = resultsHash(results)
    // Claiming the root itself is a one-leaf tree of some result must not verify.
    assert.equal(verifyResultProof(root, result(1), []), false)
  })
})

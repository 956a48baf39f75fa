import assert from 'node:assert/strict'
import { createPublicKey, verify as opensslVerify } from 'node:crypto'
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { fromHex, toHex, verify, verifyReference } from '../../../src/crypto/index.js'
import { GROUP_ORDER, littleEndianToBigInt } from '../../../src/crypto/ed25519-rules.js'

const { Point } = ed25519
const L = GROUP_ORDER
const P = 2n ** 255n - 19n

function le32(value: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn)
  return out
}

function challenge(R: Uint8Array, A: Uint8Array, message: Uint8Array): bigint {
  return littleEndianToBigInt(sha512(Uint8Array.from(Buffer.concat([R, A, message])))) % L
}

/** A signature made by hand for a chosen secret scalar, so keys can carry torsion. */
function signRaw(a: bigint, A: Uint8Array, r: bigint, message: Uint8Array, R = Point.BASE.multiply(r).toBytes()) {
  const k = challenge(R, A, message)
  return Uint8Array.from(Buffer.concat([R, le32((r + k * a) % L)]))
}

function agree(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const fast = verify(publicKey, message, signature)
  assert.equal(
    fast,
    verifyReference(publicKey, message, signature),
    `fast path and reference disagree on pk ${toHex(publicKey)} sig ${toHex(signature)}`,
  )
  return fast
}

function opensslAlone(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey])
  return opensslVerify(null, message, createPublicKey({ key: der, format: 'der', type: 'spki' }), signature)
}

describe('ed25519 verification rules: node:crypto fast path ≡ pure-JS reference', () => {
  it('accepts the RFC 8032 test vector 1 (empty message)', () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
    const publicKey = ed25519.getPublicKey(seed)
    assert.equal(toHex(publicKey), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    const signature = ed25519.sign(new Uint8Array(0), seed)
    assert.equal(
      toHex(signature),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    )
    assert.equal(agree(publicKey, new Uint8Array(0), signature), true)
  })

  it('agrees with noble on honest signatures and on every single-bit corruption', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), fc.nat(), (seed, message, flip) => {
        const publicKey = ed25519.getPublicKey(seed)
        const signature = ed25519.sign(message, seed)
        assert.equal(agree(publicKey, message, signature), true)
        assert.equal(ed25519.verify(signature, message, publicKey), true)
        const bit = flip % (64 * 8)
        const corrupted = Uint8Array.from(signature)
        corrupted[bit >> 3]! ^= 1 << (bit & 7)
        assert.equal(agree(publicKey, message, corrupted), false)
        const otherKey = Uint8Array.from(publicKey)
        otherKey[(flip >> 3) % 32]! ^= 1 << (flip & 7)
        assert.equal(agree(otherKey, message, signature), false)
      }),
      { numRuns: 150 },
    )
  })

  it('rejects a malleated signature with S + L', () => {
    const seed = new Uint8Array(32).fill(7)
    const message = new TextEncoder().encode('pay 5')
    const signature = ed25519.sign(message, seed)
    const S = littleEndianToBigInt(signature.subarray(32))
    const malleated = Uint8Array.from(Buffer.concat([signature.subarray(0, 32), le32(S + L)]))
    assert.equal(agree(ed25519.getPublicKey(seed), message, malleated), false)
  })

  it('rejects every small-order public key, even where OpenSSL alone accepts the signature', () => {
    const message = new TextEncoder().encode('anyone can sign this')
    let opensslAccepted = 0
    for (const hex of ED25519_TORSION_SUBGROUP) {
      const A = fromHex(hex)
      // With S = r the equation holds whenever [k]A is the identity.
      for (let r = 1n; r <= 8n; r++) {
        const R = Point.BASE.multiply(r).toBytes()
        const signature = Uint8Array.from(Buffer.concat([R, le32(r)]))
        assert.equal(agree(A, message, signature), false)
        try {
          if (opensslAlone(A, message, signature)) opensslAccepted++
        } catch {
          // OpenSSL refuses some of these keys outright; fine either way.
        }
      }
    }
    assert.ok(opensslAccepted > 0, 'the planted case must be one the small-order rule is needed for')
  })

  it('rejects non-canonical public key encodings (y ≥ p, sign bit on x = 0)', () => {
    const message = new Uint8Array([1, 2, 3])
    const signature = ed25519.sign(message, new Uint8Array(32).fill(1))
    for (let y = 0n; y < 19n; y++) {
      for (const sign of [0n, 1n]) {
        const encoding = le32((y + P) | (sign << 255n))
        assert.equal(agree(encoding, message, signature), false)
      }
    }
    for (const hex of [
      '0100000000000000000000000000000000000000000000000000000000000080',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    ]) {
      assert.equal(agree(fromHex(hex), message, signature), false)
    }
  })

  it('decides mixed-order keys by the cofactorless equation, on both paths', () => {
    const a = 0x1234567890abcdefn
    const torsion2 = Point.fromBytes(fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))
    const A = Point.BASE.multiply(a).add(torsion2).toBytes()
    let accepted = 0
    let rejected = 0
    for (let i = 1n; i <= 48n; i++) {
      const message = le32(i)
      const signature = signRaw(a, A, 1000n + i, message)
      if (agree(A, message, signature)) accepted++
      else rejected++
    }
    // [k]T is the identity exactly when k is even: both outcomes must occur.
    assert.ok(accepted > 0 && rejected > 0, `accepted ${accepted}, rejected ${rejected}`)
  })

  it('accepts a small-order R only in its canonical encoding', () => {
    const a = 0xfeedn
    const A = Point.BASE.multiply(a).toBytes()
    const message = new TextEncoder().encode('R is the identity')
    const identityEncodings = [
      '0100000000000000000000000000000000000000000000000000000000000000', // canonical
      '0100000000000000000000000000000000000000000000000000000000000080', // sign bit on x = 0
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1
    ]
    const results = identityEncodings.map((hex) => {
      const R = fromHex(hex)
      const k = challenge(R, A, message)
      const signature = Uint8Array.from(Buffer.concat([R, le32((k * a) % L)]))
      return agree(A, message, signature)
    })
    assert.deepEqual(results, [true, false, false])
  })

  it('rejects wrong lengths', () => {
    const seed = new Uint8Array(32).fill(3)
    const message = new Uint8Array([9])
    const signature = ed25519.sign(message, seed)
    const publicKey = ed25519.getPublicKey(seed)
    assert.equal(agree(publicKey, message, signature.subarray(0, 63)), false)
    assert.equal(agree(publicKey.subarray(0, 31), message, signature), false)
  })
})

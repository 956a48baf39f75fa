import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  CryptoError,
  PrivateKey,
  PublicKey,
  decodeAddress,
  encodeAddress,
  newMnemonic,
  privateKeyFromMnemonic,
  signBytes,
} from '../../../src/crypto/index.js'
import { decryptKey, encryptKey } from '../../../src/crypto/keystore.js'

const FAST_SCRYPT = { n: 1 << 10, r: 8, p: 1 }

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => error instanceof CryptoError && error.code === code)
}

describe('keys and domain-separated signatures', () => {
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(42))
  const payload = new TextEncoder().encode('transfer')

  it('signs the same bytes as noble (RFC 8032 signing is deterministic)', () => {
    const message = signBytes('tx', 'fedra-test', payload)
    assert.deepEqual(key.sign('tx', 'fedra-test', payload), ed25519.sign(message, key.exportSeed()))
  })

  it('verifies only under the same domain and chain id', () => {
    const signature = key.sign('tx', 'fedra-test', payload)
    assert.equal(key.publicKey.verify('tx', 'fedra-test', payload, signature), true)
    assert.equal(key.publicKey.verify('vote', 'fedra-test', payload, signature), false)
    assert.equal(key.publicKey.verify('tx', 'fedra-other', payload, signature), false)
  })

  it('refuses keys of the wrong length', () => {
    expectCode(() => PublicKey.fromBytes(new Uint8Array(31)), 'BAD_KEY_LENGTH')
    expectCode(() => PrivateKey.fromSeed(new Uint8Array(33)), 'BAD_KEY_LENGTH')
  })
})

describe('bech32 addresses', () => {
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(1))

  it('round-trips and starts with the fedra prefix', () => {
    const address = key.publicKey.address
    assert.match(address, /^fedra1[02-9ac-hj-np-z]{38}$/)
    assert.deepEqual(decodeAddress(address), key.publicKey.addressBytes)
  })

  it('rejects a wrong checksum, prefix, case, or length', () => {
    const address = key.publicKey.address
    const flipped = address.slice(0, -1) + (address.endsWith('q') ? 'p' : 'q')
    expectCode(() => decodeAddress(flipped), 'BAD_ADDRESS')
    expectCode(() => decodeAddress(encodeAddress(key.publicKey.addressBytes, 'cosmos')), 'BAD_ADDRESS')
    expectCode(() => decodeAddress(address.toUpperCase()), 'BAD_ADDRESS')
    expectCode(() => encodeAddress(new Uint8Array(19)), 'BAD_ADDRESS')
    expectCode(() => decodeAddress('not an address'), 'BAD_ADDRESS')
  })
})

describe('BIP-39 mnemonics', () => {
  it('derives the same key from the same words, and different keys per account', () => {
    const words = newMnemonic()
    assert.equal(words.split(' ').length, 24)
    const a = privateKeyFromMnemonic(words)
    assert.equal(privateKeyFromMnemonic(`  ${words.replaceAll(' ', '   ')} `).publicKey.address, a.publicKey.address)
    assert.notEqual(privateKeyFromMnemonic(words, 1).publicKey.address, a.publicKey.address)
  })

  it('rejects a bad checksum or an unknown word', () => {
    const words = newMnemonic().split(' ')
    const swapped = [...words.slice(0, -1), words.at(-1) === 'abandon' ? 'zoo' : 'abandon'].join(' ')
    expectCode(() => privateKeyFromMnemonic(swapped), 'BAD_MNEMONIC')
    expectCode(() => privateKeyFromMnemonic(['fedra', ...words.slice(1)].join(' ')), 'BAD_MNEMONIC')
  })
})

describe('encrypted keystore', () => {
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(9))
  const file = encryptKey(key, 'correct horse', FAST_SCRYPT)

  it('opens with the passphrase and yields the same key', () => {
    assert.equal(decryptKey(JSON.parse(JSON.stringify(file)), 'correct horse', FAST_SCRYPT).publicKey.address, key.publicKey.address)
  })

  it('does not contain the seed in clear', () => {
    assert.ok(!JSON.stringify(file).includes(Buffer.from(key.exportSeed()).toString('hex')))
  })

  it('rejects a wrong passphrase', () => {
    expectCode(() => decryptKey(file, 'wrong horse', FAST_SCRYPT), 'KEYSTORE_BAD_PASSPHRASE')
  })

  it('rejects a file whose visible address was edited', () => {
    const other = PrivateKey.fromSeed(new Uint8Array(32).fill(10))
    expectCode(() => decryptKey({ ...file, address: other.publicKey.address }, 'correct horse', FAST_SCRYPT), 'KEYSTORE_BAD_PASSPHRASE')
  })

  it('names the malformed field', () => {
    const bad = { ...file, crypto: { ...file.crypto, nonce: 'zz' } }
    assert.throws(
      () => decryptKey(bad, 'correct horse', FAST_SCRYPT),
      (e: unknown) => e instanceof CryptoError && e.code === 'KEYSTORE_MALFORMED' && e.context.field === 'crypto.nonce',
    )
    expectCode(() => decryptKey(null, 'x', FAST_SCRYPT), 'KEYSTORE_MALFORMED')
    expectCode(
      () => decryptKey({ ...file, crypto: { ...file.crypto, kdfparams: { ...file.crypto.kdfparams, n: 1000 } } }, 'x', FAST_SCRYPT),
      'KEYSTORE_MALFORMED',
    )
  })

  it('refuses scrypt parameters weaker than the ones it writes', () => {
    // By default the minimum is DEFAULT_SCRYPT: a FAST_SCRYPT file (N=1024) must not open.
    assert.throws(
      () => decryptKey(file, 'correct horse'),
      (e: unknown) => e instanceof CryptoError && e.code === 'KEYSTORE_WEAK' && /N=1024 r=8 is weaker than the N=32768 r=8/.test(e.message),
    )
    const weak = { ...file, crypto: { ...file.crypto, kdfparams: { ...file.crypto.kdfparams, n: 2 } } }
    expectCode(() => decryptKey(weak, 'correct horse', FAST_SCRYPT), 'KEYSTORE_WEAK')
    const lowR = { ...file, crypto: { ...file.crypto, kdfparams: { ...file.crypto.kdfparams, r: 1 } } }
    expectCode(() => decryptKey(lowR, 'correct horse', FAST_SCRYPT), 'KEYSTORE_WEAK')
  })

  it('rejects unsupported versions and algorithms', () => {
    expectCode(() => decryptKey({ ...file, version: 2 }, 'correct horse', FAST_SCRYPT), 'KEYSTORE_UNSUPPORTED')
    expectCode(
      () => decryptKey({ ...file, crypto: { ...file.crypto, kdf: 'pbkdf2' } }, 'correct horse', FAST_SCRYPT),
      'KEYSTORE_UNSUPPORTED',
    )
  })
})

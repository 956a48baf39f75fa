/**
 * Transaction admission vs raw ed25519 verification.
 * Raw: node:crypto verify of 64-byte signatures over ~200-byte messages with cached keys.
 * Admission: the full stateless check of signed transfer transactions (size, canonical
 * decode, chain id, sign bytes, Fedra's rule checks + verify, message decode and validation).
 * Key import: what a key seen for the first time costs before its first verification (the
 * verifier memoises it by key bytes), as SPKI DER and as the JWK src/crypto/ed25519.ts uses.
 */
import { encode } from '../src/codec/index.js'
import { PrivateKey, verify, verifyReference } from '../src/crypto/index.js'
import { MsgSend, defaultRegistry } from '../src/modules/index.js'
import { DEFAULT_CONSENSUS_PARAMS, checkTxStateless, signTx } from '../src/state/index.js'
import { verify as nodeVerify, createPublicKey } from 'node:crypto'
import { measure, report } from './harness.js'

const COUNT = 2_000
const keys = Array.from({ length: 50 }, (_, i) => PrivateKey.fromSeed(new Uint8Array(32).fill(i + 1)))
const registry = defaultRegistry()
const txs = Array.from({ length: COUNT }, (_, i) =>
  signTx(keys[i % keys.length]!, {
    chainId: 'fedra-bench',
    nonce: BigInt(i),
    fee: 200n,
    gasLimit: 200_000n,
    messages: [
      encode(MsgSend, { to: keys[(i + 1) % keys.length]!.publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: BigInt(i + 1) }] }),
    ],
    memo: '',
  }),
)
const messages = txs.map((tx) => tx.subarray(0, tx.length - 64))
const signatures = messages.map((m, i) => keys[i % keys.length]!.sign('tx', 'fedra-bench', m))
const spki = keys.map((k) =>
  createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), k.publicKey.bytes]), format: 'der', type: 'spki' }),
)
const { signBytes } = await import('../src/crypto/index.js')
const signed = messages.map((m) => signBytes('tx', 'fedra-bench', m))

const raw = await measure('raw node:crypto ed25519 verify', COUNT, () => {
  for (let i = 0; i < COUNT; i++) if (!nodeVerify(null, signed[i]!, spki[i % keys.length]!, signatures[i]!)) throw new Error('bad')
})
const fedraVerify = await measure('fedra verify (rules + node:crypto)', COUNT, () => {
  for (let i = 0; i < COUNT; i++) if (!verify(keys[i % keys.length]!.publicKey.bytes, signed[i]!, signatures[i]!)) throw new Error('bad')
})
const reference = await measure(
  'pure-JS reference verify (noble)',
  200,
  () => {
    for (let i = 0; i < 200; i++)
      if (!verifyReference(keys[i % keys.length]!.publicKey.bytes, signed[i]!, signatures[i]!)) throw new Error('bad')
  },
  { repeats: 2 },
)
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const derImport = await measure('key import, SPKI DER (createPublicKey)', COUNT, () => {
  for (let i = 0; i < COUNT; i++)
    createPublicKey({ key: Buffer.concat([SPKI_PREFIX, keys[i % keys.length]!.publicKey.bytes]), format: 'der', type: 'spki' })
})
const jwkImport = await measure('key import, JWK (what fedra verify uses)', COUNT, () => {
  for (let i = 0; i < COUNT; i++) {
    const x = Buffer.from(keys[i % keys.length]!.publicKey.bytes).toString('base64url')
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
  }
})
const admission = await measure('tx admission (stateless checkTx)', COUNT, () => {
  for (const tx of txs) checkTxStateless(tx, 'fedra-bench', DEFAULT_CONSENSUS_PARAMS, registry)
})

console.log(`ed25519 and transaction admission, ${COUNT} signatures per run, best of 5`)
report(raw)
report(fedraVerify, raw, 'verifies/s')
report(reference, raw, 'verifies/s')
report(derImport, raw, 'keys/s')
report(jwkImport, derImport, 'keys/s')
report(admission, raw, 'txs/s')
console.log(`target: tx admission ≥ 0.70× raw verify → ${(admission.opsPerSecond / raw.opsPerSecond).toFixed(2)}×`)

import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import { encode } from '../../../src/codec/index.js'
import { newKeySet, sealEnvelope } from '../../../src/fl/envelope/index.js'
import { EnvelopeKeyring } from '../../../src/fl/envelope/index.js'
import { NodeError } from '../../../src/node/errors.js'
import { fourValidatorGenesis, openChain, proposeNext, signedTx, tempDirs, VALIDATORS } from '../../support/chain.js'
import { MsgOpenEnvelope, envelopeProbeModule } from '../../support/modules/envelope-probe.js'
import { seededBytes } from '../../unit/fl/secagg/support.js'

/**
 * A node that is no recipient of a private subnet's epoch cannot execute a block that opens one
 * of its envelopes: the ChainApp tells its fatal listeners (the node stops and exits non-zero,
 * src/cli/commands/start.ts) with the reason, answers the proposal invalid and commits nothing,
 * instead of computing another state than its peers.
 */
describe('a node without the epoch key stops loudly', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())
  const random = seededBytes('envelope fatal')
  const seedOf = (i: number) => new Uint8Array(32).fill(i + 1)
  const { keySet } = newKeySet(0n, 0, [{ id: 'v0', publicKey: ed25519.utils.toMontgomery(ed25519.getPublicKey(seedOf(100))) }], random)
  const tx = signedTx(0, 0n, [encode(MsgOpenEnvelope, { envelope: sealEnvelope(keySet, new Uint8Array(40).fill(3), random) })])
  const open = () => openChain(dirs.next(), fourValidatorGenesis(), [envelopeProbeModule(keySet)])

  it('a recipient executes and commits the block; a non-recipient answers invalid, reports ENVELOPE_UNREADABLE once with the reason, and cannot commit it', async () => {
    const recipient = await open()
    recipient.setEnvelopeOpener(new EnvelopeKeyring([ed25519.utils.toMontgomerySecret(seedOf(100))]))
    const { block, commit } = proposeNext(recipient, VALIDATORS, { txs: [tx] })
    assert.equal(block.txs.length, 1)
    assert.deepEqual(await recipient.processBlock(block), { valid: true })
    await recipient.commitBlock(block, commit)
    assert.equal(recipient.height, 1)

    const outsider = await open()
    outsider.setEnvelopeOpener(new EnvelopeKeyring([ed25519.utils.toMontgomerySecret(seedOf(7))]))
    const fatal: unknown[] = []
    outsider.onFatal((error) => fatal.push(error))
    const verdict = await outsider.processBlock(block)
    assert.equal(verdict.valid, false)
    assert.match(verdict.reason ?? '', /ENVELOPE_NO_KEY/)
    assert.equal(fatal.length, 1)
    const [error] = fatal
    assert.ok(error instanceof NodeError && error.code === 'ENVELOPE_UNREADABLE', String(error))
    assert.match((error as NodeError).message, /block 1: .*ENVELOPE_NO_KEY/)
    // block sync: a decided block it cannot open is this node's failure, thrown (the peer that served it is not blamed)
    await assert.rejects(() => outsider.verifyDecided(block), /ENVELOPE_UNREADABLE: .*ENVELOPE_NO_KEY/)
    await assert.rejects(() => outsider.commitBlock(block, commit), /ENVELOPE_NO_KEY/)
    assert.equal(outsider.height, 0)
  })
})

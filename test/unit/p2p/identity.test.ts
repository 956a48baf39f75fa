import assert from 'node:assert/strict'
import { pino } from 'pino'
import { P2PError, P2PHost, peerIdFromSeed, protocolsFor, topicsFor } from '../../../src/p2p/index.js'

const seedA = new Uint8Array(32).fill(0x11)
const seedB = new Uint8Array(32).fill(0x22)

function codeOf(error: unknown): string {
  return error instanceof P2PError ? error.code : String(error)
}

describe('p2p identity', () => {
  it('derives the same PeerId from the same seed every time', async () => {
    assert.equal(await peerIdFromSeed(seedA), await peerIdFromSeed(Uint8Array.from(seedA)))
    assert.match(await peerIdFromSeed(seedA), /^12D3KooW/) // ed25519 identity multihash
  })

  it('derives different PeerIds from different seeds', async () => {
    assert.notEqual(await peerIdFromSeed(seedA), await peerIdFromSeed(seedB))
  })

  it('gives a host the PeerId of its seed', async () => {
    const host = await P2PHost.create({ seed: seedA, listen: [], bootstrap: [], log: pino({ level: 'silent' }) })
    try {
      assert.equal(host.peerId, await peerIdFromSeed(seedA))
    } finally {
      await host.stop()
    }
  })

  it('refuses a seed that is not 32 bytes', async () => {
    await assert.rejects(peerIdFromSeed(new Uint8Array(31)), (error) => codeOf(error) === 'INVALID_CONFIG')
  })

  it('refuses a bootstrap address without /p2p/<peerId>', async () => {
    const config = { seed: seedA, listen: [], bootstrap: ['/ip4/127.0.0.1/tcp/1234'], log: pino({ level: 'silent' }) }
    await assert.rejects(P2PHost.create(config), (error) => codeOf(error) === 'INVALID_CONFIG')
    await assert.rejects(P2PHost.create({ ...config, bootstrap: ['not a multiaddr'] }), (error) => codeOf(error) === 'INVALID_CONFIG')
  })
})

describe('p2p topic and protocol names', () => {
  it('puts the chain id in every topic and protocol id', () => {
    assert.deepEqual(topicsFor('fedra-devnet-1'), { txs: '/fedra/fedra-devnet-1/txs/1', consensus: '/fedra/fedra-devnet-1/consensus/1' })
    assert.deepEqual(protocolsFor('fedra-devnet-1'), {
      sync: '/fedra/fedra-devnet-1/sync/1',
      blob: '/fedra/fedra-devnet-1/blob/1',
      direct: '/fedra/fedra-devnet-1/direct/1',
    })
  })
})

import assert from 'node:assert/strict'
import { P2PError, type P2PHost, topicsFor } from '../../../src/p2p/index.js'
import { HostPool, bytes, waitFor } from './hosts.js'

const topic = topicsFor('p2p-gossip-test').consensus

interface Inbox {
  received: Array<{ data: Uint8Array; from: string }>
}

function listen(host: P2PHost): Inbox {
  const inbox: Inbox = { received: [] }
  host.subscribe(topic, { validate: () => 'accept', deliver: (data, from) => inbox.received.push({ data, from }) })
  return inbox
}

function countOf(inbox: Inbox, payload: Uint8Array): number {
  return inbox.received.filter((message) => Buffer.from(message.data).equals(payload)).length
}

describe('p2p gossip over a 4-node full mesh', function () {
  this.timeout(20_000)
  const pool = new HostPool()
  const hosts: P2PHost[] = []
  const inboxes: Inbox[] = []

  before(async () => {
    // Each host bootstraps to every host before it: a full mesh, as in a devnet.
    for (let index = 0; index < 4; index++) {
      const bootstrap = hosts.flatMap((host) => host.addresses())
      const host = await pool.start(index, { bootstrap })
      inboxes.push(listen(host))
      hosts.push(host)
    }
    await waitFor(
      'a full mesh with subscriptions',
      () => hosts.every((host) => host.peers().length === 3 && host.topicPeers(topic).length === 3),
      10_000,
    )
  })

  after(() => pool.stopAll())

  it('connects every host to every other through the bootstrap lists', () => {
    for (const host of hosts) {
      const others = hosts
        .filter((other) => other !== host)
        .map((other) => other.peerId)
        .sort()
      assert.deepEqual(
        host
          .peers()
          .map((peer) => peer.id)
          .sort(),
        others,
      )
    }
  })

  it('delivers a publish from any host to all the others, with the relaying peer as sender', async () => {
    for (const [index, publisher] of hosts.entries()) {
      const payload = bytes(0xa0, index)
      assert.equal(await publisher.publish(topic, payload), 3)
      await waitFor(`message from host ${index} everywhere`, () =>
        inboxes.every((inbox, i) => i === index || countOf(inbox, payload) === 1),
      )
      assert.equal(countOf(inboxes[index]!, payload), 0, 'a host does not deliver its own publish to itself')
      const seenAt = inboxes[(index + 1) % 4]!.received.find((message) => Buffer.from(message.data).equals(payload))
      assert.ok(seenAt !== undefined && hosts.some((host) => host.peerId === seenAt.from))
    }
  })

  it('delivers a deliberate re-publish of identical bytes again', async () => {
    const payload = bytes(0xb0, 1, 2, 3)
    await hosts[0]!.publish(topic, payload)
    await waitFor('first copy', () => inboxes.slice(1).every((inbox) => countOf(inbox, payload) === 1))
    await hosts[0]!.publish(topic, payload)
    await waitFor('second copy', () => inboxes.slice(1).every((inbox) => countOf(inbox, payload) === 2))
  })

  it('carries a 4 MiB block', async () => {
    const block = new Uint8Array(4 * 1024 * 1024).fill(7)
    block[0] = 0xc0
    await hosts[1]!.publish(topic, block)
    await waitFor(
      'the block everywhere',
      () => [0, 2, 3].every((i) => inboxes[i]!.received.some((message) => message.data.length === block.length)),
      10_000,
    )
  })

  it('refuses a publish over maxMessageBytes with MESSAGE_TOO_LARGE', async () => {
    const tooLarge = new Uint8Array(5 * 1024 * 1024 + 1)
    await assert.rejects(hosts[0]!.publish(topic, tooLarge), (error: unknown) => {
      assert.ok(error instanceof P2PError)
      assert.equal(error.code, 'MESSAGE_TOO_LARGE')
      assert.equal(error.context.bytes, tooLarge.length)
      return true
    })
  })
})

describe('p2p gossip without peers', () => {
  const pool = new HostPool()
  after(() => pool.stopAll())

  it('publishes to nobody without throwing', async () => {
    const host = await pool.start(10)
    host.subscribe(topic, { validate: () => 'accept', deliver: () => undefined })
    assert.equal(await host.publish(topic, bytes(1)), 0)
    assert.equal(await host.publish(topic, bytes(1)), 0)
  })
})

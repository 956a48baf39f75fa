import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../../src/bytes.js'
import { FedraClient } from '../../src/client/index.js'
import { type DevnetNode, devnetAccount, loadDevnet } from '../../src/devnet/layout.js'
import { devnetEnvelopeSecrets } from '../../src/devnet/private.js'
import { waitFor } from '../../src/devnet/process.js'
import { ENVELOPE_HEADER_BYTES, EnvelopeError, envelopeHeader, openEnvelopeAs } from '../../src/fl/envelope/index.js'
import { decodeUpdateBlob } from '../../src/fl/update/blob.js'
import { x25519SecretOfEd25519Seed } from '../../src/fl/x25519.js'
import { loadValidatorKey } from '../../src/node/keys.js'
import { keySetOfJson } from '../../src/roles/envelope-keys-rpc.js'
import { NodeBlobs } from '../../src/roles/node-blobs.js'
import { tempDir } from '../helpers/chain.js'
import { startDevnetScript } from '../helpers/devnet-script.js'
import { fedraCli } from '../helpers/fedra-cli.js'

const TRAINERS = 2

/**
 * Encrypted envelopes end to end on real processes (`npm run e2e:envelope`; not in `npm test`): a
 * devnet whose subnet 0 is private (`npm run devnet -- --private`: the admin publishes the key set
 * for the validators, the aggregator and the full node) trains with two trainer daemons that seal
 * their updates; the aggregator opens them, the chain opens them again to verify, and the round's
 * aggregate is accepted on every node, the full node included. The update blobs the nodes store
 * and serve are ciphertexts: no 16-byte run of the plaintext, a key that is no recipient cannot
 * open them, a recipient's key can. Then the admin rotates with `fedra tx training
 * set-envelope-keys`, listing one full node of two: the next rounds seal to epoch 1 and verify,
 * and the other full node stops at the first such update with the reason, exit code 1.
 */
describe('a private subnet trains on sealed updates (real processes)', function () {
  this.timeout(420_000)
  const work = tempDir('fedra-e2e-envelope-')
  const dir = join(work.path, 'devnet')
  let script: ReturnType<typeof startDevnetScript> | null = null
  let client: FedraClient | undefined

  after(async () => {
    client?.close()
    await script?.stop()
    work.remove()
  })

  it('a round of the private subnet completes with a verified aggregate, the stored updates are envelopes only recipients open; after a CLI rotation rounds seal to epoch 1 and the full node left out stops loudly', async () => {
    const started = Date.now()
    const args = ['--validators', '2', '--full-nodes', '2', '--trainers', String(TRAINERS), '--rows', '2000']
    args.push('--rpc-port', '0', '--scoring', 'none', '--private')
    const devnet = startDevnetScript(work.path, dir, args)
    script = devnet
    await waitFor(
      'the key set to be published',
      async () => /private subnet: key set of epoch 0 published/.test(devnet.output()),
      180_000,
      250,
    )
    const layout = loadDevnet(dir)!
    const url = `http://127.0.0.1:${layout.nodes[0]!.rpcPort}/`
    const [fullNode, dropped] = layout.nodes.filter((n) => !n.validator) as [DevnetNode, DevnetNode]
    client = new FedraClient({ url, timeoutMs: 60_000 })
    const c = client
    const keys = JSON.parse(await fedraCli(['query', 'envelope-keys', '0', '--json'], dir, url)) as {
      private: boolean
      latest_epoch: number
      stale: boolean
      key_set: { wraps: { id: string }[] }
    }
    assert.deepEqual([keys.private, keys.latest_epoch, keys.stale], [true, 0, false])
    // 2 validators, 1 aggregator, the 2 full nodes as readers
    assert.equal(keys.key_set.wraps.length, 5, JSON.stringify(keys.key_set.wraps.map((w) => w.id)))

    /** The first round from `from` on whose updates are all envelopes of epoch `epoch` or later and that got a version. */
    const sealedRound = (epoch: number, from = 0) =>
      waitFor(
        `a round of updates sealed to epoch ${epoch}+ with an accepted aggregate`,
        async () => {
          const { round: current } = await c.call('round_get', { subnet: '0' })
          for (let r = from; r <= Number(current); r++) {
            const record = await c.call('round_get', { subnet: '0', round: String(r) })
            if (record.version === null) continue
            const { updates } = await c.call('round_updates', { subnet: '0', round: String(r) })
            const blobs = await Promise.all(updates.map((u) => new NodeBlobs(url).get(u.update_cid)))
            const sealed = (b: Uint8Array) => toHex(b.subarray(0, 4)) === '464c4531' && envelopeHeader(b).epoch >= epoch
            if (updates.length === TRAINERS && blobs.every(sealed)) return { record, updates, blobs }
          }
          return false
        },
        240_000,
        500,
      )
    // A round all of whose updates were sealed (round 0 may have taken one before the key set landed) gets a version.
    const round = await sealedRound(0)
    assert.equal(round.record.rejections.length, 0, 'no aggregate rejected')
    const version = await c.call('model_version', { subnet: '0', version: round.record.version! })
    assert.deepEqual(version.included.map((i) => i.update_cid).sort(), round.updates.map((u) => u.update_cid).sort())

    // The full node (a reader) executed the same blocks: it is at the same version, still running.
    const fullUrl = `http://127.0.0.1:${fullNode.rpcPort}/`
    const fullClient = new FedraClient({ url: fullUrl, timeoutMs: 30_000 })
    try {
      const atFull = await waitFor(
        'the full node to reach the version',
        async () =>
          fullClient.call('model_version', { subnet: '0', version: round.record.version! }).then(
            (v) => v,
            () => false as const,
          ),
        60_000,
        250,
      )
      assert.equal(atFull.global_cid, version.global_cid)
    } finally {
      fullClient.close()
    }

    // The stored blobs, as the full node's blob route serves them: envelopes.
    const readerSecret = x25519SecretOfEd25519Seed(loadValidatorKey(fullNode.home)!.exportSeed())
    const strangerSecret = x25519SecretOfEd25519Seed(devnetAccount(1).exportSeed()) // trainer0's key: no recipient
    for (const [i, u] of round.updates.entries()) {
      const stored = await new NodeBlobs(fullUrl).get(u.update_cid)
      assert.deepEqual(stored, round.blobs[i])
      const { epoch } = envelopeHeader(stored)
      const answer = await c.call('subnet_envelopeKeys', { subnet: '0', epoch: String(epoch) })
      const keySet = keySetOfJson(answer.key_set!)
      assert.throws(
        () => openEnvelopeAs(stored, keySet, strangerSecret),
        (e: unknown) => e instanceof EnvelopeError && e.code === 'ENVELOPE_NO_KEY',
      )
      const plain = openEnvelopeAs(stored, keySet, readerSecret)
      assert.equal(decodeUpdateBlob(plain).values.length > 0, true)
      // the 52-byte header is public by design (magic, version, subnet, epoch, ephemeral key: mostly zeros, as
      // sparse updates are); the ciphertext after it must hold no 16-byte run of the plaintext
      const body = Buffer.from(stored.subarray(ENVELOPE_HEADER_BYTES))
      for (let at = 0; at + 16 <= plain.length; at++)
        assert.equal(body.indexOf(plain.subarray(at, at + 16)), -1, `16 bytes of the plaintext at ${at} appear in the stored ciphertext`)
    }
    const first = (Date.now() - started) / 1000

    // The admin rotates through the CLI, listing only the first full node: epoch 1 chains epoch 0,
    // the next rounds seal to it, and the dropped full node, no recipient of epoch 1, stops loudly.
    const secrets = devnetEnvelopeSecrets(dir)
    const reader = loadValidatorKey(fullNode.home)!.publicKey.hex
    const sent = await fedraCli(
      ['tx', 'training', 'set-envelope-keys', 'account0', '0', '--secrets', secrets, '--readers', reader],
      dir,
      url,
    )
    assert.match(sent, /result\s+ok/, sent)
    const rotated = await c.call('subnet_envelopeKeys', { subnet: '0' })
    assert.deepEqual([rotated.latest_epoch, rotated.stale, rotated.key_set!.wraps.length], [1, false, 4])
    const next = await sealedRound(1, Number(round.record.round) + 1)
    assert.equal(next.record.rejections.length, 0)
    await waitFor('the dropped full node to stop', async () => /full1 exited \(code 1\)/.test(devnet.output()), 60_000, 250)
    const log = readFileSync(join(dropped.home, 'node.log'), 'utf8')
    assert.match(
      log,
      /fatal: the node cannot go on and is stopping: ENVELOPE_UNREADABLE: block \d+: this node cannot open subnet 0's envelopes of epoch 1: ENVELOPE_NO_KEY/,
    )
    process.stdout.write(
      `      envelope e2e: round ${round.record.round} version ${round.record.version} from ${round.updates.length} sealed updates (${first.toFixed(0)} s); rotated to epoch 1, round ${next.record.round} version ${next.record.version}, full1 stopped; ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    )
  })
})

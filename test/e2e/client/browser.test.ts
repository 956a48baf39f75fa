import assert from 'node:assert/strict'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { FedraClient } from '../../../src/client/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { MsgSend } from '../../../src/modules/bank/messages.js'
import { encode } from '../../../src/codec/index.js'
import { type RpcServer, createRpcServer } from '../../../src/rpc/index.js'
import { signTx } from '../../../src/state/tx.js'
import { CHAIN_ID, testKey, transfer } from '../../helpers/chain.js'
import { TestNode } from '../../integration/rpc/support/test-node.js'
import { silentLog } from '../../unit/rpc/support/wire.js'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * src/client bundled for the browser (esbuild, platform "browser": a Node built-in anywhere in
 * its imports fails the build) and run in a real Chromium: it signs the same bytes as Node and
 * verifies a header's commit and a state proof from a real node, and catches a forged proof.
 */
describe('the client in a browser (esbuild bundle, Chromium)', function () {
  this.timeout(120_000)
  let bundle: string
  let node: TestNode
  let server: RpcServer
  let browser: Browser

  before(async () => {
    const built = await build({
      entryPoints: ['src/client/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'Fedra',
      write: false,
      logLevel: 'silent',
    })
    bundle = built.outputFiles[0]!.text
    node = await TestNode.start()
    node.submitTx(transfer(0, 1, 10n, 0n))
    await node.produceBlock()
    await node.produceBlock()
    server = await createRpcServer({ backend: node, listen: { port: 0 }, log: silentLog })
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await node?.stop()
  })

  it('bundles for the browser with no Node built-in and no Node globals used at load', () => {
    assert.ok(bundle.length > 10_000)
    assert.doesNotMatch(bundle, /require\("(node:)?(crypto|fs|path|net|http|buffer)"\)/)
  })

  it('signs, and verifies a commit and a state proof from a real node, inside Chromium', async () => {
    const client = new FedraClient({ url: server.address.url })
    const path = `auth/61${toHex(testKey(0).publicKey.addressBytes)}`
    const height = 2
    const [commit, validators, answer] = await Promise.all([
      client.commit(height),
      client.validators(height),
      client.queryState(path, { height, prove: true }),
    ])
    client.close()
    const key = testKey(3)
    const body = {
      chainId: CHAIN_ID,
      nonce: 7n,
      fee: 200n,
      gasLimit: 100_000n,
      memo: 'from a browser',
      messages: [encode(MsgSend, { to: testKey(4).publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 5n }] })],
    }
    const expected = { tx: toHex(signTx(key, body)), value: answer.value }

    const page = await browser.newPage()
    await page.addScriptTag({ content: bundle })
    const seen = await page.evaluate(
      ({ height, commit, validators, answer, path, seed, to, message }) => {
        const F = (globalThis as unknown as { Fedra: typeof import('../../../src/client/index.js') }).Fedra
        const key = F.PrivateKey.fromSeed(F.fromHex(seed))
        const tx = F.signTx(key, {
          chainId: 'fedra-test-1',
          nonce: 7n,
          fee: 200n,
          gasLimit: 100_000n,
          memo: 'from a browser',
          messages: [F.fromHex(message)],
        })
        const header = F.checkSignedHeader(height, commit, validators)
        const value = F.checkStateAnswer(path, answer, header).value
        const forged = {
          ...answer,
          value: answer.value === null ? '00' : `${answer.value.slice(0, -2)}${answer.value.endsWith('00') ? '01' : '00'}`,
        }
        let forgedError = ''
        try {
          F.checkStateAnswer(path, forged, header)
        } catch (error) {
          forgedError = `${(error as { code?: string }).code}: ${(error as Error).message}`
        }
        return {
          platform: F.cryptoPlatform.name,
          nodeGlobals: typeof (globalThis as { process?: unknown }).process + typeof (globalThis as { Buffer?: unknown }).Buffer,
          tx: F.toHex(tx),
          value: value === null ? null : F.toHex(value),
          forgedError,
          to,
        }
      },
      {
        height,
        commit,
        validators,
        answer,
        path,
        seed: toHex(key.exportSeed()),
        to: testKey(4).publicKey.address,
        message: toHex(body.messages[0]!),
      },
    )
    assert.equal(seen.platform, 'portable', 'noble, not node:crypto')
    assert.equal(seen.nodeGlobals, 'undefinedundefined')
    assert.equal(seen.tx, expected.tx, 'the browser signs the same bytes as Node')
    assert.equal(seen.value, expected.value)
    assert.match(seen.forgedError, /^VERIFICATION_FAILED: .*the proof does not match the header's state root/)
  })
})

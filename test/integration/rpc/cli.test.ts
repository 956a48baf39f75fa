import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { Keyring } from '../../../src/crypto/keyring.js'
import { testKey, tempDir } from '../../helpers/chain.js'
import { silentLog } from '../../unit/rpc/support/wire.js'
import { startRpc } from './support/test-node.js'

/** Runs the real `fedra` command (asynchronously: the node it talks to lives in this process). */
function fedra(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/fedra.js', ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr })
    })
  })
}

describe('fedra status, tx and query against a node', function () {
  this.timeout(120_000)
  let rig: Awaited<ReturnType<typeof startRpc>>
  const dir = tempDir()
  const home = join(dir.path, 'home')
  const alice = testKey(0)
  const bob = testKey(1).publicKey.address

  before(async () => {
    rig = await startRpc({ blockIntervalMs: 50, log: silentLog })
    new Keyring(home).add('alice', alice, 'pw')
  })
  after(async () => {
    await rig.close()
    dir.remove()
  })

  it('fedra tx bank send signs with a keyring key, broadcasts and waits for the block', async () => {
    const run = await fedra(['tx', 'bank', 'send', 'alice', bob, '1234ufdr', '--home', home, '--node', rig.url, '--json'], {
      FEDRA_PASSPHRASE: 'pw',
    })
    assert.equal(run.code, 0, run.stderr)
    const answer = JSON.parse(run.stdout) as { hash: string; mode: string; result: { code: number } }
    assert.equal(answer.mode, 'commit')
    assert.equal(answer.result.code, 0)
    const account = (await rig.node.queryApp('bank', 'balance', { address: bob, denom: 'ufdr' })) as { amount: string }
    assert.equal(account.amount, String(1_000_000_000n + 1234n))

    const [status, query, tx] = await Promise.all([
      fedra(['status', '--node', rig.url]),
      fedra(['query', 'account', alice.publicKey.address, '--node', rig.url]),
      fedra(['query', 'tx', answer.hash, '--node', rig.url, '--json']),
    ])
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stdout, /^chain\s+fedra-test-1$/m)
    assert.match(status.stdout, /^height\s+\d+$/m)
    assert.equal(query.code, 0, query.stderr)
    assert.match(query.stdout, /^nonce\s+1$/m)
    assert.match(query.stdout, /^ufdr\s+999998566$/m)
    assert.equal(tx.code, 0, tx.stderr)
    assert.equal((JSON.parse(tx.stdout) as { signer: string }).signer, alice.publicKey.address)
  })

  it('fedra query block prints a block as a table, and fails cleanly on a bad argument or an RPC error', async () => {
    const [block, bad, missing] = await Promise.all([
      fedra(['query', 'block', '1', '--node', rig.url]),
      fedra(['query', 'block', 'xyz', '--node', rig.url]),
      fedra(['query', 'tx', 'ab'.repeat(32), '--node', rig.url]),
    ])
    assert.equal(block.code, 0, block.stderr)
    assert.match(block.stdout, /^height\s+1$/m)
    assert.match(block.stdout, /^#\s+hash\s+code\s+gas used$/m)
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /neither a height nor/)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /Not found/)
  })
})

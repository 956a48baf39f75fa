import assert from 'node:assert/strict'
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:net'
import { join } from 'node:path'
import { newMnemonic, privateKeyFromMnemonic, toHex } from '../../../src/crypto/index.js'
import { encryptKey } from '../../../src/crypto/keystore.js'
import { freePort } from '../../../src/devnet/layout.js'
import { testKey, tempDir } from '../../helpers/chain.js'
import { fedra } from './support/fedra.js'

/** What a newcomer meets in the first hour: versions, key import/delete, and errors that say what is wrong. */
describe('fedra CLI: first-hour commands and error messages (real processes)', function () {
  this.timeout(90_000)
  const dir = tempDir()
  const home = join(dir.path, 'home')
  const pw = { FEDRA_PASSPHRASE: 'pw' }
  after(() => dir.remove())

  it('prints its version with `version` and `--version`, equal to package.json', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const long = fedra(['version'])
    assert.equal(long.code, 0, long.stderr)
    assert.match(long.stdout, new RegExp(`^fedra ${version.replace(/\./g, '\\.')} \\(node `))
    assert.equal(fedra(['--version']).stdout.trim(), version)
  })

  it('keys import takes a raw seed, a mnemonic or stdin, and refuses anything else', () => {
    const seedKey = testKey(7)
    const seedFile = join(dir.path, 'seed.txt')
    writeFileSync(seedFile, `${toHex(seedKey.exportSeed())}\n`)
    const fromSeed = fedra(['keys', 'import', 'dev0', seedFile, '--home', home, '--json'], pw)
    assert.equal(fromSeed.code, 0, fromSeed.stderr)
    assert.deepEqual(JSON.parse(fromSeed.stdout), { name: 'dev0', address: seedKey.publicKey.address, from: 'seed' })

    const mnemonic = newMnemonic()
    const fromWords = fedra(['keys', 'import', 'dev1', '-', '--home', home, '--account', '2', '--json'], pw, mnemonic)
    assert.equal(fromWords.code, 0, fromWords.stderr)
    assert.equal(JSON.parse(fromWords.stdout).address, privateKeyFromMnemonic(mnemonic, 2).publicKey.address)

    const garbage = join(dir.path, 'garbage.txt')
    writeFileSync(garbage, 'not a key\n')
    const bad = fedra(['keys', 'import', 'dev2', garbage, '--home', home], pw)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /BAD_FILE: .*garbage\.txt holds neither a keystore file \(JSON\), a 64-hex-digit seed nor a BIP-39 mnemonic/)
    const taken = fedra(['keys', 'import', 'dev0', seedFile, '--home', home], pw)
    assert.equal(taken.code, 1)
    assert.match(taken.stderr, /KEY_EXISTS/)
  })

  it('keys delete needs --yes, then removes the key', () => {
    const refused = fedra(['keys', 'delete', 'dev0', '--home', home])
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /deleting "dev0" \(fedra1\w+\) cannot be undone; run again with --yes/)
    const deleted = fedra(['keys', 'delete', 'dev0', '--yes', '--home', home])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.match(fedra(['keys', 'show', 'dev0', '--home', home]).stderr, /KEY_NOT_FOUND/)
    assert.match(fedra(['keys', 'delete', 'dev0', '--yes', '--home', home]).stderr, /KEY_NOT_FOUND/)
  })

  it('refuses an empty passphrase file and a keystore weaker than the one it writes', () => {
    const empty = join(dir.path, 'empty-pass')
    writeFileSync(empty, '\n')
    const run = fedra(['keys', 'add', 'e', '--home', home, '--passphrase-file', empty])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /NO_PASSPHRASE: passphrase file .*empty-pass is empty/)

    const weak = join(dir.path, 'weak.json')
    writeFileSync(weak, JSON.stringify(encryptKey(testKey(8), 'pw', { n: 2, r: 8, p: 1 })))
    const imported = fedra(['keys', 'import', 'weak', weak, '--home', home], pw)
    assert.equal(imported.code, 1)
    assert.match(imported.stderr, /KEYSTORE_WEAK: scrypt N=2 r=8 is weaker than the N=32768 r=8/)
  })

  it('init --force leaves the key files at 0600 even where they were readable before', () => {
    const node = join(dir.path, 'node')
    assert.equal(fedra(['init', '--home', node]).code, 0)
    const keys = ['node_key.json', 'priv_validator_key.json'].map((f) => join(node, 'config', f))
    for (const key of keys) chmodSync(key, 0o644)
    const again = fedra(['init', '--home', node, '--force'])
    assert.equal(again.code, 0, again.stderr)
    for (const key of keys) assert.equal(statSync(key).mode & 0o777, 0o600, key)
  })

  it('init --force drops the last-signed record of the key it replaces', () => {
    const node = join(dir.path, 'node')
    const state = join(node, 'config', 'priv_validator_state.json')
    writeFileSync(state, '{"height":"500","round":0,"step":3}\n')
    assert.equal(fedra(['init', '--home', node, '--force']).code, 0)
    assert.equal(existsSync(state), false, 'a record for the old key would stop the new one from signing below height 500')
  })

  it('names the URL it tried when no node answers', async () => {
    const port = await freePort()
    const run = fedra(['status', '--node', `127.0.0.1:${port}`])
    assert.equal(run.code, 1)
    assert.match(
      run.stderr,
      new RegExp(
        `TRANSPORT: chain_status: cannot reach http://127\\.0\\.0\\.1:${port}/: connection refused \\(is a node running there\\?\\)`,
      ),
    )
  })

  it('checks an account address in the client, before calling any node', async () => {
    const port = await freePort()
    const run = fedra(['query', 'account', 'xyz', '--node', `127.0.0.1:${port}`])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /USAGE: "xyz" is not a fedra1… address/)
    assert.doesNotMatch(run.stderr, /TRANSPORT/)
  })

  it('reads a negative amount as a negative amount, not as an unknown option', () => {
    const run = fedra(['tx', 'bank', 'send', 'alice', testKey(1).publicKey.address, '-5ufdr', '--home', home])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /^error: "-5ufdr" is negative; amounts, heights and counts are whole numbers ≥ 0/m)
    assert.doesNotMatch(run.stderr, /unknown option/)
  })

  describe('fedra start on a port another process holds', () => {
    let holder: Server
    let port: number
    before(async () => {
      port = await freePort()
      holder = createServer()
      await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', () => resolve()))
    })
    after(() => new Promise<void>((resolve) => holder.close(() => resolve())))

    it('exits 1 with ADDRESS_IN_USE naming the setting, not an uncaught EADDRINUSE', () => {
      const node = join(dir.path, 'busy')
      assert.equal(fedra(['init', '--home', node]).code, 0)
      const run = fedra(
        [
          'start',
          '--home',
          node,
          '--p2p.listen',
          '/ip4/127.0.0.1/tcp/0',
          '--metrics.listen',
          '127.0.0.1:0',
          '--rpc.listen',
          `127.0.0.1:${port}`,
        ],
        {
          FEDRA_LOG_LEVEL: 'silent',
        },
      )
      assert.equal(run.code, 1, run.stderr)
      assert.match(
        run.stderr,
        new RegExp(
          `ADDRESS_IN_USE: rpc.listen 127\\.0\\.0\\.1:${port} is already in use \\(another node running\\?\\); choose another with --rpc.listen`,
        ),
      )
      assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'no stack trace')
    })
  })
})

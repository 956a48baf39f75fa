import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultRegistry } from '../../../src/modules/index.js'
import { loadGenesisFile } from '../../../src/state/index.js'
import { tempDir } from '../../helpers/chain.js'
import { fedra } from './support/fedra.js'

describe('fedra init and fedra keys (real processes)', function () {
  this.timeout(60_000)
  const dir = tempDir()
  const home = join(dir.path, 'node')
  after(() => dir.remove())

  it('init writes a home whose genesis template loads and validates', () => {
    const run = fedra(['init', '--home', home, '--chain-id', 'fedra-e2e-1', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const out = JSON.parse(run.stdout) as { validator: string }
    const genesis = loadGenesisFile(join(home, 'config', 'genesis.json'), defaultRegistry())
    assert.equal(genesis.chainId, 'fedra-e2e-1')
    assert.equal(genesis.validators[0]!.publicKey.address, out.validator)
  })

  it('init refuses to overwrite an existing home', () => {
    const run = fedra(['init', '--home', home])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /HOME_EXISTS/)
  })

  it('keys add, list, show, export and import round-trip through the encrypted keyring', () => {
    const added = fedra(['keys', 'add', 'alice', '--home', home, '--json'], { FEDRA_PASSPHRASE: 'pw1' })
    assert.equal(added.code, 0, added.stderr)
    const alice = JSON.parse(added.stdout) as { address: string; mnemonic: string }
    assert.equal(alice.mnemonic.split(' ').length, 24)

    const recovered = fedra(['keys', 'add', 'alice2', '--recover', '--home', home, '--json'], { FEDRA_PASSPHRASE: 'pw2' }, alice.mnemonic)
    assert.equal(JSON.parse(recovered.stdout).address, alice.address)

    const list = JSON.parse(fedra(['keys', 'list', '--home', home, '--json']).stdout) as { name: string }[]
    assert.deepEqual(
      list.map((k) => k.name),
      ['alice', 'alice2'],
    )
    assert.equal(JSON.parse(fedra(['keys', 'show', 'alice', '--home', home, '--json']).stdout).address, alice.address)

    const exported = fedra(['keys', 'export', 'alice', '--home', home]).stdout
    assert.match(exported, /"ciphertext"/)
    const file = join(dir.path, 'alice.json')
    writeFileSync(file, exported)
    const other = join(dir.path, 'other')
    const wrong = fedra(['keys', 'import', 'a', file, '--home', other], { FEDRA_PASSPHRASE: 'nope' })
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /KEYSTORE_BAD_PASSPHRASE/)
    const imported = fedra(['keys', 'import', 'a', file, '--home', other, '--json'], { FEDRA_PASSPHRASE: 'pw1' })
    assert.equal(JSON.parse(imported.stdout).address, alice.address)
    assert.ok(readFileSync(join(other, 'keyring', 'a.json'), 'utf8').includes('aes-256-gcm'))
  })

  it('each bad invocation gets a clear error and a non-zero exit', () => {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [['keys', 'add', 'x', '--home', home], {}, 1, /NO_PASSPHRASE/],
      [['keys', 'add', 'alice', '--home', home], { FEDRA_PASSPHRASE: 'pw' }, 1, /KEY_EXISTS/],
      [['keys', 'add', 'bad name', '--home', home], { FEDRA_PASSPHRASE: 'pw' }, 1, /BAD_KEY_NAME/],
      [['keys', 'show', 'nobody', '--home', home], {}, 1, /KEY_NOT_FOUND/],
      [['keys', 'add', 'r', '--recover', '--home', home], { FEDRA_PASSPHRASE: 'pw' }, 1, /BAD_MNEMONIC/],
      [['keys', 'import', 'z', join(dir.path, 'missing.json'), '--home', home], { FEDRA_PASSPHRASE: 'pw' }, 1, /BAD_FILE/],
      [['frobnicate'], {}, 2, /unknown command/],
    ]
    for (const [args, env, code, pattern] of cases) {
      const run = fedra(args, env, args.includes('--recover') ? 'not a mnemonic' : undefined)
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`)
      assert.match(run.stderr, pattern)
    }
  })
})

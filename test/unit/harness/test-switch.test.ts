import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const SWITCH = pathToFileURL('src/test-switch.ts').href

/** testSwitch('skip-signer-fsync') in a fresh process with `env` (the switches are read once, at load). */
function switchIn(env: Record<string, string>): string {
  const { FEDRA_TEST: _t, FEDRA_TEST_PLANT: _p, FEDRA_TEST_CRASH: _c, ...rest } = process.env
  const code = `import(${JSON.stringify(SWITCH)}).then((m) => { process.stdout.write(String(m.testSwitch('skip-signer-fsync'))); m.crashPoint('commit-after'); process.stdout.write(' alive') })`
  const out = spawnSync(process.execPath, ['--import', TSX, '-e', code], { env: { ...rest, ...env }, encoding: 'utf8' })
  return `${out.stdout}${out.signal === null ? '' : ` ${out.signal}`}`
}

describe('test switches (planted bugs and crash points) are on only under FEDRA_TEST=1', function () {
  this.timeout(30_000)

  it('a plant named without FEDRA_TEST=1 stays off', () => {
    assert.equal(switchIn({ FEDRA_TEST_PLANT: 'skip-signer-fsync' }), 'false alive')
  })

  it('a plant named with FEDRA_TEST=1 is on', () => {
    assert.equal(switchIn({ FEDRA_TEST: '1', FEDRA_TEST_PLANT: 'assert-invariants,skip-signer-fsync' }), 'true alive')
  })

  it('a crash point kills the process with SIGKILL when reached, and only under FEDRA_TEST=1', () => {
    assert.equal(switchIn({ FEDRA_TEST: '1', FEDRA_TEST_CRASH: 'commit-after:1' }), 'false SIGKILL')
    assert.equal(switchIn({ FEDRA_TEST_CRASH: 'commit-after:1' }), 'false alive')
    assert.equal(switchIn({ FEDRA_TEST: '1', FEDRA_TEST_CRASH: 'commit-after:2' }), 'false alive')
  })
})

import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from '../../../src/cli/errors.js'
import { freePort } from '../../../src/devnet/layout.js'
import { tempDir } from '../../helpers/chain.js'
import { assertUsage, runCli } from './support/usage.js'

/**
 * Every usage error of `fedra tx training set-dp-policy` and `set-envelope-keys`, `query dp-ledger`,
 * `envelope-keys` and `secagg-round`: refused before a keyring or node is touched.
 */
describe('fedra tx training set-dp-policy and set-envelope-keys, query dp-ledger, envelope-keys and secagg-round: usage errors', () => {
  const dir = tempDir()
  let node: string
  before(async () => {
    node = `127.0.0.1:${await freePort()}`
  })
  after(() => dir.remove())

  const usage = (args: string[], message: RegExp) => assertUsage(args, message, dir.path, node)

  const good = { '--clip-norm': '1', '--noise-multiplier': '1.1', '--sampling-rate': '1', '--target-epsilon': '8', '--delta': '0.00001' }
  const policy = (subnet: string, over: Record<string, string | undefined> = {}) => [
    'tx',
    'training',
    'set-dp-policy',
    'k',
    subnet,
    ...Object.entries({ ...good, ...over }).flatMap(([k, v]) => (v === undefined ? [] : [k, v])),
  ]

  it('refuses a subnet that is not a whole number', () => usage(policy('x'), /subnet "x" is not a whole number/))
  for (const option of ['--clip-norm', '--noise-multiplier', '--target-epsilon', '--delta'])
    it(`requires ${option}`, () => usage(policy('0', { [option]: undefined }), new RegExp(`${option} is required`)))
  it('refuses a clip norm that is not a decimal', () => usage(policy('0', { '--clip-norm': 'abc' }), /clipNorm: "abc" is not a decimal/))
  it('refuses a clip norm of 0', () => usage(policy('0', { '--clip-norm': '0' }), /clipNorm: must be positive/))
  it('refuses a noise multiplier below 0.1', () =>
    usage(policy('0', { '--noise-multiplier': '0.05' }), /noiseMultiplier: must be at least 0.1/))
  it('refuses a sampling rate of 0', () => usage(policy('0', { '--sampling-rate': '0' }), /samplingRate: must lie in \(0, 1\]/))
  it('refuses a sampling rate above 1', () => usage(policy('0', { '--sampling-rate': '1.5' }), /samplingRate: 1.5 is above 1/))
  it('refuses a target ε of 0', () => usage(policy('0', { '--target-epsilon': '0' }), /targetEpsilon: must be positive/))
  it('refuses δ = 1', () => usage(policy('0', { '--delta': '1' }), /delta: must lie in \(0, 1\)/))
  it('refuses δ = 0', () => usage(policy('0', { '--delta': '0' }), /delta: must lie in \(0, 1\)/))
  it('refuses a bad --mode', () => usage([...policy('0'), '--mode', 'later'], /--mode is async, sync or commit/))
  it('query dp-ledger refuses a subnet that is not a whole number', () =>
    usage(['query', 'dp-ledger', '-1'], /subnet "-1" is not a whole number/))
  it('query secagg-round refuses a subnet that is not a whole number', () =>
    usage(['query', 'secagg-round', 'x', '0'], /subnet "x" is not a whole number/))
  it('query secagg-round refuses a round that is not a whole number', () =>
    usage(['query', 'secagg-round', '0', '1.5'], /round "1.5" is not a whole number/))

  const keys = (subnet: string, ...more: string[]) => ['tx', 'training', 'set-envelope-keys', 'k', subnet, ...more]
  const secrets = () => join(dir.path, 'secrets.json')

  it('set-envelope-keys refuses a subnet that is not a whole number', () =>
    usage(keys('x', '--secrets', secrets()), /subnet "x" is not a whole number/))
  it('requires --secrets', () => usage(keys('0'), /--secrets <file> is required/))
  it('refuses a reader that is not 64 hex digits', () =>
    usage(keys('0', '--secrets', secrets(), '--readers', `${'ab'.repeat(32)},xyz`), /--readers entry 1 "xyz" is not an ed25519 public key/))
  it('set-envelope-keys refuses a bad --mode', () =>
    usage(keys('0', '--secrets', secrets(), '--mode', 'later'), /--mode is async, sync or commit/))
  it('refuses a secrets file that is not one (BAD_FILE), before any node is called', async () => {
    const path = join(dir.path, 'bad.json')
    writeFileSync(path, '[1, 2]')
    const error = await runCli(keys('0', '--secrets', path), dir.path, node)
    assert.ok(error instanceof CliError && error.code === 'BAD_FILE', String(error))
    assert.match(error.message, /is not an envelope secrets file/)
  })
  it('query envelope-keys refuses a subnet or epoch that is not a whole number', async () => {
    await usage(['query', 'envelope-keys', '-1'], /subnet "-1" is not a whole number/)
    await usage(['query', 'envelope-keys', '0', '--epoch', 'x'], /epoch "x" is not a whole number/)
  })
})

import assert from 'node:assert/strict'
import { encodeAddress } from '../../../src/crypto/index.js'
import { freePort } from '../../../src/devnet/layout.js'
import { tempDir } from '../../helpers/chain.js'
import { assertUsage, runCli } from './support/usage.js'

const account = encodeAddress(new Uint8Array(20).fill(5))

/**
 * Every usage error of `fedra tx dispute open` and `fedra query dispute(s)`, in process: each is
 * refused (CliError USAGE) before any node is called or keyring opened — the node address points
 * at a closed port and the home has no keyring, so anything that got that far would fail otherwise.
 */
describe('fedra tx dispute open, query dispute(s): usage errors', () => {
  const dir = tempDir()
  let node: string
  before(async () => {
    node = `127.0.0.1:${await freePort()}`
  })
  after(() => dir.remove())

  const run = (args: string[]) => runCli(args, dir.path, node)
  const usage = (args: string[], message: RegExp) => assertUsage(args, message, dir.path, node)

  const open = (subnet: string, round: string, target: string, ...extra: string[]) => [
    'tx',
    'dispute',
    'open',
    'k',
    subnet,
    round,
    target,
    ...extra,
  ]

  it('refuses a subnet, round or target that is not one, before the node is asked', async () => {
    const ok = ['--claim', 'wrong_rejection', '--bond', '5000ufdr']
    await usage(open('x', '0', account, ...ok), /subnet "x" is not a whole number/)
    await usage(open('0', '-1', account, ...ok), /round "-1" is not a whole number/)
    await usage(open('0', '0', 'fedra1nope', ...ok), /is not a fedra1… address/)
  })

  it('refuses a claim kind the chain does not resolve and a bond that is not one amount', async () => {
    await usage(
      open('0', '0', account, '--claim', 'mis_scored', '--bond', '5000ufdr'),
      /claim: "mis_scored" is not one of wrong_rejection, wrong_verdict/,
    )
    await usage(open('0', '0', account, '--claim', 'wrong_rejection', '--bond', '0ufdr'), /bond: the amount must be positive/)
    await usage(open('0', '0', account, '--claim', 'wrong_rejection', '--bond', '5ufdr,6uabc'), /bond: expected one amount/)
  })

  it('requires --claim and --bond', async () => {
    const missing = await run(open('0', '0', account, '--bond', '5000ufdr'))
    assert.match(String((missing as Error).message), /--claim/)
    const noBond = await run(open('0', '0', account, '--claim', 'wrong_rejection'))
    assert.match(String((noBond as Error).message), /--bond/)
  })

  it('refuses a dispute id or subnet that is not a whole number', async () => {
    await usage(['query', 'dispute', 'one'], /id "one" is not a whole number/)
    await usage(['query', 'disputes', '1.5'], /subnet "1.5" is not a whole number/)
  })
})

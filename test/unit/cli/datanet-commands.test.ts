import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ancestryTree } from '../../../src/cli/commands/datanet-query.js'
import { encodeAddress } from '../../../src/crypto/index.js'
import { freePort } from '../../../src/devnet/layout.js'
import { tempDir } from '../../helpers/chain.js'
import { assertUsage } from './support/usage.js'

const account = (n: number) => encodeAddress(new Uint8Array(20).fill(n))

/**
 * Every usage error of `fedra tx datanet …`, `fedra tx model …`, the datanet and lineage queries
 * and `fedra trainer --declare`: each is refused (CliError USAGE, exit 2) before any keyring is
 * opened or node called, so the node address is a closed port and the home has no keyring.
 */
describe('fedra tx datanet|model, query datanet|record|lineage|owed|usage, trainer --declare: usage errors', () => {
  const dir = tempDir()
  let node: string
  before(async () => {
    node = `127.0.0.1:${await freePort()}`
  })
  after(() => dir.remove())

  const usage = (args: string[], message: RegExp) => assertUsage(args, message, dir.path, node)

  const create = (...extra: string[]) => [
    'tx',
    'datanet',
    'create',
    'k',
    '--name',
    'digits',
    '--domain',
    'vision/digits',
    '--licence',
    'CC0-1.0',
    '--curators',
    account(1),
    '--approvals',
    '1',
    '--bond',
    '1000',
    ...extra,
  ]

  it('tx datanet create: required options, curators, approvals, bond, fraction, privacy', async () => {
    await usage(
      ['tx', 'datanet', 'create', 'k', '--name', 'n', '--domain', 'd', '--licence', 'l', '--approvals', '1', '--bond', '1'],
      /--curators is required/,
    )
    await usage(create('--name', ' '), /name: must not be empty/)
    await usage(
      ['tx', 'datanet', 'create', 'k', '--domain', 'd', '--licence', 'l', '--curators', account(1), '--approvals', '1', '--bond', '1'],
      /--name is required/,
    )
    await usage(create('--curators', `${account(1)},nope`), /"nope" is not a fedra1… address/)
    await usage(create('--approvals', '2'), /approvals: 1\.\.1/)
    await usage(create('--approvals', '0'), /approvals: 1\.\.1/)
    await usage(create('--approvals', 'one'), /--approvals must be a whole number/)
    await usage(create('--bond', '0'), /contributionBond: must be positive/)
    await usage(create('--bond', '1ufdr'), /contributionBond: "1ufdr" is not a whole number/)
    await usage(create('--reject-slash', '1.5'), /rejectSlashFraction: 1\.5 is above 1/)
    await usage(create('--privacy', 'secret'), /--privacy is public or private/)
    await usage(create('--schema', join(dir.path, 'absent.json')), /--schema: cannot read .*ENOENT/)
  })

  it('tx datanet contribute, curate, publish', async () => {
    const record = join(dir.path, 'record.bin')
    writeFileSync(record, 'some digits')
    await usage(
      ['tx', 'datanet', 'contribute', 'k', 'x', '--hash', 'ab'.repeat(32), '--size', '1', '--bond', '1ufdr'],
      /datanet "x" is not a whole number/,
    )
    await usage(['tx', 'datanet', 'contribute', 'k', '0', '--hash', 'ab'.repeat(32), '--size', '1'], /--bond is required/)
    await usage(['tx', 'datanet', 'contribute', 'k', '0', '--bond', '1ufdr'], /--file or --hash is required/)
    await usage(
      ['tx', 'datanet', 'contribute', 'k', '0', '--file', record, '--hash', 'ab'.repeat(32), '--bond', '1ufdr'],
      /give --file or --hash, not both/,
    )
    await usage(
      ['tx', 'datanet', 'contribute', 'k', '0', '--hash', 'xyz', '--size', '1', '--bond', '1ufdr'],
      /contentId: 64 lower-case hex digits/,
    )
    await usage(['tx', 'datanet', 'contribute', 'k', '0', '--hash', 'ab'.repeat(32), '--bond', '1ufdr'], /--size is required/)
    await usage(
      ['tx', 'datanet', 'contribute', 'k', '0', '--hash', 'ab'.repeat(32), '--size', 'big', '--bond', '1ufdr'],
      /--size "big" is not a whole number/,
    )
    await usage(
      ['tx', 'datanet', 'contribute', 'k', '0', '--hash', 'ab'.repeat(32), '--size', '1', '--bond', '1ufdr', '--public'],
      /--public needs --file/,
    )
    await usage(
      ['tx', 'datanet', 'contribute', 'k', '0', '--file', join(dir.path, 'absent.bin'), '--bond', '1ufdr'],
      /--file: cannot read .*ENOENT/,
    )
    await usage(['tx', 'datanet', 'contribute', 'k', '0', '--file', record, '--bond', 'lots'], /not an amount/)
    await usage(['tx', 'datanet', 'contribute', 'k', '0', '--file', record, '--public', '--bond', 'lots'], /not an amount/)
    await usage(['tx', 'datanet', 'curate', 'k', '0', '1'], /give --approve or --reject REASON/)
    await usage(['tx', 'datanet', 'curate', 'k', '0', '1', '--approve', '--reject', '2'], /give --approve or --reject REASON/)
    await usage(['tx', 'datanet', 'curate', 'k', '0', '1', '--reject', '0'], /a rejection needs a non-zero reason code/)
    await usage(['tx', 'datanet', 'curate', 'k', '0', 'r', '--approve'], /record "r" is not a whole number/)
    await usage(['tx', 'datanet', 'publish', 'k', '-1'], /datanet "-1" is not a whole number|unknown option/)
  })

  it('tx model fork, use, withdraw-treasury', async () => {
    await usage(['tx', 'model', 'fork', 'k', '0', 'v', '1'], /source version "v" is not a whole number/)
    await usage(['tx', 'model', 'fork', 'k', '0', '1', 't'], /target subnet "t" is not a whole number/)
    await usage(['tx', 'model', 'use', 'k', '0', '1'], /--pay is required/)
    await usage(['tx', 'model', 'use', 'k', '0', '1', '--pay', '0ufdr'], /fee: the amount must be positive/)
    await usage(['tx', 'model', 'use', 'k', 'a', '1', '--pay', '5ufdr'], /subnet "a" is not a whole number/)
    await usage(['tx', 'model', 'withdraw-treasury', 'k', 'z'], /subnet "z" is not a whole number/)
    await usage(['tx', 'model', 'withdraw', 'k', '--mode', 'soon'], /--mode is async, sync or commit/)
  })

  it('query datanet, record, lineage, contributors, owed, usage; trainer --declare', async () => {
    await usage(['query', 'datanet', 'x'], /datanet "x" is not a whole number/)
    await usage(['query', 'record', '0', 'y'], /record "y" is not a whole number/)
    await usage(['query', 'record', '0', '1', '--proof', 'v1'], /--proof version "v1" is not a whole number/)
    await usage(['query', 'lineage', '0', 'last'], /version "last" is not a whole number/)
    await usage(['query', 'lineage', '0', '1', '--depth', 'deep'], /--depth "deep" is not a whole number/)
    await usage(['query', 'contributors', 's', '1'], /subnet "s" is not a whole number/)
    await usage(['query', 'owed', 'nobody'], /"nobody" is not a fedra1… address/)
    await usage(['query', 'usage', 'first'], /receipt id "first" is not a whole number/)
    await usage(
      ['trainer', '--key', 'k', '--subnet', '0', '--data', 'mnist:iid:0/2', '--declare', '0'],
      /--declare "0": expected DATANET@VERSION/,
    )
    await usage(
      ['trainer', '--key', 'k', '--subnet', '0', '--data', 'mnist:iid:0/2', '--declare', '0@0'],
      /--declare "0@0": expected DATANET@VERSION/,
    )
  })

  it('prints an ancestry as an indented tree, a merge parent reached twice named once more as "(above)"', () => {
    const node = (subnet: string, version: string, depth: number, round: string | null) => ({
      subnet,
      version,
      depth,
      kind: 'full',
      round,
      status: 'attributed',
      global_cid: `cid-${subnet}-${version}`,
    })
    const ref = (subnet: string, version: string) => ({ subnet, version })
    const walk = {
      height: 9,
      nodes: [node('1', '1', 0, '0'), node('1', '0', 1, null), node('0', '2', 1, '1'), node('0', '1', 2, '0'), node('0', '0', 3, null)],
      edges: [
        { child: ref('1', '1'), parent: ref('1', '0') },
        { child: ref('1', '1'), parent: ref('0', '2') },
        { child: ref('1', '0'), parent: ref('0', '2') },
        { child: ref('0', '2'), parent: ref('0', '1') },
        { child: ref('0', '1'), parent: ref('0', '0') },
      ],
      truncated: true,
    }
    assert.equal(
      ancestryTree(walk, ref('1', '1')),
      [
        'subnet 1 version 1 (round 0, attributed) cid-1-1',
        '  subnet 1 version 0 (initial model, attributed) cid-1-0',
        '    subnet 0 version 2 (round 1, attributed) cid-0-2',
        '      subnet 0 version 1 (round 0, attributed) cid-0-1',
        '        subnet 0 version 0 (initial model, attributed) cid-0-0',
        '  subnet 0 version 2 (above)',
        '… (deeper ancestors left out: --depth)',
      ].join('\n'),
    )
  })
})

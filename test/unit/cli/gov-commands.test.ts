import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { proposalFromFile, scopedProposalFromFile } from '../../../src/cli/commands/gov.js'
import { decode } from '../../../src/codec/index.js'
import { freePort } from '../../../src/devnet/layout.js'
import { MsgSetDatanetCurators, MsgSubmitProposal, MsgSubmitScopedProposal, MsgUpdateParams } from '../../../src/modules/gov/index.js'
import { MsgUpdateAllowList } from '../../../src/modules/subnets/index.js'
import { encodeAddress } from '../../../src/crypto/index.js'
import { testKey } from '../../helpers/chain.js'
import { tempDir } from '../../helpers/chain.js'
import { assertUsage } from './support/usage.js'

/** `fedra tx gov …` and `fedra query gov …`: a proposal file becomes the message it describes; every usage error is refused (exit 2) before a keyring or node is touched. */
describe('fedra tx gov, query gov: proposal files and usage errors', () => {
  const dir = tempDir()
  let node: string
  const file = (name: string, value: unknown) => {
    const path = join(dir.path, name)
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
    return path
  }
  before(async () => {
    node = `127.0.0.1:${await freePort()}`
  })
  after(() => dir.remove())

  const usage = (args: string[], message: RegExp) => assertUsage(args, message, dir.path, node)

  it('reads a proposal file into MsgSubmitProposal with its content messages in order', () => {
    const bytes = proposalFromFile(
      file('change.json', {
        title: 'shorter score window',
        summary: 'why',
        deposit: '10000000ufdr',
        expedited: true,
        messages: [
          { type: 'update-params', module: 'training', params: { score_window: 6 } },
          { type: 'software-upgrade', name: 'v2', height: '900' },
          { type: 'cancel-upgrade' },
        ],
      }),
    )
    const m = decode(MsgSubmitProposal, bytes)
    assert.deepEqual(
      [m.title, m.summary, m.expedited, m.initialDeposit.amount, m.messages.length],
      ['shorter score window', 'why', true, 10_000_000n, 3],
    )
    assert.deepEqual(decode(MsgUpdateParams, m.messages[0]!), { module: 'training', params: '{"score_window":6}' })
    assert.equal(
      decode(MsgSubmitProposal, proposalFromFile(file('text.json', { title: 'text', summary: 's', deposit: '1ufdr' }))).messages.length,
      0,
    )
  })

  it("reads a scoped proposal file into MsgSubmitScopedProposal: a subnet's allow-list change, a Datanet's curators", () => {
    const a = encodeAddress(testKey(1).publicKey.addressBytes)
    const b = encodeAddress(testKey(2).publicKey.addressBytes)
    const subnet = decode(
      MsgSubmitScopedProposal,
      scopedProposalFromFile(
        file('scoped.json', {
          subnet: '3',
          title: 'admit',
          summary: 'a trainer',
          deposit: '1000ufdr',
          messages: [{ type: 'allow-list', add: [a] }],
        }),
      ),
    )
    assert.deepEqual([subnet.scope, subnet.target, subnet.deposit.amount, subnet.messages.length], ['subnet', 3n, 1000n, 1])
    assert.deepEqual(decode(MsgUpdateAllowList, subnet.messages[0]!).subnet, 3n)
    const datanet = decode(
      MsgSubmitScopedProposal,
      scopedProposalFromFile(
        file('curators.json', {
          datanet: 1,
          title: 'experts',
          summary: 's',
          deposit: '1ufdr',
          messages: [{ type: 'curators', curators: [a, b], approvals: 2 }],
        }),
      ),
    )
    assert.deepEqual([datanet.scope, datanet.target], ['datanet', 1n])
    assert.equal(decode(MsgSetDatanetCurators, datanet.messages[0]!).approvals, 2)
  })

  it('refuses bad scoped proposal files, opt-ins, scoped votes and scoped queries', async () => {
    const a = encodeAddress(testKey(1).publicKey.addressBytes)
    await usage(
      ['tx', 'gov', 'scoped-proposal', 'k', file('both.json', { subnet: '1', datanet: '1', title: 't', summary: 's', deposit: '1ufdr' })],
      /give "subnet" or "datanet"/,
    )
    await usage(
      ['tx', 'gov', 'scoped-proposal', 'k', file('neither.json', { title: 't', summary: 's', deposit: '1ufdr' })],
      /give "subnet" or "datanet"/,
    )
    await usage(
      ['tx', 'gov', 'scoped-proposal', 'k', file('badid.json', { subnet: 'x', title: 't', summary: 's', deposit: '1ufdr' })],
      /subnet "x" is not a whole number/,
    )
    await usage(
      [
        'tx',
        'gov',
        'scoped-proposal',
        'k',
        file('wrongkind.json', { datanet: '1', title: 't', summary: 's', deposit: '1ufdr', messages: [{ type: 'allow-list', add: [a] }] }),
      ],
      /a datanet proposal's message type is curators/,
    )
    await usage(
      [
        'tx',
        'gov',
        'scoped-proposal',
        'k',
        file('badadd.json', {
          subnet: '1',
          title: 't',
          summary: 's',
          deposit: '1ufdr',
          messages: [{ type: 'allow-list', add: ['nobody'] }],
        }),
      ],
      /"nobody" is not a fedra1… address/,
    )
    await usage(
      [
        'tx',
        'gov',
        'scoped-proposal',
        'k',
        file('approvals.json', {
          datanet: '1',
          title: 't',
          summary: 's',
          deposit: '1ufdr',
          messages: [{ type: 'curators', curators: [a], approvals: 2 }],
        }),
      ],
      /approvals: 1\.\.1/,
    )
    await usage(
      ['tx', 'gov', 'scoped-proposal', 'k', file('nodep.json', { subnet: '1', title: 't', summary: 's' })],
      /"deposit" is required/,
    )
    await usage(
      ['tx', 'gov', 'scoped-proposal', 'k', file('extra.json', { subnet: '1', title: 't', summary: 's', deposit: '1ufdr', scope: 'x' })],
      /unknown field "scope"/,
    )
    await usage(
      ['tx', 'gov', 'enable-governance', 'k', 'galaxy', '1', '--voting-period', '1000', '--min-deposit', '1'],
      /scope is subnet or datanet/,
    )
    await usage(
      ['tx', 'gov', 'enable-governance', 'k', 'subnet', '1', '--voting-period', 'soon', '--min-deposit', '1'],
      /--voting-period "soon" is not a whole number/,
    )
    await usage(
      ['tx', 'gov', 'enable-governance', 'k', 'subnet', '1', '--voting-period', '1000', '--min-deposit', '1', '--quorum', '2'],
      /quorum/,
    )
    await usage(['tx', 'gov', 'scoped-vote', 'k', '1', 'maybe'], /option: yes, abstain, no or no_with_veto/)
    await usage(['query', 'gov', 'scope', 'galaxy', '1'], /scope is subnet or datanet/)
    await usage(['query', 'gov', 'scoped-proposals', '--scope', 'x'], /--scope is subnet or datanet/)
    await usage(['query', 'gov', 'scoped-tally', 'x'], /proposal "x" is not a whole number/)
  })

  it('refuses bad proposal files, deposits, votes and queries', async () => {
    await usage(['tx', 'gov', 'submit-proposal', 'k', join(dir.path, 'absent.json')], /cannot read .*absent\.json: ENOENT/)
    await usage(['tx', 'gov', 'submit-proposal', 'k', file('list.json', [])], /holds a JSON object/)
    await usage(
      ['tx', 'gov', 'submit-proposal', 'k', file('typo.json', { title: 't', deposit: '1ufdr', messagess: [] })],
      /unknown field "messagess"/,
    )
    await usage(['tx', 'gov', 'submit-proposal', 'k', file('nodeposit.json', { title: 't' })], /"deposit" is required/)
    await usage(['tx', 'gov', 'submit-proposal', 'k', file('notitle.json', { deposit: '1ufdr' })], /"title" is required/)
    await usage(['tx', 'gov', 'submit-proposal', 'k', file('nosummary.json', { title: 't', deposit: '1ufdr' })], /"summary" is required/)
    await usage(
      ['tx', 'gov', 'submit-proposal', 'k', file('blank.json', { title: 't', summary: ' ', deposit: '1ufdr' })],
      /summary: must not be empty/,
    )
    await usage(
      [
        'tx',
        'gov',
        'submit-proposal',
        'k',
        file('kind.json', { title: 't', summary: 's', deposit: '1ufdr', messages: [{ type: 'spend' }] }),
      ],
      /type is update-params, software-upgrade or cancel-upgrade/,
    )
    await usage(
      [
        'tx',
        'gov',
        'submit-proposal',
        'k',
        file('params.json', { title: 't', summary: 's', deposit: '1ufdr', messages: [{ type: 'update-params', module: 'training' }] }),
      ],
      /needs "module" .* and "params"/,
    )
    await usage(
      [
        'tx',
        'gov',
        'submit-proposal',
        'k',
        file('upgrade.json', { title: 't', summary: 's', deposit: '1ufdr', messages: [{ type: 'software-upgrade', name: 'v2' }] }),
      ],
      /needs "name" and "height"/,
    )
    await usage(
      ['tx', 'gov', 'submit-proposal', 'k', file('amount.json', { title: 't', summary: 's', deposit: 'lots', messages: [] })],
      /not an amount/,
    )
    await usage(['tx', 'gov', 'deposit', 'k', 'p', '5ufdr'], /proposal "p" is not a whole number/)
    await usage(['tx', 'gov', 'deposit', 'k', '1', '0ufdr'], /the amount must be positive/)
    await usage(['tx', 'gov', 'vote', 'k', '1', 'maybe'], /option: yes, abstain, no or no_with_veto/)
    await usage(['tx', 'gov', 'weighted-vote', 'k', '1', 'yes'], /is not OPTION=WEIGHT/)
    await usage(['tx', 'gov', 'weighted-vote', 'k', '1', 'yes=0.5,yes=0.5'], /each option at most once/)
    await usage(['tx', 'gov', 'weighted-vote', 'k', '1', 'yes=1.5'], /above 1/)
    await usage(['query', 'gov', 'proposal', 'x'], /proposal "x" is not a whole number/)
    await usage(['query', 'gov', 'proposals', '--status', 'open'], /--status is one of/)
    await usage(['query', 'gov', 'proposals', '--voter', 'nobody'], /"nobody" is not a fedra1… address/)
    await usage(['query', 'gov', 'tally', '-'], /proposal "-" is not a whole number|unknown option/)
  })
})

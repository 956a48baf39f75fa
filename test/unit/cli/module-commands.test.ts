import assert from 'node:assert/strict'
import { CliError } from '../../../src/cli/errors.js'
import { encodeAddress } from '../../../src/crypto/index.js'
import { freePort } from '../../../src/devnet/layout.js'
import { tempDir } from '../../helpers/chain.js'
import { assertUsage, runCli } from './support/usage.js'

const valoper = (n: number) => encodeAddress(new Uint8Array(20).fill(n), 'fedravaloper')
const account = (n: number) => encodeAddress(new Uint8Array(20).fill(n))
const PUBKEY = 'ab'.repeat(32)

/**
 * Every usage error of the staking, slashing and distribution commands, in process: each is
 * refused (CliError USAGE, exit 2) before any keyring is opened or node called, so the node
 * address points at a closed port and the home has no keyring: anything that got that far
 * would fail with another error.
 */
describe('fedra tx/query staking, slashing, distribution: usage errors', () => {
  const dir = tempDir()
  let node: string
  before(async () => {
    node = `127.0.0.1:${await freePort()}`
  })
  after(() => dir.remove())

  const run = (args: string[]) => runCli(args, dir.path, node)

  const usage = (args: string[], message: RegExp) => assertUsage(args, message, dir.path, node)

  const cv = (...extra: string[]) => [
    'tx',
    'staking',
    'create-validator',
    'k',
    '--amount',
    '10000000ufdr',
    '--moniker',
    'v',
    '--pubkey',
    PUBKEY,
    ...extra,
  ]

  it('the shared tx options (--mode, --fee, --gas, --nonce, --timeout), on every tx command', async () => {
    for (const command of [
      cv(),
      ['tx', 'staking', 'delegate', 'k', valoper(1), '5ufdr'],
      ['tx', 'slashing', 'unjail', 'k'],
      ['tx', 'distribution', 'withdraw-rewards', 'k'],
      ['tx', 'bank', 'send', 'k', account(1), '5ufdr'],
    ]) {
      await usage([...command, '--mode', 'later'], /--mode is async, sync or commit/)
      await usage([...command, '--fee', '1.5'], /--fee must be a non-negative integer/)
      await usage([...command, '--gas', 'lots'], /--gas must be a non-negative integer/)
      await usage([...command, '--nonce', '-'], /--nonce must be a non-negative integer/)
      await usage([...command, '--timeout', '0'], /--timeout must be a positive number of milliseconds/)
    }
  })

  it('tx staking create-validator', async () => {
    await usage(['tx', 'staking', 'create-validator', 'k', '--moniker', 'v', '--pubkey', PUBKEY], /--amount is required/)
    await usage(['tx', 'staking', 'create-validator', 'k', '--amount', '1ufdr', '--pubkey', PUBKEY], /--moniker is required/)
    await usage(
      ['tx', 'staking', 'create-validator', 'k', '--amount', '1ufdr', '--moniker', 'v'],
      /priv_validator_key\.json does not exist: --home is not a node home \(run fedra init\), or give --pubkey/,
    )
    await usage(cv('--pubkey', 'abc'), /--pubkey: expected an ed25519 public key of 64 hex digits/)
    await usage(cv('--amount', '10fdr!'), /not an amount like 1000ufdr/)
    await usage(cv('--moniker', ' '), /--moniker: must not be empty/)
    await usage(cv('--amount', '0ufdr'), /must be positive/)
    await usage(cv('--amount', '1ufdr,1uabc'), /--amount: expected one amount/)
    await usage(cv('--moniker', 'x'.repeat(71)), /at most 70 characters/)
    await usage(cv('--commission-rate', 'ten'), /--commission-rate: "ten" is not a decimal like 0\.1/)
    await usage(cv('--commission-rate', '0.5'), /--commission-rate 0\.5 is above --commission-max-rate 0\.2/)
    await usage(cv('--commission-max-rate', '2'), /--commission-max-rate: 2 is above 1/)
    await usage(cv('--commission-max-change-rate', '0.3'), /--commission-max-change-rate 0\.3 is above --commission-max-rate/)
    await usage(cv('--min-self-delegation', '0'), /--min-self-delegation: must be positive/)
    await usage(cv('--min-self-delegation', 'x'), /not a whole number/)
  })

  it('tx staking edit-validator, delegate, unbond, redelegate, cancel-unbond', async () => {
    await usage(['tx', 'staking', 'edit-validator', 'k'], /nothing to edit/)
    await usage(['tx', 'staking', 'edit-validator', 'k', '--commission-rate', '1.2'], /--commission-rate: 1\.2 is above 1/)
    await usage(['tx', 'staking', 'edit-validator', 'k', '--min-self-delegation', '0'], /must be positive/)
    await usage(['tx', 'staking', 'delegate', 'k', 'fedra1xyz', '5ufdr'], /validator: "fedra1xyz" is not a fedravaloper1…/)
    await usage(['tx', 'staking', 'delegate', 'k', valoper(1), 'five'], /not an amount/)
    await usage(['tx', 'staking', 'unbond', 'k', 'x', '5ufdr'], /not a fedravaloper1…/)
    await usage(['tx', 'staking', 'unbond', 'k', valoper(1), '0ufdr'], /must be positive/)
    await usage(['tx', 'staking', 'redelegate', 'k', valoper(1), valoper(1), '5ufdr'], /the same validator as the source/)
    await usage(['tx', 'staking', 'redelegate', 'k', 'x', valoper(1), '5ufdr'], /source: "x" is not/)
    await usage(['tx', 'staking', 'redelegate', 'k', valoper(1), 'y', '5ufdr'], /destination: "y" is not/)
    await usage(['tx', 'staking', 'cancel-unbond', 'k', valoper(1), '5ufdr', 'ten'], /creationHeight: "ten" is not a height/)
    await usage(['tx', 'staking', 'cancel-unbond', 'k', valoper(1), '5ufdr', '0'], /positive height/)
    await usage(['tx', 'staking', 'cancel-unbond', 'k', 'x', '5ufdr', '3'], /not a fedravaloper1…/)
  })

  it('tx distribution withdraw-rewards, set-withdraw-addr, fund-community-pool', async () => {
    await usage(['tx', 'distribution', 'withdraw-rewards', 'k', 'fedravaloper1x'], /not a fedravaloper1…/)
    await usage(['tx', 'distribution', 'withdraw-rewards', 'k', 'bad', '--commission'], /not a fedravaloper1…/)
    await usage(['tx', 'distribution', 'set-withdraw-addr', 'k', valoper(2)], /address: "fedravaloper1\w+" is not a fedra1… address/)
    await usage(['tx', 'distribution', 'fund-community-pool', 'k', 'lots'], /not an amount/)
    await usage(['tx', 'distribution', 'fund-community-pool', 'k', '0ufdr'], /not positive/)
    await usage(['tx', 'distribution', 'fund-community-pool', 'k', '1ufdr,2ufdr'], /each denomination once/)
  })

  it('keys show-validator on a home without a validator key', async () => {
    await usage(['keys', 'show-validator'], /priv_validator_key\.json does not exist/)
  })

  it('query staking: validators --status, and every address argument', async () => {
    await usage(['query', 'staking', 'validators', '--status', 'jailed'], /--status is one of bonded, unbonding, unbonded/)
    await usage(['query', 'staking', 'validator', 'x'], /validator "x" is not a fedravaloper1… \(or fedra1…\) address/)
    await usage(['query', 'staking', 'validator', encodeAddress(new Uint8Array(20), 'fedravalcons')], /is not a fedravaloper1…/)
    await usage(['query', 'staking', 'delegation', valoper(1), valoper(1)], /is not a fedra1… address/)
    await usage(['query', 'staking', 'delegation', account(1), 'y'], /validator "y" is not/)
    await usage(['query', 'staking', 'delegations', 'z'], /"z" is not a fedra1… address/)
    await usage(['query', 'staking', 'validator-delegations', 'z'], /validator "z" is not/)
    await usage(['query', 'staking', 'unbondings', valoper(3)], /is not a fedra1… address/)
    await usage(['query', 'staking', 'redelegations', 'q'], /"q" is not a fedra1… address/)
  })

  it('query slashing signing-info, query distribution rewards/commission/outstanding/withdraw-addr', async () => {
    await usage(
      ['query', 'slashing', 'signing-info', 'abc'],
      /neither a fedravalcons1… consensus address \(or its 40 hex digits\) nor a fedravaloper1…\/fedra1… operator/,
    )
    await usage(['query', 'slashing', 'signing-info', 'ab'.repeat(19)], /neither a fedravalcons1…/)
    await usage(['query', 'distribution', 'rewards', 'x'], /"x" is not a fedra1… address/)
    await usage(['query', 'distribution', 'rewards', account(1), 'y'], /validator "y" is not/)
    await usage(['query', 'distribution', 'commission', 'y'], /validator "y" is not/)
    await usage(['query', 'distribution', 'outstanding', 'y'], /validator "y" is not/)
    await usage(['query', 'distribution', 'withdraw-addr', valoper(1)], /is not a fedra1… address/)
  })

  it('a well-formed command gets past the checks (and only then needs a keyring or a node)', async () => {
    const tx = await run(['tx', 'staking', 'delegate', 'k', valoper(1), '5ufdr'])
    assert.ok((tx instanceof CliError && tx.code === 'NO_PASSPHRASE') || (tx as CliError).code === 'KEY_NOT_FOUND', String(tx))
    const query = await run(['query', 'staking', 'validator', valoper(1)])
    assert.match(String(query), /TRANSPORT/)
  })
})

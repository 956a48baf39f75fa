import assert from 'node:assert/strict'
import { encode } from '../../../../src/codec/index.js'
import { encodeAddress } from '../../../../src/crypto/index.js'
import { MsgUnjail, SLASHING_ERRORS } from '../../../../src/modules/slashing/index.js'
import type { Application, CommitVote, ExecutedBlock, Misbehaviour } from '../../../../src/state/index.js'
import { GENESIS_TIME, testGenesisJson, testKey } from '../../../helpers/chain.js'
import { openTestApp, signedTx, tempDirs } from '../../../support/chain.js'

// Four validators of 10 power (10,000,000 ufdr each) made at genesis by staking's gen_validators.
const SELF_BOND = 10_000_000n
const operator = (i: number) => encodeAddress(testKey(i).publicKey.addressBytes, 'fedravaloper')
const consensus = (i: number) => testKey(100 + i).publicKey.addressBytes
const T0 = BigInt(Date.parse(GENESIS_TIME))

function genesis(slashingParams: Record<string, string> = {}): Record<string, unknown> {
  const base = testGenesisJson()
  return {
    ...base,
    app_state: {
      ...(base.app_state as Record<string, unknown>),
      staking: {
        gen_validators: [0, 1, 2, 3].map((i) => ({
          operator: encodeAddress(testKey(i).publicKey.addressBytes),
          pub_key: testKey(100 + i).publicKey.hex,
          moniker: `v${i}`,
          self_bond: String(SELF_BOND),
          commission: { rate: '0.1', max_rate: '0.2', max_change_rate: '0.01' },
        })),
      },
      slashing: { params: { signed_blocks_window: '10', min_signed_per_window: '0.5', ...slashingParams } },
    },
  }
}

/** The default chain: staking, distribution and slashing composed as src/modules/index.ts composes them. */
async function open(directory: string, slashingParams: Record<string, string> = {}): Promise<Application> {
  return openTestApp(directory, [], {}, genesis(slashingParams))
}

/** Runs one block whose last commit lists `inSet` with `missing` unsigned, commits it and checks every invariant. */
async function block(
  app: Application,
  inSet: Set<number>,
  missing: number[] = [],
  evidence: Misbehaviour[] = [],
  txs: Uint8Array[] = [],
): Promise<ExecutedBlock> {
  const height = app.height + 1
  const votes: CommitVote[] = [...inSet].sort().map((i) => ({ validator: consensus(i), power: 10n, signed: !missing.includes(i) }))
  const executed = app.executeBlock({
    height,
    time: T0 + BigInt(height) * 1000n,
    proposer: consensus(0),
    txs,
    lastCommit: height === 1 ? null : { round: 0, votes },
    evidence,
  })
  await app.commitBlock(executed)
  app.assertInvariants()
  return executed
}

const validator = (app: Application, i: number) =>
  app.query('staking', 'validator', { validator: operator(i) }) as { jailed: boolean; tokens: string; status: string }
const removes = (executed: ExecutedBlock, i: number) =>
  executed.validatorUpdates.some((u) => Buffer.from(u.publicKey).equals(Buffer.from(testKey(100 + i).publicKey.bytes)) && u.power === 0n)

describe('slashing with the real staking module', () => {
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('jails a validator that misses too many blocks: it leaves the validator updates and loses 1 %', async () => {
    const app = await open(dirs.next())
    const set = new Set([0, 1, 2, 3])
    assert.equal((app.query('slashing', 'signingInfo', { address: operator(3) }) as { start_height: string }).start_height, '0')
    let jailedAt: ExecutedBlock | undefined
    for (let h = 1; h <= 15 && jailedAt === undefined; h++) {
      const executed = await block(app, set, [3])
      if (validator(app, 3).jailed) jailedAt = executed
    }
    assert.ok(jailedAt, 'validator 3 was jailed')
    assert.equal(jailedAt.input.height, 11) // start 0 + window 10, then more than 5 of 10 missed
    assert.equal(removes(jailedAt, 3), true)
    assert.equal(validator(app, 3).tokens, String(SELF_BOND - SELF_BOND / 100n))
    assert.equal(validator(app, 0).jailed, false)
  })

  it("burns 5 % of a double-signer's stake, tombstones it and takes it out of the set", async () => {
    const app = await open(dirs.next())
    const set = new Set([0, 1, 2, 3])
    for (let h = 1; h <= 4; h++) await block(app, set)
    const supply = (app.query('bank', 'supply') as { supply: { denom: string; amount: string }[] }).supply.find(
      (c) => c.denom === 'ufdr',
    )!.amount
    const executed = await block(
      app,
      set,
      [],
      [{ kind: 'duplicate-vote', validator: consensus(2), height: 4, power: 10n, totalPower: 40n }],
    )
    assert.equal(validator(app, 2).tokens, String(SELF_BOND - SELF_BOND / 20n))
    assert.equal(validator(app, 2).jailed, true)
    assert.equal(removes(executed, 2), true)
    const info = app.query('slashing', 'signingInfo', { address: operator(2) }) as { tombstoned: boolean; jailed_until: string }
    assert.equal(info.tombstoned, true)
    assert.equal(info.jailed_until, String(2n ** 64n - 1n))
    const after = (app.query('bank', 'supply') as { supply: { denom: string; amount: string }[] }).supply.find(
      (c) => c.denom === 'ufdr',
    )!.amount
    assert.equal(BigInt(supply) - BigInt(after), SELF_BOND / 20n)
  })

  it('lets a downtime-jailed validator back through MsgUnjail once its jail period is over, and it rejoins the set', async () => {
    const app = await open(dirs.next(), { downtime_jail_duration: '5000' })
    const set = new Set([0, 1, 2, 3])
    for (let h = 1; h <= 11; h++) await block(app, set, [3])
    assert.equal(validator(app, 3).jailed, true) // at height 11, until 11 s + 5 s
    const unjail = (nonce: bigint) => signedTx(3, nonce, [encode(MsgUnjail, {})])
    const early = await block(app, set, [], [], [unjail(0n)]) // height 12: 4 s too early
    assert.equal(early.txResults[0]!.codespace, 'slashing')
    assert.equal(early.txResults[0]!.code, SLASHING_ERRORS.VALIDATOR_STILL_JAILED)
    for (let h = 13; h <= 15; h++) await block(app, set)
    const back = await block(app, set, [], [], [unjail(1n)]) // height 16 = jailed_until
    assert.equal(back.txResults[0]!.code, 0, back.txResults[0]!.log)
    assert.equal(validator(app, 3).jailed, false)
    assert.equal(
      back.validatorUpdates.some((u) => Buffer.from(u.publicKey).equals(Buffer.from(testKey(103).publicKey.bytes)) && u.power > 0n),
      true,
    )
  })
})

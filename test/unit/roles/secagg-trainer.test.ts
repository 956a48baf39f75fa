import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeAddress, fromHex } from '../../../src/crypto/index.js'
import { selfSeedCommitment } from '../../../src/fl/secagg/self-seed.js'
import { unmaskedSum } from '../../../src/fl/secagg/mask.js'
import { checkRevealedShare, openShare } from '../../../src/fl/secagg/shares.js'
import {
  type MsgSecAggRevealValue,
  type MsgSecAggSetupValue,
  SHARE_KIND_KEY,
  SHARE_KIND_SELF,
} from '../../../src/modules/training/secagg-messages.js'
import { RoleError } from '../../../src/roles/errors.js'
import { type SecAggGate, SecAggTrainer } from '../../../src/roles/secagg-trainer.js'
import { seededBytes } from '../fl/secagg/support.js'
import { FakeSecAggChain, SETUP_END, encryptionSecret, quietLog, trainerKeys } from './secagg-support.js'

const KEYS = trainerKeys(4)
const address = (i: number) => KEYS[i]!.publicKey.address

function trainer(chain: FakeSecAggChain, i: number, extra: { stateDir?: string; dumpPlain?: string; env?: Record<string, string> } = {}) {
  const log = quietLog()
  const t = new SecAggTrainer({
    client: chain.client(address(i)),
    key: KEYS[i]!,
    subnet: 0n,
    log,
    randomBytes: seededBytes(`trainer ${i}`),
    ...extra,
  })
  return { t, log }
}

const sitOutCode = (gate: SecAggGate): string => {
  assert.equal(gate.kind, 'sit-out', JSON.stringify(gate))
  return (gate as { reason: RoleError }).reason.code
}

describe('roles/secagg-trainer: a trainer in a secagg-fedavg round', () => {
  const dirs: string[] = []
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'fedra-secagg-role-'))
    dirs.push(d)
    return d
  }
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('sets up in the setup phase: one share per graph neighbour in ascending roster order, each opening for its holder; the round key waits in a 0600 file', async () => {
    const chain = new FakeSecAggChain(KEYS)
    const state = dir()
    const { t } = trainer(chain, 1, { stateDir: state })
    assert.deepEqual(await t.step(chain.round()), { kind: 'wait' })
    assert.equal(chain.sent.length, 1)
    const setup = chain.sent[0]!.value as MsgSecAggSetupValue
    const roster = chain.roster!
    const self = roster.indexOf(address(1))
    const holders = chain.graph().neighbours(self)
    assert.deepEqual(
      setup.shares.map((s) => s.holder),
      holders.map((j) => decodeAddress(roster[j]!)),
    )
    setup.shares.forEach((s, p) => {
      const holder = holders[p]!
      const key = KEYS.find((k) => k.publicKey.address === roster[holder])!
      const opened = openShare({
        roundId: chain.roundId(),
        dealer: self,
        holder,
        dealerPublicKey: setup.roundKey,
        holderSecretKey: encryptionSecret(key),
        dealt: { holder, ciphertext: s.ciphertext, commitment: s.commitment, selfCommitment: s.selfCommitment },
      })
      assert.deepEqual([opened.keyShare.length, opened.selfShare.length], [66, 66])
    })
    // the file holds the self-mask seed the setup committed to, beside the round key
    const saved = JSON.parse(readFileSync(join(state, readdirSync(state)[0]!), 'utf8')) as { self_seed: string }
    assert.deepEqual(selfSeedCommitment(chain.roundId(), self, fromHex(saved.self_seed)), setup.selfCommitment)
    const files = readdirSync(state)
    assert.equal(files.length, 1)
    assert.equal(statSync(join(state, files[0]!)).mode & 0o777, 0o600)
    // Set up and still in the setup phase: it waits; from setupEnd it submits.
    chain.height = SETUP_END - 2
    assert.deepEqual(await t.step(chain.round()), { kind: 'wait' })
    chain.height = SETUP_END - 1
    assert.deepEqual(await t.step(chain.round()), { kind: 'update' })
    assert.equal(chain.sent.length, 1, 'one setup only')
  })

  it('a restart within the round finds its round key and its masked vector in the state folder, so it resends the same vector; both are gone once the submit window passed', async () => {
    const chain = new FakeSecAggChain(KEYS)
    const state = dir()
    const first = trainer(chain, 0, { stateDir: state }).t
    await first.step(chain.round())
    chain.height = SETUP_END
    assert.deepEqual(await first.step(chain.round()), { kind: 'update' })
    const masked = first.mask(chain.round(), new Int32Array([1, -2, 3]), 100, 16384)
    const restarted = trainer(chain, 0, { stateDir: state }).t
    assert.deepEqual(await restarted.step(chain.round()), { kind: 'update' })
    // Retrained after the restart (another plain update, e.g. fresh DP noise): the very same masked vector is sent.
    assert.deepEqual(restarted.mask(chain.round(), new Int32Array([4, 5, -6]), 100, 16384), masked)
    chain.phase = 'aggregate'
    chain.submitClosed = true
    await restarted.step(chain.round())
    assert.deepEqual(readdirSync(state), [])
  })

  it('its setup on chain but the round key in no store (restarted without a state folder): SECAGG_KEY_LOST, sits the round out', async () => {
    const chain = new FakeSecAggChain(KEYS)
    await trainer(chain, 2).t.step(chain.round())
    chain.height = SETUP_END
    const { t, log } = trainer(chain, 2)
    assert.equal(sitOutCode(await t.step(chain.round())), 'SECAGG_KEY_LOST')
    assert.match(log.warnings.join('\n'), /sitting round 0 out/)
  })

  it('a roster without this trainer (it joined after the first setup): SECAGG_NOT_IN_ROSTER, nothing sent', async () => {
    const chain = new FakeSecAggChain(KEYS)
    chain.roster = [address(0), address(1), address(2)].sort((a, b) =>
      Buffer.compare(Buffer.from(decodeAddress(a)), Buffer.from(decodeAddress(b))),
    )
    const { t } = trainer(chain, 3)
    assert.equal(sitOutCode(await t.step(chain.round())), 'SECAGG_NOT_IN_ROSTER')
    assert.equal(chain.sent.length, 0)
    // and it stays out of the round: no second look
    assert.equal(sitOutCode(await t.step(chain.round())), 'SECAGG_NOT_IN_ROSTER')
  })

  it('the setup phase passed without its setup (it started late): SECAGG_SETUP_MISSED, nothing sent', async () => {
    const chain = new FakeSecAggChain(KEYS)
    await trainer(chain, 0).t.step(chain.round())
    chain.height = SETUP_END - 1
    const { t } = trainer(chain, 1)
    assert.equal(sitOutCode(await t.step(chain.round())), 'SECAGG_SETUP_MISSED')
    assert.equal(chain.sent.length, 1, "only trainer 0's setup")
  })

  it('the chain refuses the setup (training/81 SECAGG_SETUP_CLOSED): SECAGG_REFUSED naming the code, sits the round out', async () => {
    const chain = new FakeSecAggChain(KEYS)
    chain.refuse = { code: 81, log: 'SECAGG_SETUP_CLOSED: round 0 of subnet 0 takes no more setups at height 3' }
    const { t, log } = trainer(chain, 0)
    const gate = await t.step(chain.round())
    assert.equal(sitOutCode(gate), 'SECAGG_REFUSED')
    assert.equal((gate as { reason: RoleError }).reason.context.code, 'training/81')
    assert.match(log.warnings.join('\n'), /SECAGG_SETUP_CLOSED/)
  })

  it('a graph neighbour without a public key on chain: SECAGG_NO_HOLDER_KEY, nothing sent', async () => {
    const chain = new FakeSecAggChain(KEYS)
    chain.keys.delete(address(2))
    const { t } = trainer(chain, 0)
    assert.equal(sitOutCode(await t.step(chain.round())), 'SECAGG_NO_HOLDER_KEY')
    assert.equal(chain.sent.length, 0)
  })

  it('a setup dealt for a predicted roster the chain refuses as SECAGG_BAD_SETUP (85): waits and deals again from the next block', async () => {
    const chain = new FakeSecAggChain(KEYS)
    chain.refuse = { code: 85, log: 'SECAGG_BAD_SETUP: 3 graph neighbours, 2 shares' }
    const { t } = trainer(chain, 0)
    assert.deepEqual(await t.step(chain.round()), { kind: 'wait' })
    chain.refuse = null
    chain.height++
    assert.deepEqual(await t.step(chain.round()), { kind: 'wait' })
    assert.equal(chain.setups.size, 1)
  })

  it('a round key file it cannot read back (truncated, edited): BAD_STATE naming the file, no setup sent', async () => {
    const chain = new FakeSecAggChain(KEYS)
    const state = dir()
    writeFileSync(join(state, `secagg-${address(0)}-0-0.json`), '{"secret_key":"00"}')
    await assert.rejects(
      trainer(chain, 0, { stateDir: state }).t.step(chain.round()),
      (e: unknown) => e instanceof RoleError && e.code === 'BAD_STATE' && e.message.includes(state),
    )
    assert.equal(chain.sent.length, 0)
  })

  it('--dump-plain without FEDRA_TEST_DUMP=1: BAD_OPTION (it would write plaintext updates)', () => {
    const chain = new FakeSecAggChain(KEYS)
    assert.throws(
      () => trainer(chain, 0, { dumpPlain: dir(), env: {} }),
      (e: unknown) => e instanceof RoleError && e.code === 'BAD_OPTION' && /FEDRA_TEST_DUMP=1/.test(e.message),
    )
    assert.doesNotThrow(() => trainer(chain, 0, { dumpPlain: dir(), env: { FEDRA_TEST_DUMP: '1' } }))
  })

  it('masks with its self mask and the neighbours that set up (the survivors alone do not sum to Σ w·x uncorrected), dumps the plain update only under --dump-plain, and each holder reveals, in one transaction, its self shares of survivors and its key share of the dropped trainer', async () => {
    const chain = new FakeSecAggChain(KEYS)
    const dump = dir()
    const trainers = KEYS.map((_, i) => trainer(chain, i, i === 0 ? { dumpPlain: dump, env: { FEDRA_TEST_DUMP: '1' } } : {}).t)
    for (const t of trainers) await t.step(chain.round())
    assert.equal(chain.setups.size, 4)
    chain.height = SETUP_END
    const dropped = 3
    const plain = [0, 1, 2].map((i) => Int32Array.from({ length: 64 }, (_, k) => ((k * 37 + i * 11) % 201) - 100))
    const weights = [100, 7, 512]
    const survivors = [0, 1, 2]
    const ys: Int32Array[] = []
    for (const i of survivors) {
      assert.deepEqual(await trainers[i]!.step(chain.round()), { kind: 'update' })
      ys.push(trainers[i]!.mask(chain.round(), plain[i]!, weights[i]!, 16384))
      chain.updated.add(address(i))
    }
    assert.ok(existsSync(join(dump, 'round-0.blob')))
    // The same round masks once: a retry gets the very same vector.
    assert.equal(trainers[0]!.mask(chain.round(), new Int32Array(64), 100, 16384), ys[0])
    chain.phase = 'aggregate'
    chain.submitClosed = true
    const before = chain.sent.length
    for (const i of survivors) await trainers[i]!.step(chain.round())
    const reveals = chain.sent.slice(before)
    const roster = chain.roster!
    const dealer = roster.indexOf(address(dropped))
    const holders = chain
      .graph()
      .neighbours(dealer)
      .filter((j) => roster[j] !== address(dropped))
    assert.deepEqual(reveals.map((r) => r.signer).sort(), holders.map((j) => roster[j]!).sort())
    for (const r of reveals) {
      const m = r.value as MsgSecAggRevealValue
      const holder = roster.indexOf(r.signer)
      // 4 members, the complete graph: the key share of the dropped one, the self shares of the other two survivors
      assert.deepEqual(m.reveals.map((x) => x.kind).sort(), [SHARE_KIND_KEY, SHARE_KIND_SELF, SHARE_KIND_SELF])
      for (const x of m.reveals) {
        const d = roster.findIndex((a) => Buffer.from(decodeAddress(a)).equals(Buffer.from(x.dealer)))
        const isDropped = roster[d] === address(dropped)
        assert.equal(
          x.kind,
          isDropped ? SHARE_KIND_KEY : SHARE_KIND_SELF,
          'key shares of the dropped trainer only, self shares of survivors only',
        )
        const dealt = chain.setups.get(roster[d]!)!.shares[chain.graph().neighbours(d).indexOf(holder)]!
        const kind = isDropped ? 'key' : 'self'
        checkRevealedShare(isDropped ? dealt.commitment : dealt.selfCommitment, chain.roundId(), d, holder, x.share, kind)
      }
    }
    // Revealed once: another step sends nothing.
    for (const i of survivors) await trainers[i]!.step(chain.round())
    assert.equal(chain.sent.length, before + reveals.length)
    // Without the self masks and the dropped trainer's masks removed the sum is noise; the aggregator's part is tested in secagg-aggregator.test.ts.
    const sum = unmaskedSum(ys)
    const exact = Array.from({ length: 64 }, (_, k) => plain.reduce((s, x, i) => s + weights[i]! * x[k]!, 0))
    assert.notDeepEqual(Array.from(sum), exact)
  })
})

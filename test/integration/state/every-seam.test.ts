import assert from 'node:assert/strict'
import { pino } from 'pino'
import { encode } from '../../../src/codec/index.js'
import {
  type ConsensusMessage,
  ConsensusDriver,
  MemorySignerState,
  MemoryWal,
  ed25519Verifier,
  keySigner,
} from '../../../src/consensus/index.js'
import type { ChainApp } from '../../../src/node/chain-app.js'
import { CHAIN_ID, testKey } from '../../helpers/chain.js'
import { VALIDATORS, fourValidatorGenesis, openChain, signedTx, tempDirs } from '../../support/chain.js'
import { PING_HOOKS } from '../../support/modules/pinger/hooks.js'
import { MsgPing, pingerModule } from '../../support/modules/pinger/index.js'
import { probePower, seamProbeModule } from '../../support/modules/seam-probe.js'

const KEYS = VALIDATORS.map((k) => k.publicKey.bytes)
const TARGET = 6
const STEP = 3
const PARAMS = {
  timeouts: { proposeMs: 600, proposeDeltaMs: 300, prevoteMs: 200, prevoteDeltaMs: 100, precommitMs: 200, precommitDeltaMs: 100 },
  commitDelayMs: 10,
  rebroadcastMs: 500,
  maxClockDriftMs: 5000,
  maxRoundsAhead: 100,
}
const clock = {
  now: () => Date.now(),
  setTimer: (ms: number, fire: () => void) => setTimeout(fire, ms),
  clearTimer: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
}

describe('every seam on a four-validator chain running real consensus in process', function () {
  this.timeout(60_000)
  const dirs = tempDirs()
  after(() => dirs.removeAll())

  it('params, end-block validator updates at H+2, consensus info in begin-block, a hook, the supply invariant after every block', async () => {
    const genesis = fourValidatorGenesis({ 'seam-probe': { params: { power_step: STEP } } })
    const chains: ChainApp[] = []
    for (let i = 0; i < 4; i++)
      chains.push(
        await openChain(dirs.next(), genesis, [pingerModule, seamProbeModule(KEYS)], {
          hooks: [{ point: PING_HOOKS, subscriber: 'seam-probe' }],
        }),
      )
    const ping = signedTx(0, 0n, [encode(MsgPing, { note: 'seam' })])
    const broken: unknown[] = []
    for (const chain of chains) {
      // Every proposer offers the one ping until it is committed.
      chain.setTxSource({
        reap: () =>
          (chain.state.query('auth', 'account', { address: testKey(0).publicKey.address }) as { nonce: string }).nonce === '0'
            ? [ping]
            : [],
      })
      chain.onCommitted(() => {
        try {
          chain.state.assertInvariants()
        } catch (error) {
          broken.push(error)
        }
      })
    }
    const drivers: ConsensusDriver[] = []
    const peer = (i: number) => `v${i}`
    const deliver = (to: number, from: number, message: ConsensusMessage) => setImmediate(() => drivers[to]!.receive(peer(from), message))
    chains.forEach((chain, i) => {
      drivers.push(
        new ConsensusDriver({
          params: PARAMS,
          app: chain,
          wal: new MemoryWal(),
          signer: keySigner(VALIDATORS[i]!, CHAIN_ID),
          signerState: new MemorySignerState(),
          verifier: ed25519Verifier(CHAIN_ID),
          network: {
            broadcast: (m) => chains.forEach((_, j) => j !== i && deliver(j, i, m)),
            send: (p, m) => deliver(Number(p.slice(1)), i, m),
          },
          clock,
          log: pino({ level: 'silent' }),
        }),
      )
    })
    const reached = Promise.all(
      chains.map((chain) => new Promise<void>((resolve) => chain.onCommitted((info) => info.block.header.height >= TARGET && resolve()))),
    )
    drivers.forEach((d) => d.start())
    await reached
    drivers.forEach((d) => d.stop())
    await Promise.all(chains.map((c) => c.idle()))

    assert.deepEqual(broken, [])
    const height = Math.min(...chains.map((c) => c.height))
    for (const chain of chains) {
      for (let h = 1; h <= height; h++) {
        const set = chain.validatorsAt(h + 2)
        const changed = set?.validators.find((v) => v.address === VALIDATORS[h % 4]!.publicKey.address)
        assert.equal(changed?.votingPower, probePower(STEP, h), `set of ${h + 2} has the update of ${h}`)
      }
      for (let h = 2; h <= height; h++) {
        const seen = chain.state.query('seam-probe', 'seen', { height: h }) as string
        const signed = (seen.match(/\+/g) ?? []).length
        assert.ok(signed >= 3, `begin-block of ${h} saw the commit of ${h - 1} with +2/3 signers: ${seen}`)
      }
      assert.equal(chain.state.query('seam-probe', 'pings'), '1')
      assert.deepEqual(chain.validatorsAt(height), chains[0]!.validatorsAt(height))
    }
    await Promise.all(chains.map((c) => c.state.db.close()))
  })
})

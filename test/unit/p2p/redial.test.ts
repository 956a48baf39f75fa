import assert from 'node:assert/strict'
import { pino } from 'pino'
import { BootstrapRedialer, type RedialTarget, type Timers } from '../../../src/p2p/redial.js'

/** Virtual timers: `advance` fires due callbacks in time order. */
class FakeTimers implements Timers {
  now = 0
  #next = 1
  readonly #pending = new Map<number, { at: number; fire: () => void }>()

  set(ms: number, fire: () => void): unknown {
    const id = this.#next++
    this.#pending.set(id, { at: this.now + ms, fire })
    return id
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number)
  }

  /** Delays of the timers pending now, relative to now. */
  pendingDelays(): number[] {
    return [...this.#pending.values()].map((timer) => timer.at - this.now)
  }

  async advance(ms: number): Promise<void> {
    const end = this.now + ms
    for (;;) {
      const due = [...this.#pending.entries()].filter(([, timer]) => timer.at <= end).sort((x, y) => x[1].at - y[1].at)[0]
      if (due === undefined) break
      this.#pending.delete(due[0])
      this.now = due[1].at
      due[1].fire()
      await new Promise((resolve) => setImmediate(resolve)) // let the dial's promise settle
    }
    this.now = end
  }
}

const target: RedialTarget = { peerId: 'peerB', addresses: ['/ip4/127.0.0.1/tcp/1/p2p/peerB'] }

function setup(options: { up?: boolean; banned?: boolean } = {}) {
  const timers = new FakeTimers()
  const state = { up: options.up ?? false, connected: false, banned: options.banned ?? false, dials: [] as number[] }
  const redialer = new BootstrapRedialer({
    targets: [target],
    dial: async () => {
      state.dials.push(timers.now)
      if (!state.up) throw new Error('ECONNREFUSED')
      state.connected = true
    },
    isConnected: () => state.connected,
    isBanned: () => state.banned,
    baseMs: 100,
    maxMs: 1000,
    timers,
    random: () => 0.5, // no jitter
    now: () => timers.now,
    log: pino({ level: 'silent' }),
  })
  return { timers, state, redialer }
}

describe('p2p bootstrap redialer', () => {
  it('dials every bootstrap peer at start', async () => {
    const { timers, state, redialer } = setup({ up: true })
    redialer.start()
    await timers.advance(0)
    assert.deepEqual(state.dials, [0])
    assert.ok(state.connected)
  })

  it('backs off exponentially up to the cap while the peer is down, forever', async () => {
    const { timers, state, redialer } = setup()
    redialer.start()
    await timers.advance(10_000)
    const gaps = state.dials.slice(1).map((at, i) => at - state.dials[i]!)
    assert.deepEqual(gaps.slice(0, 5), [200, 400, 800, 1000, 1000])
    assert.ok(state.dials.length > 10)
  })

  it('redials quickly after a long-lived connection drops', async () => {
    const { timers, state, redialer } = setup({ up: true })
    redialer.start()
    await timers.advance(0)
    redialer.peerConnected(target.peerId)
    await timers.advance(5000)
    state.connected = false
    redialer.peerDisconnected(target.peerId)
    assert.deepEqual(timers.pendingDelays(), [100])
  })

  it('backs off from a peer that keeps dropping the connection at once', async () => {
    const { timers, state, redialer } = setup({ up: true })
    redialer.start()
    await timers.advance(0)
    const delays: number[] = []
    for (let i = 0; i < 4; i++) {
      redialer.peerConnected(target.peerId)
      state.connected = false
      redialer.peerDisconnected(target.peerId)
      delays.push(...timers.pendingDelays())
      await timers.advance(2000)
    }
    assert.deepEqual(delays, [200, 400, 800, 1000])
  })

  it('does not dial a banned peer but keeps it on the list', async () => {
    const { timers, state, redialer } = setup({ up: true, banned: true })
    redialer.start()
    await timers.advance(2500)
    assert.deepEqual(state.dials, [])
    state.banned = false
    await timers.advance(1000)
    assert.equal(state.dials.length, 1)
  })

  it('stops dialling when stopped', async () => {
    const { timers, state, redialer } = setup()
    redialer.start()
    await timers.advance(250)
    redialer.stop()
    const dials = state.dials.length
    redialer.peerDisconnected(target.peerId)
    await timers.advance(10_000)
    assert.equal(state.dials.length, dials)
    assert.deepEqual(timers.pendingDelays(), [])
  })

  it('gives each dial in flight a signal of its own, and stop() aborts them all', async () => {
    // libp2p's dial queue adds listeners to a dial's signal; one signal shared by a dozen dials at
    // once passed Node's MaxListeners limit in every node of a 7-validator devnet.
    const timers = new FakeTimers()
    const signals: AbortSignal[] = []
    const targets = Array.from(
      { length: 12 },
      (_, i): RedialTarget => ({ peerId: `peer${i}`, addresses: [`/ip4/127.0.0.1/tcp/${i + 1}/p2p/peer${i}`] }),
    )
    const redialer = new BootstrapRedialer({
      targets,
      dial: (_target, signal) => {
        signals.push(signal)
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))
      },
      isConnected: () => false,
      isBanned: () => false,
      baseMs: 100,
      maxMs: 1000,
      timers,
      random: () => 0.5,
      now: () => timers.now,
      log: pino({ level: 'silent' }),
    })
    redialer.start()
    await timers.advance(0)
    assert.equal(signals.length, 12)
    assert.equal(new Set(signals).size, 12, 'one signal per dial')
    assert.ok(signals.every((signal) => !signal.aborted))
    redialer.stop()
    assert.ok(
      signals.every((signal) => signal.aborted),
      'stop aborts every dial in flight',
    )
  })
})

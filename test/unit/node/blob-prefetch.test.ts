import assert from 'node:assert/strict'
import { type BlobCid, type DataAvailability, buildUnixfsFile, formatCid } from '../../../src/blobs/index.js'
import { BlobPrefetch } from '../../../src/node/blob-prefetch.js'
import { silentLog } from '../rpc/support/wire.js'

const cidOf = (n: number) => formatCid(buildUnixfsFile(new Uint8Array([n, 1, 2, 3])).root)

/** A DataAvailability stand-in: which CIDs are local, and fetches the test resolves by hand. */
class FakeAvailability {
  readonly local = new Set<string>()
  readonly started: string[] = []
  readonly #waiting = new Map<string, (ok: boolean) => void>()
  holds(cids: readonly BlobCid[]): boolean {
    return cids.every((c) => this.local.has(formatCid(c)))
  }
  ensureAvailable(cids: readonly BlobCid[]): Promise<{ available: boolean; missing: { cid: string; code: string }[] }> {
    const text = formatCid(cids[0]!)
    this.started.push(text)
    return new Promise((resolve) =>
      this.#waiting.set(text, (ok) => {
        if (ok) this.local.add(text)
        resolve(ok ? { available: true, missing: [] } : { available: false, missing: [{ cid: text, code: 'TIMEOUT' }] })
      }),
    )
  }
  finish(cid: string, ok = true): Promise<void> {
    this.#waiting.get(cid)!(ok)
    this.#waiting.delete(cid)
    return new Promise((resolve) => setImmediate(resolve))
  }
}

describe("BlobPrefetch: pending transactions' blobs fetched in the background", () => {
  const setup = (concurrency = 2) => {
    const availability = new FakeAvailability()
    const declared = new Map<Uint8Array, string[]>()
    const prefetch = new BlobPrefetch({
      availability: availability as unknown as DataAvailability,
      declared: (tx) => declared.get(tx) ?? [],
      timeoutMs: 1000,
      concurrency,
      log: silentLog,
    })
    const tx = (...cids: string[]) => {
      const bytes = new Uint8Array(1)
      declared.set(bytes, cids)
      return bytes
    }
    return { availability, prefetch, tx }
  }

  it('fetches each missing CID once, skips held ones and CIDs that do not parse', async () => {
    const { availability, prefetch, tx } = setup(8)
    availability.local.add(cidOf(1))
    prefetch.consider(tx(cidOf(1), cidOf(2), 'not-a-cid'))
    prefetch.consider(tx(cidOf(2), cidOf(3)))
    assert.deepEqual(availability.started, [cidOf(2), cidOf(3)])
    assert.equal(prefetch.pending, 2)
    await availability.finish(cidOf(2))
    await availability.finish(cidOf(3))
    assert.equal(prefetch.pending, 0)
    prefetch.consider(tx(cidOf(2)))
    assert.equal(availability.started.length, 2, 'now local: not fetched again')
  })

  it('runs at most `concurrency` fetches at once; the rest wait for a slot', async () => {
    const { availability, prefetch, tx } = setup(2)
    prefetch.consider(tx(cidOf(4), cidOf(5), cidOf(6)))
    assert.deepEqual(availability.started, [cidOf(4), cidOf(5)])
    await availability.finish(cidOf(4))
    assert.deepEqual(availability.started, [cidOf(4), cidOf(5), cidOf(6)])
  })

  it('forgets a failed fetch, so a later admission naming the CID tries again; stop() ends it', async () => {
    const { availability, prefetch, tx } = setup(2)
    prefetch.consider(tx(cidOf(7)))
    await availability.finish(cidOf(7), false)
    assert.equal(prefetch.pending, 0)
    prefetch.consider(tx(cidOf(7)))
    assert.equal(availability.started.length, 2)
    prefetch.stop()
    prefetch.consider(tx(cidOf(8)))
    assert.equal(availability.started.length, 2)
  })
})

import { pino } from 'pino'
import { P2PHost, type P2PHostConfig } from '../../../src/p2p/index.js'

export const silent = pino({ level: process.env.FEDRA_LOG_LEVEL ?? 'silent' })

/** A distinct, reproducible 32-byte node key seed per index. */
export function seed(index: number): Uint8Array {
  const bytes = new Uint8Array(32)
  bytes[0] = 0xfe
  bytes[31] = index
  return bytes
}

/**
 * Creates and starts hosts on free loopback ports, remembering them so `stopAll` (called from
 * afterEach/after) stops every one of them even when a test fails halfway.
 */
export class HostPool {
  readonly #hosts: P2PHost[] = []

  async start(index: number, config: Partial<P2PHostConfig> = {}): Promise<P2PHost> {
    const host = await P2PHost.create({
      seed: seed(index),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      reconnectMs: 100,
      reconnectMaxMs: 500,
      log: silent,
      ...config,
    })
    this.#hosts.push(host)
    await host.start()
    return host
  }

  async stopAll(): Promise<void> {
    const hosts = this.#hosts.splice(0)
    await Promise.all(hosts.map((host) => host.stop()))
  }
}

/** Polls `condition` every 20 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values)
}

import type { ClientSubscription, FedraClient } from '../client/index.js'
import type { BlockJsonValue } from '../rpc/shapes.js'
import type { Logger } from '../log/index.js'

export interface FollowerOptions {
  client: FedraClient
  log: Logger
  /** One step of the role: reads the round and acts; never run twice at once. */
  step: () => Promise<void>
  /** The safety poll while the WebSocket is down or quiet, ms. */
  pollMs?: number
}

/**
 * Drives a role by the chain: a `newBlocks` subscription over the node's WebSocket runs `step`
 * after every block (the client resubscribes after a reconnect, with backoff), and a slow poll
 * runs it too, so a role whose node restarts or whose socket died keeps going and resumes the
 * current round from chain state alone (a step reads the round and what the role already did
 * on chain, never a local memory of it). Steps never overlap: a block arriving during one is
 * remembered and runs one more step after it.
 */
export class Follower {
  readonly #options: FollowerOptions
  #subscription: ClientSubscription<BlockJsonValue> | null = null
  #timer: NodeJS.Timeout | null = null
  #running = false
  #again = false
  #stopped = false
  #failures = 0

  constructor(options: FollowerOptions) {
    this.#options = options
  }

  async start(): Promise<void> {
    const pollMs = this.#options.pollMs ?? 2000
    this.#timer = setInterval(() => this.#kick(), pollMs)
    await this.#subscribe()
    this.#kick()
  }

  async #subscribe(): Promise<void> {
    if (this.#stopped) return
    try {
      this.#subscription = await this.#options.client.subscribeBlocks(() => this.#kick(), {
        onError: (error) => this.#options.log.debug({ err: error }, 'block subscription error (the client reconnects)'),
      })
    } catch (error) {
      // The node is down: the poll keeps the role going and tries the subscription again.
      this.#options.log.warn({ err: (error as Error).message }, 'cannot subscribe to blocks yet; polling')
      setTimeout(() => void this.#subscribe(), 2000).unref()
    }
  }

  #kick(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void this.#options
      .step()
      .then(() => {
        if (this.#failures > 0) this.#options.log.info({ after: this.#failures }, 'node reachable again')
        this.#failures = 0
      })
      .catch((error: Error) => {
        // One line per failure burst, not per block: a node that is down fails every step.
        if (this.#failures++ === 0)
          this.#options.log.warn({ err: error.message, code: (error as { code?: string }).code }, 'step failed; retrying on the next block')
      })
      .finally(() => {
        this.#running = false
        if (this.#again && !this.#stopped) {
          this.#again = false
          this.#kick()
        }
      })
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== null) clearInterval(this.#timer)
    await this.#subscription?.unsubscribe().catch(() => undefined)
    this.#options.client.close()
  }
}

import { FedraClient, HttpTransport } from '../../client/index.js'
import type { BlockJsonValue } from '../../rpc/shapes.js'
import type { MODEL_EVALUATE_API } from '../../rpc/api/evaluate.js'
import type { ResultOf } from '../../rpc/method.js'

export type Evaluation = ResultOf<(typeof MODEL_EVALUATE_API)['model_evaluate']>

/** What every view gets: the client of the serving node, and the live block stream. */
export class Ctx {
  readonly client: FedraClient
  readonly #http: HttpTransport
  readonly #blockListeners = new Set<(block: BlockJsonValue) => void>()
  readonly #evaluations = new Map<string, Promise<Evaluation>>()
  latest: BlockJsonValue | null = null
  /** Re-renders the current page in place (set by main.ts). */
  refresh: () => void = () => {}

  constructor(url: string) {
    this.client = new FedraClient({ url, timeoutMs: 30_000, reconnect: { initialDelayMs: 250, maxDelayMs: 4000 } })
    this.#http = new HttpTransport(url, 60_000)
  }

  /** model_evaluate (a node method beside the core table, so not typed by FedraClient.call). */
  evaluate(subnet: string, version: string): Promise<Evaluation> {
    const key = `${subnet}/${version}`
    let answer = this.#evaluations.get(key)
    if (answer === undefined) {
      answer = this.#http.call('model_evaluate', { subnet, version }) as Promise<Evaluation>
      this.#evaluations.set(key, answer)
      answer.catch(() => this.#evaluations.delete(key))
    }
    return answer
  }

  /** Calls `listener` with each new block until the view it belongs to is left (the returned function). */
  onBlock(listener: (block: BlockJsonValue) => void): () => void {
    this.#blockListeners.add(listener)
    return () => this.#blockListeners.delete(listener)
  }

  /** Re-renders the page on new blocks, at most once per `everyMs`: for pages whose subject is still moving (a round taking votes). */
  liveRefresh(everyMs = 2000): void {
    let last = 0
    this.onBlock(() => {
      const now = Date.now()
      if (now - last < everyMs) return
      last = now
      this.refresh()
    })
  }

  deliverBlock(block: BlockJsonValue): void {
    this.latest = block
    for (const listener of this.#blockListeners) {
      try {
        listener(block)
      } catch (error) {
        console.warn('a view failed to take a block', error)
      }
    }
  }

  clearListeners(): void {
    this.#blockListeners.clear()
  }
}

/** A page of the dashboard: the route's arguments in, its element out. */
export type View = (ctx: Ctx, args: string[]) => Promise<HTMLElement>

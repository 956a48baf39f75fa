import { type Server, createServer } from 'node:http'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { RoleError } from './errors.js'

/**
 * A role's Prometheus metrics (its own registry, prefix fedra_<role>_), served at /metrics on
 * `--metrics-listen HOST:PORT` when given.
 */
export class RoleMetrics {
  readonly registry = new Registry()
  readonly round: Gauge
  readonly submitted: Counter
  readonly refused: Counter
  readonly seconds: Histogram
  readonly rejected: Counter
  readonly stopped: Gauge
  #server: Server | null = null

  constructor(role: 'trainer' | 'aggregator' | 'scorer') {
    const p = `fedra_${role}_`
    collectDefaultMetrics({ register: this.registry, prefix: `${p}process_` })
    this.round = new Gauge({ name: `${p}round`, help: 'the last round this role acted in', registers: [this.registry] })
    this.submitted = new Counter({
      name: `${p}submitted_total`,
      help:
        role === 'trainer'
          ? 'updates included on chain'
          : role === 'scorer'
            ? 'rounds whose scores were revealed on chain'
            : 'aggregates accepted on chain',
      registers: [this.registry],
    })
    this.refused = new Counter({
      name: `${p}refused_total`,
      help: 'transactions that failed on chain or were refused by the node',
      labelNames: ['code'],
      registers: [this.registry],
    })
    this.rejected = new Counter({
      name: `${p}aggregate_rejected_total`,
      help: 'aggregates the chain recomputed differently (aggregators only)',
      registers: [this.registry],
    })
    this.stopped = new Gauge({
      name: `${p}stopped`,
      help: 'set to 1 when the role stopped working for its subnet on its own, by reason (a trainer: dp_budget_exhausted)',
      labelNames: ['reason'],
      registers: [this.registry],
    })
    this.seconds = new Histogram({
      name: `${p}work_seconds`,
      help:
        role === 'trainer'
          ? 'local training, quantization and upload per round'
          : role === 'scorer'
            ? 'fetch and scoring of every update per round'
            : 'fetch, aggregation and upload per round',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    })
  }

  /** Serves /metrics on HOST:PORT; returns the port bound (PORT 0: any free one). */
  async listen(address: string): Promise<number> {
    const match = /^([^:]+):(\d{1,5})$/.exec(address)
    if (match === null)
      throw new RoleError('BAD_OPTION', `--metrics-listen must be HOST:PORT, got "${address.slice(0, 60)}"`, {
        option: 'metrics-listen',
        value: address.slice(0, 60),
      })
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end()
      void this.registry.metrics().then((text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text))
    })
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(match[2]), match[1], resolve))
    this.#server = server
    return (server.address() as { port: number }).port
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server === null ? resolve() : this.#server.close(() => resolve())))
  }
}

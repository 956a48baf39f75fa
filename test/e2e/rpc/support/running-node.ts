/**
 * One validator as a real `fedra start` child process on loopback ports, committing blocks on
 * its own, for the JSON-RPC end-to-end tests: its URLs, a typed client, funded devnet accounts
 * that sign real transfers, and raw HTTP with a keep-alive agent.
 */
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { FedraClient } from '../../../../src/client/index.js'
import { encode } from '../../../../src/codec/index.js'
import type { PrivateKey } from '../../../../src/crypto/index.js'
import { toHex } from '../../../../src/crypto/index.js'
import { createDevnet, devnetAccount, type DevnetLayout, type DevnetNode } from '../../../../src/devnet/layout.js'
import { NodeProcess, logFileTail, waitFor } from '../../../../src/devnet/process.js'
import { MsgSend } from '../../../../src/modules/index.js'
import { signTx, txHash } from '../../../../src/state/index.js'
import { tempDir } from '../../../helpers/chain.js'

export const FEE = 200n
export const GAS_LIMIT = 200_000n

export interface RunningNodeOptions {
  /** Funded devnet accounts (devnetAccount(0..n-1)). */
  accounts: number
  /** Pause after each commit: with one validator, about the block time. */
  commitDelayMs: number
  chainId?: string
  /** Environment of the node process (FEDRA_* settings, e.g. FEDRA_SERVING_ENABLED). */
  env?: Record<string, string>
  /** Module sections merged over the devnet's app_state (createDevnet's appState). */
  appState?: Record<string, Record<string, unknown>>
}

/** Devnet accounts that sign transfers with their next nonce, as the node will expect it. */
export class Wallets {
  readonly chainId: string
  readonly #nonces = new Map<number, bigint>()

  constructor(chainId: string) {
    this.chainId = chainId
  }

  key(i: number): PrivateKey {
    return devnetAccount(i)
  }

  address(i: number): string {
    return devnetAccount(i).publicKey.address
  }

  /** The account state path (`auth/61<20 address bytes>`) of account i. */
  accountPath(i: number): string {
    return `auth/61${toHex(devnetAccount(i).publicKey.addressBytes)}`
  }

  /**
   * A signed transfer from account `from` to account `to` (any index: one past the funded ones
   * is an account nobody has used), taking `from`'s next nonce unless one is given.
   */
  transfer(from: number, to: number, amount: bigint, options: { nonce?: bigint; memo?: string } = {}): Uint8Array {
    const nonce = options.nonce ?? this.#nonces.get(from) ?? 0n
    if (options.nonce === undefined) this.#nonces.set(from, nonce + 1n)
    const recipient = devnetAccount(to).publicKey.addressBytes
    return signTx(devnetAccount(from), {
      chainId: this.chainId,
      nonce,
      fee: FEE,
      gasLimit: GAS_LIMIT,
      messages: [encode(MsgSend, { to: recipient, amount: [{ denom: 'ufdr', amount }] })],
      memo: options.memo ?? '',
    })
  }
}

export const hashOf = (tx: Uint8Array): string => toHex(txHash(tx))

export interface HttpAnswer {
  status: number
  text: string
}

/** POSTs raw bodies over one keep-alive agent; 'closed' when the connection ends without an answer. */
export class RawHttp {
  readonly url: string
  readonly agent: Agent

  constructor(url: string, maxSockets = 4) {
    this.url = url
    this.agent = new Agent({ keepAlive: true, maxSockets })
  }

  post(body: string | Buffer, timeoutMs = 30_000): Promise<HttpAnswer | 'closed'> {
    return new Promise((resolve) => {
      const req = request(
        this.url,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json' }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', () => resolve('closed'))
          res.on('aborted', () => resolve('closed'))
        },
      )
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      req.on('error', () => resolve('closed'))
      req.end(body)
    })
  }

  /** One call by raw JSON: the parsed response (throws if the connection closed). */
  async call(
    method: string,
    params?: unknown,
    id: unknown = 1,
  ): Promise<{ result?: any; error?: { code: number; message: string; data?: any }; id: unknown; jsonrpc: string }> {
    const answer = await this.post(
      JSON.stringify(params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id }),
    )
    if (answer === 'closed') throw new Error(`${method}: the connection closed without an answer`)
    return JSON.parse(answer.text)
  }

  close(): void {
    this.agent.destroy()
  }
}

/** A started single-validator node; `stop()` ends the process and removes its home. */
export class RunningNode {
  readonly layout: DevnetLayout
  readonly node: DevnetNode
  readonly process: NodeProcess
  readonly url: string
  readonly wsUrl: string
  readonly wallets: Wallets
  readonly client: FedraClient
  /** The end of the node's log, kept when it stopped (its home is gone then). */
  finalLog: string | undefined
  readonly #dir: { path: string; remove(): void }
  readonly #killOnExit: () => void
  readonly #onSignal: (signal: NodeJS.Signals) => void

  private constructor(layout: DevnetLayout, dir: { path: string; remove(): void }, process: NodeProcess) {
    this.layout = layout
    this.node = layout.nodes[0]!
    this.process = process
    this.#dir = dir
    this.url = `http://127.0.0.1:${this.node.rpcPort}/`
    this.wsUrl = `ws://127.0.0.1:${this.node.rpcPort}/`
    this.wallets = new Wallets(layout.chainId)
    this.client = new FedraClient({ url: this.url, validateResults: true, timeoutMs: 30_000 })
    // If the test run ends or is interrupted before `stop`, the node must not outlive it (it runs
    // in its own process group, so a signal to the test run does not reach it).
    this.#killOnExit = () => {
      if (process.pid !== undefined && process.running) globalThis.process.kill(process.pid, 'SIGKILL')
    }
    this.#onSignal = (signal: NodeJS.Signals) => {
      this.#killOnExit()
      globalThis.process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    globalThis.process.on('exit', this.#killOnExit)
    globalThis.process.once('SIGINT', this.#onSignal)
    globalThis.process.once('SIGTERM', this.#onSignal)
  }

  static async start(options: RunningNodeOptions): Promise<RunningNode> {
    const dir = tempDir('fedra-e2e-rpc-')
    const layout = await createDevnet({
      dir: dir.path,
      validators: 1,
      fullNodes: 0,
      chainId: options.chainId ?? 'fedra-e2e-rpc-1',
      commitDelayMs: options.commitDelayMs,
      accounts: options.accounts,
      appState: options.appState,
    })
    const child = new NodeProcess(layout.nodes[0]!)
    const node = new RunningNode(layout, dir, child)
    // Blocks come every ~commitDelayMs and the suite proves values at heights it noted early on:
    // on a loaded machine more than the default 100 heights can pass before it asks.
    child.start({ FEDRA_STATE_KEEP_RECENT: '5000', ...options.env })
    try {
      await waitFor(
        'the node to serve JSON-RPC at height ≥ 1',
        async () => {
          if (!child.running) throw new Error(`the node exited at start:\n${node.logTail()}`)
          try {
            return (await node.client.status()).syncInfo.latestHeight >= 1
          } catch {
            return false
          }
        },
        60_000,
        50,
      )
    } catch (error) {
      await node.stop()
      throw error
    }
    return node
  }

  get home(): string {
    return this.node.home
  }

  /** The genesis file the node runs, as JSON. */
  genesis(): Record<string, any> {
    return JSON.parse(readFileSync(join(this.home, 'config', 'genesis.json'), 'utf8'))
  }

  async height(): Promise<number> {
    return (await this.client.status()).syncInfo.latestHeight
  }

  /** Waits until the chain reaches `height`, polling chain_status. */
  waitForHeight(height: number, timeoutMs = 20_000): Promise<number> {
    return waitFor(
      `height ${height}`,
      async () => {
        const h = await this.height()
        return h >= height ? h : undefined
      },
      timeoutMs,
      25,
    )
  }

  /** Waits until tx_get finds `hash` (committed and indexed). */
  waitForTx(hash: string, timeoutMs = 20_000) {
    return waitFor(
      `tx ${hash} committed`,
      async () => {
        try {
          return await this.client.tx(hash)
        } catch {
          return undefined
        }
      },
      timeoutMs,
      25,
    )
  }

  /** The last lines of the node's log, for failure messages. */
  logTail(lines = 40): string {
    return logFileTail(join(this.home, 'node.log'), lines)?.join('\n') ?? '(no log)'
  }

  /**
   * SIGTERM (SIGKILL after 10 s), then removes the home, keeping the end of the log in
   * `finalLog`. Returns the exit code (0: a clean stop).
   */
  async stop(): Promise<number | null> {
    this.client.close()
    const code = await this.process.stop()
    globalThis.process.off('exit', this.#killOnExit)
    globalThis.process.off('SIGINT', this.#onSignal)
    globalThis.process.off('SIGTERM', this.#onSignal)
    this.finalLog ??= this.logTail()
    this.#dir.remove()
    return code
  }
}

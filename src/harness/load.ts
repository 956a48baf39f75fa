import { ClientError, FedraClient, messages, signTx } from '../client/index.js'
import type { PrivateKey } from '../crypto/index.js'
import { SeededRandom } from '../fl/random.js'

/** One transfer the node accepted into its mempool: it must be committed exactly once. */
export interface AcceptedTx {
  hex: string
  hash: string
  from: number
  nonce: bigint
  at: number
}

/**
 * The load of a run: bank transfers between a few funded accounts at a steady rate, each sent
 * with mode sync to one node. A transfer is "accepted" when the node admits it to its mempool;
 * the checks then require each accepted one in exactly one block. Nonces are tracked here, so a
 * refused transfer (mempool full, node down) does not leave a gap: its nonce is used again, and
 * accepted transfers the chain has not yet committed are sent again rather than replaced.
 */
export class LoadGenerator {
  readonly accepted: AcceptedTx[] = []
  refused = 0
  /** Accepted transfers sent again after a refusal (see `#resyncAccount`). */
  rebroadcast = 0
  readonly #keys: PrivateKey[]
  readonly #nonces: bigint[]
  readonly #chainId: string
  readonly #url: () => string
  readonly #rate: number
  readonly #random: SeededRandom
  #timer: NodeJS.Timeout | null = null
  #inFlight = 0
  #next = 0
  #client: FedraClient | null = null
  #clientUrl = ''

  /** `url`: the node to send to, asked before each send (the harness steers load away from a node it is about to take down). */
  constructor(keys: PrivateKey[], chainId: string, url: () => string, txPerSecond: number, seed: number) {
    this.#keys = keys
    this.#nonces = keys.map(() => 0n)
    this.#chainId = chainId
    this.#url = url
    this.#rate = txPerSecond
    this.#random = new SeededRandom(seed)
  }

  start(): void {
    if (this.#timer !== null) return
    this.#timer = setInterval(() => void this.#tick(), Math.max(1, Math.floor(1000 / this.#rate)))
  }

  /** Stops sending and waits for the sends in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    while (this.#inFlight > 0) await new Promise((r) => setTimeout(r, 20))
    this.#client?.close()
    this.#client = null
  }

  async #tick(): Promise<void> {
    // One send per account at a time: a nonce is reused only after its send is answered.
    if (this.#inFlight >= this.#keys.length) return
    const from = this.#next
    this.#next = (this.#next + 1) % this.#keys.length
    this.#inFlight++
    try {
      await this.#send(from)
    } finally {
      this.#inFlight--
    }
  }

  #busy = new Set<number>()
  #resync = new Set<number>()

  async #send(from: number): Promise<void> {
    if (this.#busy.has(from)) return
    this.#busy.add(from)
    try {
      await this.#sendFrom(from)
    } catch {
      this.refused++
    } finally {
      this.#busy.delete(from)
    }
  }

  async #sendFrom(from: number): Promise<void> {
    {
      const url = this.#url()
      if (this.#client === null || this.#clientUrl !== url) {
        this.#client?.close()
        this.#client = new FedraClient({ url, timeoutMs: 5000 })
        this.#clientUrl = url
      }
      let to = this.#random.int(this.#keys.length - 1)
      if (to >= from) to++
      if (this.#resync.has(from)) {
        this.#nonces[from] = await this.#resyncAccount(this.#client, from)
        this.#resync.delete(from)
      }
      const nonce = this.#nonces[from]!
      const amount = BigInt(1 + this.#random.int(1000))
      const tx = signTx(this.#keys[from]!, {
        chainId: this.#chainId,
        nonce,
        fee: 0n,
        gasLimit: 200_000n,
        messages: [messages.bankSend(this.#keys[to]!.publicKey.address, [{ denom: 'ufdr', amount }])],
        memo: '',
      })
      const hex = Buffer.from(tx).toString('hex')
      try {
        const answer = await this.#client.broadcastTx(tx, 'sync')
        this.accepted.push({ hex, hash: answer.hash, from, nonce, at: Date.now() })
        this.#nonces[from] = nonce + 1n
      } catch {
        // Not admitted (the node is down, its mempool full), or admitted with the answer lost:
        // the next send of this account asks the chain for its nonce.
        this.refused++
        this.#resync.add(from)
      }
    }
  }

  /**
   * The next nonce of account `from` after a refused send. A transfer the load already had
   * accepted may since have been lost (its node killed before gossiping it): signing a new
   * transfer at the chain's nonce would replace it, and the accepted one would never commit. So,
   * as a wallet does, every accepted transfer at or above the chain's nonce is sent again (a node
   * that already has it refuses the copy, which is fine), and new transfers continue after the
   * highest accepted nonce. A copy the node could not be reached for throws: the account stays
   * in resync and tries again on its next send.
   */
  async #resyncAccount(client: FedraClient, from: number): Promise<bigint> {
    const chainNonce = BigInt((await client.account(this.#keys[from]!.publicKey.address)).nonce)
    const pending = this.accepted.filter((tx) => tx.from === from && tx.nonce >= chainNonce).sort((a, b) => (a.nonce < b.nonce ? -1 : 1))
    for (const tx of pending) {
      try {
        await client.broadcastTx(tx.hex, 'sync')
        this.rebroadcast++
      } catch (err) {
        if (!(err instanceof ClientError) || err.code !== 'RPC_ERROR') throw err
      }
    }
    const last = pending.at(-1)
    return last === undefined ? chainNonce : last.nonce + 1n
  }
}

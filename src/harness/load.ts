import { FedraClient, messages, signTx } from '../client/index.js'
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
 * refused transfer (mempool full, node down) does not leave a gap: its nonce is used again.
 */
export class LoadGenerator {
  readonly accepted: AcceptedTx[] = []
  refused = 0
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
        this.#nonces[from] = BigInt((await this.#client.account(this.#keys[from]!.publicKey.address)).nonce)
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
}

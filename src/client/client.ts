import type { Header } from '../consensus/block.js'
import { toHex } from '../crypto/hash.js'
import { decodeAddress } from '../crypto/address.js'
import { decode } from '../codec/index.js'
import { Receipt, type ReceiptValue } from '../modules/reputation/messages.js'
import type { IndexedTx } from '../indexer/records.js'
import { FEDRA_API, type FedraApi, type FedraMethod, receiptPath, stateKeyOf } from '../rpc/api/index.js'
import type { ParamsOf, ResultOf } from '../rpc/method.js'
import { SchemaError } from '../rpc/schema.js'
import type { BlockJsonValue } from '../rpc/shapes.js'
import type { EventNotification } from '../rpc/api/subscriptions.js'
import { ClientError } from './errors.js'
import type { ModuleRegistry } from '../state/module.js'
import { type VerifiedValue, checkModuleQueryAnswer, checkSignedHeader, checkStateAnswer } from './verify.js'
import { HttpTransport } from './http.js'
import {
  type ClientSubscription,
  type ReconnectOptions,
  type SubscriptionNotification,
  type SubscriptionOptions,
  WsTransport,
} from './ws.js'

export type Params<M extends FedraMethod> = ParamsOf<FedraApi[M]>
export type Result<M extends FedraMethod> = ResultOf<FedraApi[M]>

export interface ClientOptions {
  /** http://host:port/ (calls over HTTP, subscriptions over a WebSocket to the same port) or ws://host:port/ (everything over one WebSocket). */
  url: string
  /** Per-call timeout, ms (default 60 s; tx_broadcast commit waits longer on the server side only up to this). */
  timeoutMs?: number
  /** Check every result against its method's schema (tests turn it on). */
  validateResults?: boolean
  reconnect?: ReconnectOptions
}

const wsUrlOf = (url: string) => url.replace(/^http/, 'ws')

/**
 * The typed client of a Fedra node: one method per RPC method (typed from the same
 * declarations the server validates with), verified state reads, and subscriptions that
 * survive reconnects.
 */
export class FedraClient {
  readonly #http: HttpTransport | null
  readonly #wsUrl: string
  readonly #timeoutMs: number
  readonly #validate: boolean
  readonly #reconnect: ReconnectOptions | undefined
  #ws: WsTransport | null = null

  constructor(options: ClientOptions) {
    this.#timeoutMs = options.timeoutMs ?? 60_000
    this.#validate = options.validateResults ?? false
    this.#reconnect = options.reconnect
    const overWs = /^wss?:/.test(options.url)
    this.#http = overWs ? null : new HttpTransport(options.url, this.#timeoutMs)
    this.#wsUrl = overWs ? options.url : wsUrlOf(options.url)
  }

  /** The WebSocket (opened on first use); exposed for reconnect hooks and tests. */
  get ws(): WsTransport {
    this.#ws ??= new WsTransport(this.#wsUrl, this.#timeoutMs, this.#reconnect)
    return this.#ws
  }

  async call<M extends FedraMethod>(
    method: M,
    ...args: keyof Params<M> extends never ? [params?: Params<M>] : [params: Params<M>]
  ): Promise<Result<M>> {
    const params = args[0] ?? {}
    const result = this.#http === null ? await this.ws.call(method, params) : await this.#http.call(method, params)
    if (this.#validate) {
      try {
        FEDRA_API[method].result.parse(result, 'result')
      } catch (error) {
        if (error instanceof SchemaError)
          throw new ClientError('BAD_RESPONSE', `${method}: ${error.message}`, { method, reason: error.message })
        throw error
      }
    }
    return result as Result<M>
  }

  status() {
    return this.call('chain_status')
  }

  health() {
    return this.call('chain_health')
  }

  /** A block by height, by id (64 hex digits), or the latest. */
  block(at?: number | string) {
    return this.call('chain_getBlock', at === undefined ? {} : typeof at === 'number' ? { height: at } : { hash: at })
  }

  blockResults(height?: number) {
    return this.call('chain_getBlockResults', height === undefined ? {} : { height })
  }

  commit(height?: number) {
    return this.call('chain_getCommit', height === undefined ? {} : { height })
  }

  validators(height?: number) {
    return this.call('chain_getValidators', height === undefined ? {} : { height })
  }

  genesis() {
    return this.call('chain_genesis')
  }

  netInfo() {
    return this.call('net_info')
  }

  broadcastTx(tx: Uint8Array | string, mode: 'async' | 'sync' | 'commit' = 'sync', timeoutMs?: number) {
    const hex = typeof tx === 'string' ? tx : toHex(tx)
    return this.call('tx_broadcast', timeoutMs === undefined ? { tx: hex, mode } : { tx: hex, mode, timeoutMs })
  }

  tx(hash: string): Promise<IndexedTx> {
    return this.call('tx_get', { hash }) as Promise<IndexedTx>
  }

  searchTxs(filter: Params<'tx_search'>) {
    return this.call('tx_search', filter)
  }

  pendingTxs(limit?: number) {
    return this.call('mempool_pending', limit === undefined ? {} : { limit })
  }

  account(address: string) {
    return this.call('account_get', { address })
  }

  queryState(path: string, options: { height?: number; prove?: boolean } = {}) {
    return this.call('state_query', { path, ...options })
  }

  /** Staking's validators (staking_validators), optionally of one status; not the consensus set (`validators`). */
  stakingValidators(status?: Params<'staking_validators'>['status']) {
    return this.call('staking_validators', status === undefined ? {} : { status })
  }

  /** One staking validator by fedravaloper1… or the operator's fedra1…. */
  stakingValidator(validator: string) {
    return this.call('staking_validator', { validator })
  }

  /** A delegator's delegations. */
  delegations(delegator: string) {
    return this.call('staking_delegations', { delegator })
  }

  /** A delegator's pending rewards, of every delegation or of one validator. */
  rewards(delegator: string, validator?: string) {
    return this.call('distribution_rewards', validator === undefined ? { delegator } : { delegator, validator })
  }

  /** A validator's signing info by consensus address (fedravalcons1… or hex) or operator. */
  signingInfo(address: string) {
    return this.call('slashing_signingInfo', { address })
  }

  /**
   * Checks that the header of `height` is the one +2/3 of its validator set signed: the
   * header hashes to the committed block id, the commit's signatures verify and carry +2/3 of
   * the power, and the set hashes to the header's validatorsHash. The validator set itself
   * comes from the node; a light client would carry a trusted set forward instead.
   */
  async verifiedHeader(height: number): Promise<Header> {
    const [signed, validators] = await Promise.all([this.commit(height), this.validators(height)])
    return checkSignedHeader(height, signed, validators)
  }

  /**
   * Reads a state value with a proof and checks it against the state root of a verified header
   * of that height (default: the latest). A value the node lies about, or a proof that does not
   * hash to the root, is VERIFICATION_FAILED.
   */
  async verifiedQuery(path: string, height?: number): Promise<VerifiedValue> {
    const answer = await this.queryState(path, height === undefined ? { prove: true } : { height, prove: true })
    return this.verifyAnswer(path, answer)
  }

  /** Checks a `state_query` answer (with proof) as verifiedQuery does. */
  /**
   * A trainer's proof of contribution, checked here: the receipt's bytes proven against the
   * state root of a header whose commit this client verified against the validator set, and
   * decoded from those bytes (never from the node's JSON, which must agree with them).
   * VERIFICATION_FAILED for a tampered receipt, a proof of another key or height, or a wrong root.
   */
  async verifiedContribution(
    subnet: bigint | number | string,
    round: bigint | number | string,
    trainer: string,
    height?: number,
  ): Promise<{ receipt: ReceiptValue | null; header: Header }> {
    const answer = await this.call('contribution_getProof', {
      subnet: String(subnet),
      round: String(round),
      trainer,
      ...(height === undefined ? {} : { height }),
    })
    const fail = (reason: string) =>
      new ClientError('VERIFICATION_FAILED', `contribution of ${trainer} in round ${round} of subnet ${subnet}: ${reason}`, {
        height: answer.height,
        reason,
      })
    if (answer.path !== receiptPath(BigInt(subnet), BigInt(round), decodeAddress(trainer))) throw fail('the node proved another key')
    if (height !== undefined && answer.height !== height) throw fail(`the node answered at height ${answer.height}, not ${height}`)
    const verified = await this.verifyAnswer(answer.path, answer)
    const receipt = verified.value === null ? null : decode(Receipt, verified.value)
    if ((receipt === null) !== (answer.receipt === null)) throw fail('the decoded receipt and the proven bytes disagree')
    if (
      receipt !== null &&
      (receipt.consensusScore.toString() !== answer.receipt!.consensus_score || String(receipt.reward) !== answer.receipt!.reward)
    )
      throw fail('the decoded receipt and the proven bytes disagree')
    return { receipt, header: verified.header! }
  }

  /** A module's query at a height (default: the latest), with the reads' proofs when `prove` (state_moduleQuery). */
  moduleQuery(module: string, query: string, params: Record<string, unknown> = {}, options: { height?: number; prove?: boolean } = {}) {
    return this.call('state_moduleQuery', { module, query, params, ...options })
  }

  /**
   * A module query's result that trusts no node: asked with proofs, each proof checked against
   * a verified header of its height, and the result computed here by the module's own query
   * over those reads (`registry`: the chain's modules, e.g. defaultRegistry()). Only queries
   * that read single keys can be proven (NOT_PROVABLE otherwise).
   */
  async verifiedModuleQuery(
    registry: ModuleRegistry,
    module: string,
    query: string,
    params: Record<string, unknown> = {},
    height?: number,
  ): Promise<unknown> {
    const answer = await this.moduleQuery(module, query, params, height === undefined ? { prove: true } : { height, prove: true })
    return checkModuleQueryAnswer(answer, await this.verifiedHeader(answer.height), registry, params)
  }

  async verifyAnswer(path: string, answer: Result<'state_query'>): Promise<VerifiedValue> {
    if (answer.proof === undefined || answer.key !== toHex(stateKeyOf(path))) return checkStateAnswer(path, answer, null)
    return checkStateAnswer(path, answer, await this.verifiedHeader(answer.height))
  }

  subscribeBlocks(
    handler: (n: SubscriptionNotification<BlockJsonValue>) => void,
    options?: SubscriptionOptions,
  ): Promise<ClientSubscription<BlockJsonValue>> {
    return this.ws.subscribe('newBlocks', undefined, handler, options)
  }

  subscribeTxs(
    filter: { signer?: string; messageType?: string; event?: { type: string; key: string; value: string } },
    handler: (n: SubscriptionNotification<IndexedTx>) => void,
    options?: SubscriptionOptions,
  ): Promise<ClientSubscription<IndexedTx>> {
    return this.ws.subscribe('txs', filter, handler, options)
  }

  subscribeEvents(
    filter: { type?: string; attributes?: Record<string, string> },
    handler: (n: SubscriptionNotification<EventNotification>) => void,
    options?: SubscriptionOptions,
  ): Promise<ClientSubscription<EventNotification>> {
    return this.ws.subscribe('events', filter, handler, options)
  }

  close(): void {
    this.#http?.close()
    this.#ws?.close()
  }
}

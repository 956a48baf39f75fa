import './polyfill.js'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Logger } from '../log/index.js'
import { P2PError, type P2PErrorContext, RequestRefused } from './errors.js'
import { MAX_ERROR_FRAME_BYTES, decodeResponse, encodeErrorResponse, encodeOkResponse, readFrame, writeFrame } from './frames.js'

/** Answers one request; throw RequestRefused to answer with an error frame the requester can switch on. */
export type RequestHandler = (request: Uint8Array, from: string) => Promise<Uint8Array>
/** Receives one direct message. */
export type PeerMessageHandler = (data: Uint8Array, from: string) => void

export interface HandleOptions {
  /** Larger requests are refused with remoteCode 'REQUEST_TOO_LARGE' before being read. */
  maxRequestBytes?: number
  /** Reading the request, the handler and writing the answer together; then the stream is reset. */
  timeoutMs?: number
  /** Concurrent inbound streams of this protocol per connection. */
  maxConcurrent?: number
}

export interface RequestOptions {
  timeoutMs?: number
  maxResponseBytes?: number
}

export interface MessageOptions {
  maxMessageBytes?: number
  /** For receiving the one frame; then the stream is reset. */
  timeoutMs?: number
  /** Concurrent inbound streams of this protocol per connection (each lives only while one message is read). */
  maxConcurrent?: number
}

export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000
const DEFAULT_MAX_CONCURRENT_REQUESTS = 16
/** Consensus answers several peers in bursts (votes, commits): more room than for requests. */
const DEFAULT_MAX_CONCURRENT_MESSAGES = 64

export interface RequestResponseConfig {
  node: Libp2p
  /** The largest frame this host will send on any stream protocol. */
  maxFrameBytes: number
  /** The largest direct message accepted unless a protocol says otherwise. */
  maxMessageBytes: number
  isRunning: () => boolean
  log: Logger
}

/**
 * Stream protocols between two connected peers: request/response (one request frame, one
 * response frame, see frames.ts) and one-way direct messages (one frame). Each exchange gets
 * its own yamux stream, so a slow block download never holds up a consensus message.
 */
export class RequestResponse {
  readonly #node: Libp2p
  readonly #maxFrameBytes: number
  readonly #maxMessageBytes: number
  readonly #isRunning: () => boolean
  readonly #log: Logger
  readonly #protocols = new Set<string>()

  constructor(config: RequestResponseConfig) {
    this.#node = config.node
    this.#maxFrameBytes = config.maxFrameBytes
    this.#maxMessageBytes = config.maxMessageBytes
    this.#isRunning = config.isRunning
    this.#log = config.log
  }

  async handle(protocol: string, handler: RequestHandler, options: HandleOptions = {}): Promise<void> {
    const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES
    const timeoutMs = options.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS
    await this.#register(protocol, options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_REQUESTS, (stream, from) =>
      this.#serveRequest(stream, from, protocol, handler, maxRequestBytes, timeoutMs),
    )
  }

  async handleMessages(protocol: string, handler: PeerMessageHandler, options: MessageOptions = {}): Promise<void> {
    const maxMessageBytes = options.maxMessageBytes ?? this.#maxMessageBytes
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    await this.#register(protocol, options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_MESSAGES, (stream, from) =>
      this.#serveMessage(stream, from, protocol, handler, maxMessageBytes, timeoutMs),
    )
  }

  async unhandle(protocol: string): Promise<void> {
    if (!this.#protocols.delete(protocol)) return
    await this.#node.unhandle(protocol)
  }

  /**
   * @throws P2PError UNKNOWN_PEER (not connected), REQUEST_TOO_LARGE (over this host's frame
   *   limit), TIMEOUT, UNSUPPORTED_PROTOCOL, REMOTE_ERROR (an error frame: context.remoteCode,
   *   e.g. 'REQUEST_TOO_LARGE' from the responder's own limit, or whatever its handler refused
   *   with), RESPONSE_TOO_LARGE, PROTOCOL_VIOLATION, TRANSPORT, NOT_STARTED.
   */
  async request(peer: string, protocol: string, data: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    const context: P2PErrorContext = { peer, protocol }
    if (data.length > this.#maxFrameBytes)
      throw new P2PError('REQUEST_TOO_LARGE', 'request over the frame limit', {
        ...context,
        bytes: data.length,
        limit: this.#maxFrameBytes,
      })
    const peerId = this.#connectedPeer(peer, protocol)
    const deadline = AbortSignal.timeout(timeoutMs)
    const stream = await this.#open(peerId, protocol, deadline, { ...context, timeoutMs })
    const abortOnDeadline = (): void => stream.abort(new P2PError('TIMEOUT', 'request timed out', { ...context, timeoutMs }))
    deadline.addEventListener('abort', abortOnDeadline, { once: true })
    try {
      // Read while writing: a responder that refuses an oversized request answers before it
      // has read the whole request.
      const reply = readFrame(stream, Math.max(maxResponseBytes + 1, MAX_ERROR_FRAME_BYTES))
      reply.catch(() => undefined) // awaited below; this only keeps an early failure from going unhandled
      writeFrame(stream, data)
      stream.close().catch(() => undefined) // if the responder resets after answering, the answer still counts
      const response = decodeResponse(await reply)
      if (!response.ok) {
        throw new P2PError('REMOTE_ERROR', response.message, { ...context, remoteCode: response.code, remoteMessage: response.message })
      }
      if (response.payload.length > maxResponseBytes) {
        throw new P2PError('RESPONSE_TOO_LARGE', 'response over the limit', {
          ...context,
          bytes: response.payload.length,
          limit: maxResponseBytes,
        })
      }
      return response.payload
    } catch (error) {
      if (deadline.aborted) throw new P2PError('TIMEOUT', 'request timed out', { ...context, timeoutMs }, { cause: error })
      if (error instanceof P2PError && error.code === 'MESSAGE_TOO_LARGE') {
        stream.abort(error)
        throw new P2PError('RESPONSE_TOO_LARGE', 'response over the limit', { ...context, limit: maxResponseBytes }, { cause: error })
      }
      if (error instanceof P2PError) throw error
      throw new P2PError('TRANSPORT', 'request failed', { ...context, reason: String(error) }, { cause: error })
    } finally {
      deadline.removeEventListener('abort', abortOnDeadline)
    }
  }

  /**
   * Fire-and-forget: one frame on a fresh stream. Resolves true once the frame was handed to the
   * connection, false (logged at debug) if it could not be sent; never rejects, so callers like
   * consensus' `Network.send` can drop the promise.
   */
  async send(peer: string, protocol: string, data: Uint8Array, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<boolean> {
    try {
      if (data.length > this.#maxMessageBytes) {
        throw new P2PError('MESSAGE_TOO_LARGE', 'direct message over the limit', {
          peer,
          protocol,
          bytes: data.length,
          limit: this.#maxMessageBytes,
        })
      }
      const peerId = this.#connectedPeer(peer, protocol)
      const deadline = AbortSignal.timeout(timeoutMs)
      const stream = await this.#open(peerId, protocol, deadline, { peer, protocol, timeoutMs })
      writeFrame(stream, data)
      await stream.close({ signal: deadline }).catch((error: unknown) => {
        stream.abort(error instanceof Error ? error : new Error(String(error)))
        throw error
      })
      return true
    } catch (error) {
      this.#log.debug({ peer, protocol, err: error instanceof P2PError ? error.code : String(error) }, 'direct message not sent')
      return false
    }
  }

  async #register(protocol: string, maxConcurrent: number, serve: (stream: Stream, from: string) => Promise<void>): Promise<void> {
    if (this.#protocols.has(protocol)) throw new P2PError('ALREADY_REGISTERED', 'protocol already has a handler', { protocol })
    this.#protocols.add(protocol)
    try {
      await this.#node.handle(protocol, (stream, connection) => serve(stream, connection.remotePeer.toString()), {
        maxInboundStreams: maxConcurrent,
      })
    } catch (error) {
      this.#protocols.delete(protocol)
      throw error
    }
  }

  async #serveRequest(
    stream: Stream,
    from: string,
    protocol: string,
    handler: RequestHandler,
    maxRequestBytes: number,
    timeoutMs: number,
  ): Promise<void> {
    const timer = setTimeout(
      () => stream.abort(new P2PError('TIMEOUT', 'request not served in time', { peer: from, protocol, timeoutMs })),
      timeoutMs,
    )
    try {
      let request: Uint8Array
      try {
        request = await readFrame(stream, maxRequestBytes)
      } catch (error) {
        if (!(error instanceof P2PError && error.code === 'MESSAGE_TOO_LARGE')) throw error
        writeFrame(stream, encodeErrorResponse('REQUEST_TOO_LARGE', `requests on ${protocol} are limited to ${maxRequestBytes} bytes`))
        await stream.close()
        return
      }
      let answer: Uint8Array
      try {
        answer = encodeOkResponse(await handler(request, from))
      } catch (error) {
        if (error instanceof RequestRefused) {
          answer = encodeErrorResponse(error.remoteCode, error.message)
        } else {
          // Internals stay local: the requester learns only that it was not its fault.
          this.#log.error({ protocol, peer: from, err: error }, 'request handler threw')
          answer = encodeErrorResponse('INTERNAL', 'the handler failed')
        }
      }
      writeFrame(stream, answer)
      await stream.close()
    } catch (error) {
      this.#log.debug({ protocol, peer: from, err: String(error) }, 'request stream failed')
      stream.abort(error instanceof Error ? error : new Error(String(error)))
    } finally {
      clearTimeout(timer)
    }
  }

  async #serveMessage(
    stream: Stream,
    from: string,
    protocol: string,
    handler: PeerMessageHandler,
    maxMessageBytes: number,
    timeoutMs: number,
  ): Promise<void> {
    const timer = setTimeout(
      () => stream.abort(new P2PError('TIMEOUT', 'direct message not received in time', { peer: from, protocol, timeoutMs })),
      timeoutMs,
    )
    let data: Uint8Array
    try {
      data = await readFrame(stream, maxMessageBytes)
      await stream.close()
    } catch (error) {
      this.#log.debug({ protocol, peer: from, err: error instanceof P2PError ? error.code : String(error) }, 'direct message dropped')
      stream.abort(error instanceof Error ? error : new Error(String(error)))
      return
    } finally {
      clearTimeout(timer)
    }
    try {
      handler(data, from)
    } catch (error) {
      this.#log.error({ protocol, peer: from, err: error }, 'direct message handler threw')
    }
  }

  #connectedPeer(peer: string, protocol: string): PeerId {
    if (!this.#isRunning()) throw new P2PError('NOT_STARTED', 'host is not running', { peer, protocol })
    let peerId: PeerId
    try {
      peerId = peerIdFromString(peer)
    } catch (error) {
      throw new P2PError('UNKNOWN_PEER', 'not a peer id', { peer, protocol, reason: 'unparsable' }, { cause: error })
    }
    if (this.#node.getConnections(peerId).every((connection) => connection.status !== 'open')) {
      throw new P2PError('UNKNOWN_PEER', 'not connected to that peer', { peer, protocol })
    }
    return peerId
  }

  async #open(peerId: PeerId, protocol: string, signal: AbortSignal, context: P2PErrorContext): Promise<Stream> {
    try {
      return await this.#node.dialProtocol(peerId, protocol, { signal })
    } catch (error) {
      if (signal.aborted) throw new P2PError('TIMEOUT', 'opening the stream timed out', context, { cause: error })
      if (error instanceof Error && error.name === 'UnsupportedProtocolError') {
        throw new P2PError('UNSUPPORTED_PROTOCOL', 'the peer does not speak this protocol', context, { cause: error })
      }
      throw new P2PError('TRANSPORT', 'could not open a stream', { ...context, reason: String(error) }, { cause: error })
    }
  }
}

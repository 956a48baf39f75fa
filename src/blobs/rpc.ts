import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../log/index.js'
import { RpcError } from '../rpc/errors.js'
import { type MethodTable, defineMethod } from '../rpc/method.js'
import { s } from '../rpc/schema.js'
import { type BlobCid, formatCid, parseBlobCid } from './cid.js'
import { BlobError } from './errors.js'
import { pinLabels } from './retention.js'
import type { BlobService } from './service.js'

/** What the blob methods and routes need from the node. */
export interface BlobRpcDeps {
  blobs: BlobService
  peerId: string
  /** rpc.limits.maxBlobBytes */
  maxBlobBytes: number
  log: Logger
}

const cid = s.string({ minLength: 1, maxLength: 200, description: 'CIDv1 (base32, as kubo prints it) or CIDv0' })
const timeoutMs = s.optional(
  s.integer({ min: 1, max: 600_000, description: 'how long to fetch from peers, ms (default blobs.fetch.timeoutMs)' }),
)
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export const BLOB_API = {
  blob_put: defineMethod({
    name: 'blob_put',
    summary: 'Store a blob given as base64; answers its UnixFS CID (the one `ipfs add --cid-version 1` prints).',
    description:
      'For blobs larger than the JSON body limit use `POST /blobs` with the raw bytes as the body (Content-Length required) on the same port; it answers the same object.',
    params: {
      data: s.string({ maxLength: 2 * 1024 * 1024, description: 'the bytes, base64 (RFC 4648, padded)' }),
      pin: s.optional(s.boolean('pin it (label user); default false: kept for blobs.gcGraceMs unless state references it')),
    },
    result: s.object({ cid, size: s.integer({ min: 0 }), blocks: s.integer({ min: 1 }), created: s.boolean() }),
    errors: ['BLOB_REJECTED'],
  }),
  blob_get: defineMethod({
    name: 'blob_get',
    summary: 'A blob as base64: from the local store, or fetched from peers over bitswap first.',
    description: 'Large blobs stream from `GET /blobs/<cid>` instead.',
    params: { cid, localOnly: s.optional(s.boolean('do not fetch; NOT_FOUND unless local')), timeoutMs },
    result: s.object({ cid, size: s.integer({ min: 0 }), data: s.string() }),
    errors: ['NOT_FOUND', 'TIMEOUT', 'BLOB_REJECTED'],
  }),
  blob_stat: defineMethod({
    name: 'blob_stat',
    summary: 'Whether a blob is local, and if so its size, blocks and pins.',
    params: { cid },
    result: s.object({
      cid,
      local: s.boolean(),
      size: s.optional(s.integer({ min: 0 })),
      blocks: s.optional(s.integer({ min: 1 })),
      dagBytes: s.optional(s.integer({ min: 0 })),
      pinned: s.optional(s.boolean()),
      pins: s.optional(s.array(s.string())),
      addedAt: s.optional(s.integer({ min: 0, description: 'when it was stored, ms since 1970' })),
    }),
    errors: ['BLOB_REJECTED'],
  }),
  blob_providers: defineMethod({
    name: 'blob_providers',
    summary: 'This node (if it holds the blob) and the connected peers that answer bitswap HAVE for it.',
    params: {
      cid,
      timeoutMs: s.optional(s.integer({ min: 1, max: 60_000, description: "how long to wait for the peers' answers, ms (default 2000)" })),
    },
    result: s.object({ cid, providers: s.array(s.string({ description: 'peer id' })) }),
    errors: ['BLOB_REJECTED'],
  }),
} as const

/** Registers blob_* on the server's table (RpcServerOptions.extend). */
export function registerBlobMethods(table: MethodTable, deps: BlobRpcDeps): void {
  table.add(BLOB_API.blob_put, async ({ data, pin }) => {
    if (data.length % 4 !== 0 || !BASE64.test(data))
      throw new RpcError('INVALID_PARAMS', { field: 'params.data', reason: 'not padded base64' }, 'params.data: not padded base64')
    const bytes = Buffer.from(data, 'base64')
    const put = await rpcCall(
      () => deps.blobs.put(bytes, { pin: pin === true ? pinLabels.user : undefined, maxBytes: deps.maxBlobBytes }),
      'params.data',
    )
    return { cid: formatCid(put.cid), size: put.size, blocks: put.blocks, created: put.created }
  })
  table.add(BLOB_API.blob_get, async (params) => {
    const root = parseParam(params.cid)
    const stat = await deps.blobs.store.stat(root)
    if (stat !== undefined && stat.size > deps.maxBlobBytes)
      throw rpcError(
        new BlobError('TOO_LARGE', 'over rpc.limits.maxBlobBytes', { size: stat.size, limit: deps.maxBlobBytes }),
        'params.cid',
      )
    const bytes = await rpcCall(() => deps.blobs.get(root, { localOnly: params.localOnly, timeoutMs: params.timeoutMs }), 'params.cid')
    return {
      cid: formatCid(root),
      size: bytes.length,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    }
  })
  table.add(BLOB_API.blob_stat, async (params) => {
    const status = await deps.blobs.stat(parseParam(params.cid))
    return status
  })
  table.add(BLOB_API.blob_providers, async (params) => {
    const root = parseParam(params.cid)
    return { cid: formatCid(root), providers: await deps.blobs.providers(root, deps.peerId, params.timeoutMs) }
  })
}

/** Registers blob_* with no node behind them, for scripts/gen-rpc-docs.ts; the handlers must not be called. */
export function documentBlobMethods(table: MethodTable): void {
  registerBlobMethods(table, {} as BlobRpcDeps)
}

/**
 * `POST /blobs[?pin=true]` (raw body, Content-Length required) and `GET /blobs/<cid>[?timeoutMs=N]`
 * on the RPC port (RpcServerOptions.httpRoutes). Errors answer the JSON-RPC error object as
 * `{ error }` with an HTTP status: 400 bad CID, 404 not found, 411 no length, 413 too large,
 * 504 fetch timeout, 507 quota, 422 other refusals.
 */
export function blobHttpRoutes(deps: BlobRpcDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/blobs' && req.method === 'POST') {
      void postBlob(req, res, url, deps)
      return true
    }
    if (url.pathname.startsWith('/blobs/') && (req.method === 'GET' || req.method === 'HEAD')) {
      void getBlob(req, res, url, deps)
      return true
    }
    return false
  }
}

async function postBlob(req: IncomingMessage, res: ServerResponse, url: URL, deps: BlobRpcDeps): Promise<void> {
  const header = req.headers['content-length']
  const declared = header === undefined ? Number.NaN : Number(header)
  if (!Number.isSafeInteger(declared) || declared < 0) {
    return answerError(
      res,
      411,
      new RpcError('INVALID_REQUEST', { reason: 'Content-Length required' }, 'POST /blobs needs a Content-Length'),
      true,
    )
  }
  if (declared > deps.maxBlobBytes)
    return answerError(
      res,
      413,
      rpcError(new BlobError('TOO_LARGE', `over rpc.limits.maxBlobBytes`, { size: declared, limit: deps.maxBlobBytes }), 'body'),
      true,
    )
  try {
    const put = await deps.blobs.put(bodyOf(req), {
      expectedSize: declared,
      maxBytes: deps.maxBlobBytes,
      pin: url.searchParams.get('pin') === 'true' ? pinLabels.user : undefined,
    })
    res
      .writeHead(200, JSON_HEADERS)
      .end(JSON.stringify({ cid: formatCid(put.cid), size: put.size, blocks: put.blocks, created: put.created }))
  } catch (error) {
    const rpc = rpcError(error, 'body')
    if (res.destroyed) return deps.log.debug({ err: error }, 'blob upload ended early')
    answerError(res, statusOf(rpc), rpc, true)
  }
}

async function getBlob(req: IncomingMessage, res: ServerResponse, url: URL, deps: BlobRpcDeps): Promise<void> {
  try {
    const root = parseParam(decodeURIComponent(url.pathname.slice('/blobs/'.length)))
    const timeout = url.searchParams.get('timeoutMs')
    const stat = await deps.blobs.store.stat(root)
    if (stat !== undefined && stat.size > deps.maxBlobBytes)
      throw new BlobError('TOO_LARGE', 'over rpc.limits.maxBlobBytes', { size: stat.size, limit: deps.maxBlobBytes })
    const bytes = await deps.blobs.get(root, {
      timeoutMs: timeout === null ? undefined : Math.max(1, Number(timeout) || 1),
      localOnly: url.searchParams.get('localOnly') === 'true',
    })
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, 'x-blob-cid': formatCid(root) })
    if (req.method === 'HEAD') res.end()
    else res.end(bytes)
  } catch (error) {
    const rpc = rpcError(error, 'cid')
    answerError(res, statusOf(rpc), rpc, false)
  }
}

/** The request body as chunks; a connection that closes before its Content-Length ends the iteration early (TRUNCATED). */
async function* bodyOf(req: IncomingMessage): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of req) yield chunk as Buffer
  } catch {
    // aborted by the client: what arrived is all there is; put() compares it with the length.
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' }

function answerError(res: ServerResponse, status: number, error: RpcError, close: boolean): void {
  if (res.headersSent) return void res.destroy()
  res.writeHead(status, close ? { ...JSON_HEADERS, connection: 'close' } : JSON_HEADERS).end(JSON.stringify({ error: error.toObject() }))
}

function statusOf(error: RpcError): number {
  if (error.code === 'INVALID_PARAMS') return 400
  if (error.code === 'NOT_FOUND') return 404
  if (error.code === 'TIMEOUT') return 504
  if (error.code === 'BLOB_REJECTED') {
    const code = error.context.code
    return code === 'TOO_LARGE' ? 413 : code === 'QUOTA_EXCEEDED' ? 507 : code === 'TRUNCATED' ? 400 : 422
  }
  return 500
}

function parseParam(input: string): BlobCid {
  try {
    return parseBlobCid(input)
  } catch (error) {
    throw rpcError(error, 'params.cid')
  }
}

async function rpcCall<T>(call: () => Promise<T>, field: string): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw rpcError(error, field)
  }
}

/** A BlobError as the JSON-RPC error a client switches on; anything else passes through (-32603). */
export function rpcError(error: unknown, field: string): RpcError {
  if (error instanceof RpcError) return error
  if (!(error instanceof BlobError)) throw error
  const data = { code: error.code, ...error.context }
  switch (error.code) {
    case 'INVALID_CID':
      return new RpcError('INVALID_PARAMS', { field, reason: error.plainMessage, code: error.code }, `${field}: ${error.plainMessage}`)
    case 'NOT_FOUND':
      return new RpcError('NOT_FOUND', { what: 'blob', ...error.context }, error.plainMessage)
    case 'FETCH_TIMEOUT':
      return new RpcError('TIMEOUT', data, error.plainMessage)
    case 'NOT_STARTED':
      return new RpcError('UNAVAILABLE', {}, error.plainMessage)
    default:
      return new RpcError('BLOB_REJECTED', data, `${error.code}: ${error.plainMessage}`)
  }
}

import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs'
import { type IncomingMessage, request } from 'node:http'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { BlobError, type BlobErrorCode, formatCid, parseBlobCid } from '../../blobs/index.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, time } from './output.js'

interface RpcErrorBody {
  error?: { code: number; message: string; data?: { code?: string; [key: string]: unknown } }
}

/** The node's error as a typed BlobError when it names a blob code, else a one-line CLI failure. */
function nodeError(status: number, body: RpcErrorBody): Error {
  const error = body.error
  if (error === undefined) return new CliError('BAD_FILE', `node answered HTTP ${status}`, {})
  const code = error.data?.code
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return new BlobError(code as BlobErrorCode, error.message, error.data as never)
  if (error.code === -32001) return new BlobError('NOT_FOUND', error.message, { cid: String(error.data?.cid ?? '') })
  return new CliError('BAD_FILE', `${error.code} ${error.message}`, {})
}

function send(
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string | number>,
  body?: NodeJS.ReadableStream,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, resolve)
    req.on('error', reject)
    if (body === undefined) req.end()
    else body.on('error', reject).pipe(req)
  })
}

async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

async function rpc(options: NodeOptions, method: string, params: Record<string, unknown>): Promise<any> {
  const response = await fetch(resolveNodeUrl(options), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await response.json()) as RpcErrorBody & { result?: unknown }
  if (body.error !== undefined) throw nodeError(response.status, body)
  return body.result
}

/** `fedra blob put|get|stat`: the node's parameter store over POST /blobs, GET /blobs/<cid> and blob_stat. */
export function registerBlobCommand(program: Command): void {
  const blob = program
    .command('blob')
    .description("a node's parameter store: IPFS-compatible blobs (CIDs as `ipfs add --cid-version 1` prints them)")

  withNode(blob.command('put <file>'))
    .description('store a file on the node; prints its CID')
    .option('--pin', 'pin it on the node (otherwise kept for blobs.gcGraceMs unless state references it)', false)
    .action(async (file: string, options: NodeOptions & { pin: boolean }) => {
      let size: number
      try {
        size = statSync(file).size
      } catch (error) {
        throw new CliError('BAD_FILE', `cannot read ${file}: ${(error as Error).message}`, { path: file })
      }
      const url = new URL(`blobs${options.pin ? '?pin=true' : ''}`, resolveNodeUrl(options))
      const res = await send(url, 'POST', { 'content-type': 'application/octet-stream', 'content-length': size }, createReadStream(file))
      const body = (await readJson(res)) as RpcErrorBody & { cid?: string }
      if (res.statusCode !== 200 || body.cid === undefined) throw nodeError(res.statusCode ?? 0, body)
      if (options.json) return printJson(body)
      process.stdout.write(`${body.cid}\n`)
    })

  withNode(blob.command('get <cid>'))
    .description('fetch a blob (from the node, which fetches it from its peers if needed) into a file')
    .requiredOption('-o, --output <file>', 'where to write it (written whole, then renamed into place)')
    .option('--timeout <ms>', 'how long the node may spend fetching it from peers')
    .action(async (text: string, options: NodeOptions & { output: string; timeout?: string }) => {
      const cid = formatCid(parseBlobCid(text))
      const url = new URL(
        `blobs/${cid}${options.timeout === undefined ? '' : `?timeoutMs=${encodeURIComponent(options.timeout)}`}`,
        resolveNodeUrl(options),
      )
      const res = await send(url, 'GET', {})
      if (res.statusCode !== 200) throw nodeError(res.statusCode ?? 0, (await readJson(res)) as RpcErrorBody)
      const partial = `${options.output}.partial`
      try {
        await pipeline(res, createWriteStream(partial))
        const expected = Number(res.headers['content-length'])
        if (statSync(partial).size !== expected)
          throw new BlobError('TRUNCATED', `the node sent ${statSync(partial).size} of ${expected} bytes`, {
            expected,
            received: statSync(partial).size,
          })
        renameSync(partial, options.output)
      } catch (error) {
        rmSync(partial, { force: true })
        throw error
      }
      if (options.json) return printJson({ cid, size: statSync(options.output).size, output: options.output })
      process.stdout.write(`${cid} -> ${options.output}\n`)
    })

  withNode(blob.command('stat <cid>'))
    .description('whether the node holds a blob, its size, blocks and pins')
    .action(async (text: string, options: NodeOptions) => {
      const cid = formatCid(parseBlobCid(text))
      const stat = await rpc(options, 'blob_stat', { cid })
      if (options.json) return printJson(stat)
      if (stat.local !== true)
        return void process.stdout.write(
          `${fields([
            ['cid', cid],
            ['local', 'no'],
          ])}\n`,
        )
      process.stdout.write(
        `${fields([
          ['cid', stat.cid],
          ['local', 'yes'],
          ['size', String(stat.size)],
          ['blocks', String(stat.blocks)],
          ['pinned', stat.pins.length === 0 ? 'no' : stat.pins.join(', ')],
          ['added', time(stat.addedAt)],
        ])}\n`,
      )
    })
}

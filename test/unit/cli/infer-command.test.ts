import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Command } from 'commander'
import { PNG } from 'pngjs'
import { registerInferCommand } from '../../../src/cli/commands/infer.js'
import { digitFromPng, inputFromJson } from '../../../src/cli/commands/infer-input.js'
import { CliError } from '../../../src/cli/errors.js'
import { freePort } from '../../../src/devnet/layout.js'
import { tempDir } from '../../helpers/chain.js'

function png(width: number, height: number, pixel: (i: number) => [number, number, number, number]): Buffer {
  const image = new PNG({ width, height })
  for (let i = 0; i < width * height; i++) image.data.set(pixel(i), 4 * i)
  return PNG.sync.write(image)
}

const program = () => {
  const p = new Command('fedra').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
  registerInferCommand(p)
  return p
}

async function run(args: string[], home: string, node: string): Promise<{ error: unknown; out: string }> {
  let out = ''
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write
  try {
    await program().parseAsync(['node', 'fedra', ...args, '--home', home, '--node', node])
    return { error: undefined, out }
  } catch (error) {
    return { error, out }
  } finally {
    process.stdout.write = write
  }
}

describe('fedra infer: inputs', () => {
  it('reads a 28×28 PNG as 784 grey levels in [0, 1], row-major; --invert flips the polarity', () => {
    const bytes = png(28, 28, (i) =>
      i === 0 ? [255, 255, 255, 255] : i === 1 ? [255, 0, 0, 255] : i === 2 ? [255, 255, 255, 0] : [0, 0, 0, 255],
    )
    const grey = digitFromPng(bytes, 'd.png')
    assert.equal(grey.length, 784)
    assert.deepEqual(grey.slice(0, 4), [1, 1 / 3, 0, 0])
    assert.deepEqual(digitFromPng(bytes, 'd.png', true).slice(0, 2), [0, 1 - 1 / 3])
  })
  it('refuses a PNG of another size and bytes that are not a PNG', () => {
    assert.throws(
      () =>
        digitFromPng(
          png(28, 27, () => [0, 0, 0, 255]),
          'd.png',
        ),
      (e: CliError) => e.code === 'USAGE' && /28×27; a digit is a 28×28/.test(e.message),
    )
    assert.throws(
      () => digitFromPng(new TextEncoder().encode('nope'), 'x.png'),
      (e: CliError) => e.code === 'USAGE' && /x\.png is not a PNG/.test(e.message),
    )
  })
  it('reads a JSON array or { input }, and names the bad value', () => {
    assert.deepEqual(inputFromJson('[1, 0.5]', 'f'), [1, 0.5])
    assert.deepEqual(inputFromJson('{"input":[2]}', 'f'), [2])
    assert.throws(() => inputFromJson('{', 'f'), /is not JSON/)
    assert.throws(() => inputFromJson('{"x":[1]}', 'f'), /must hold a non-empty array/)
    assert.throws(() => inputFromJson('[]', 'f'), /must hold a non-empty array/)
    assert.throws(() => inputFromJson('[1,"2"]', 'f'), /input\[1\] is not a finite number/)
  })
})

describe('fedra infer: usage errors and a stub node', () => {
  const dir = tempDir()
  let closed: string
  let server: Server
  let stub: string
  const calls: unknown[] = []
  const answer = {
    subnet: '1',
    version: '2',
    kind: 'adapter',
    global_cid: 'bafyadapter',
    base: { subnet: '0', version: '5', global_cid: 'bafybase' },
    probabilities: [0.1, 0.7, 0.2],
    predicted: 1,
    ancestry: {
      versions: [
        { subnet: '1', version: '2', depth: 0, kind: 'adapter', round: '1', status: 'attributed' },
        { subnet: '0', version: '5', depth: 1, kind: 'full', round: '4', status: 'attributed' },
      ],
      roots: [{ subnet: '0', version: '5' }],
      datanet_versions: [{ datanet: '3', version: '1' }],
      contributors: [{ contributor: 'fedra1abc', weight: '250000000000', versions: 2 }],
      scale: '1000000000000',
      truncated: false,
    },
    receipt: null,
    height: 40,
    cache: { base: 'warm', adapter: 'cold' },
  }
  const file = (name: string, data: string | Uint8Array) => {
    const path = join(dir.path, name)
    writeFileSync(path, data)
    return path
  }
  before(async () => {
    closed = `127.0.0.1:${await freePort()}`
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        calls.push(body.params)
        res.setHeader('content-type', 'application/json')
        if (body.params.version.subnet === '9')
          return res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              id: body.id,
              error: {
                code: -32014,
                message: 'Inference refused: there is no subnet 9',
                data: { code: 'UNKNOWN_VERSION', subnet: '9', version: '0' },
              },
            }),
          )
        res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: answer }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    stub = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => {
    server.close()
    dir.remove()
  })

  async function usage(args: string[], message: RegExp): Promise<void> {
    const { error } = await run(args, dir.path, closed)
    assert.ok(error instanceof CliError && error.code === 'USAGE', `${args.join(' ')}: ${String(error)}`)
    assert.match(error.message, message)
  }

  it('refuses bad arguments before calling the node', async () => {
    const digit = file(
      'd.png',
      png(28, 28, () => [0, 0, 0, 255]),
    )
    await usage(['infer', '1', '--image', digit], /not SUBNET\/VERSION/)
    await usage(['infer', '1/x', '--image', digit], /not SUBNET\/VERSION/)
    await usage(['infer', '1/2'], /give one of --image/)
    await usage(['infer', '1/2', '--image', digit, '--input', digit], /give one of --image/)
    await usage(['infer', '1/2', '--image', join(dir.path, 'absent.png')], /cannot read .*absent\.png: ENOENT/)
    await usage(
      [
        'infer',
        '1/2',
        '--image',
        file(
          'big.png',
          png(32, 32, () => [0, 0, 0, 255]),
        ),
      ],
      /32×32/,
    )
    await usage(['infer', '1/2', '--input', file('bad.json', '[1,null]')], /input\[1\]/)
    await usage(['infer', '1/2', '--image', digit, '--receipt', 'r1'], /--receipt "r1" is not a whole number/)
  })

  it('sends the digit to model_infer and prints the prediction with its ancestry', async () => {
    const digit = file(
      'one.png',
      png(28, 28, (i) => (i === 30 ? [255, 255, 255, 255] : [0, 0, 0, 255])),
    )
    const { error, out } = await run(['infer', '1/2', '--image', digit, '--receipt', '7'], dir.path, stub)
    assert.equal(error, undefined, String(error))
    const sent = calls.at(-1) as { version: unknown; input: number[]; receipt: string }
    assert.deepEqual(sent.version, { subnet: '1', version: '2' })
    assert.equal(sent.receipt, '7')
    assert.equal(sent.input.length, 784)
    assert.equal(sent.input[30], 1)
    assert.match(out, /predicted\s+1 \(p = 0\.7000\)/)
    assert.match(out, /base\s+subnet 0 version 5/)
    assert.match(out, /ancestry\s+1\/2 ← 0\/5/)
    assert.match(out, /datanet 3 version 1/)
    assert.match(out, /fedra1abc\s+25\.0000%/)
    const json = await run(['infer', '1/2', '--input', file('in.json', '{"input":[1,2,3]}'), '--json'], dir.path, stub)
    assert.deepEqual(JSON.parse(json.out), answer)
  })

  it("passes the node's refusal on with its code", async () => {
    const { error } = await run(['infer', '9/0', '--input', file('x.json', '[1]')], dir.path, stub)
    assert.match(String(error), /Inference refused: there is no subnet 9/)
    assert.equal((error as { context?: { data?: { code?: string } } }).context?.data?.code, 'UNKNOWN_VERSION')
  })
})

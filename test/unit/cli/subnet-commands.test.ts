import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Command } from 'commander'
import { registerModelCommand } from '../../../src/cli/commands/model-export.js'
import { registerQueryCommand } from '../../../src/cli/commands/query.js'
import { registerTxCommand } from '../../../src/cli/commands/tx.js'
import { CliError } from '../../../src/cli/errors.js'
import { messages } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { PrivateKey, encodeAddress, fromHex } from '../../../src/crypto/index.js'
import { Keyring } from '../../../src/crypto/keyring.js'
import { freePort } from '../../../src/devnet/layout.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { MsgCreateSubnet, MsgUpdateSubnetParams, canonicalModelSpec, subnetParamsToJson } from '../../../src/modules/subnets/index.js'
import { blobCid } from '../../../src/modules/training/blob-cid.js'
import { Tx } from '../../../src/state/index.js'
import { tempDir } from '../../helpers/chain.js'

const account = (n: number) => encodeAddress(new Uint8Array(20).fill(n))
const SPEC = mlpSpec([2, 2])
const MODEL = encodeUpdateBlob({ dtype: 'int32', shape: [6], scale: 100, values: Int32Array.of(100, -50, 25, 0, 300, -1) })
const MODEL_CID = blobCid(MODEL)

function program(): Command {
  const p = new Command('fedra').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
  registerTxCommand(p)
  registerQueryCommand(p)
  registerModelCommand(p)
  return p
}

/** Runs a command in process; returns what it threw (undefined if nothing) and what it printed. */
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

/**
 * Every usage error of `fedra tx subnet …`, the training queries and `fedra model export`: each
 * is refused (CliError USAGE, exit 2) before any keyring is opened or node called, so the node
 * address is a closed port and the home has no keyring.
 */
describe('fedra tx subnet, query subnet/round/model, model export: usage errors', () => {
  const dir = tempDir()
  let node: string
  const file = (name: string, text: string | Uint8Array) => {
    const path = join(dir.path, name)
    writeFileSync(path, text)
    return path
  }
  let spec: string
  let model: string
  before(async () => {
    node = `127.0.0.1:${await freePort()}`
    spec = file('spec.json', JSON.stringify(SPEC, null, 2))
    model = file('model.blob', MODEL)
  })
  after(() => dir.remove())

  async function usage(args: string[], message: RegExp): Promise<void> {
    const { error } = await run(args, dir.path, node)
    assert.ok(error instanceof CliError, `${args.join(' ')}: expected a CliError, got ${String(error)}`)
    assert.equal(error.code, 'USAGE', `${args.join(' ')}: ${error.message}`)
    assert.match(error.message, message, args.join(' '))
  }

  const create = (...extra: string[]) => [
    'tx',
    'subnet',
    'create',
    'k',
    '--spec',
    spec,
    '--initial-model',
    model,
    '--name',
    'digits',
    '--domain',
    'vision/digits',
    '--validation-set',
    MODEL_CID,
    ...extra,
  ]

  it('tx subnet create: required options, the spec and initial model files, every param option', async () => {
    await usage(['tx', 'subnet', 'create', 'k', '--initial-model', model, '--name', 'n', '--domain', 'd'], /--spec is required/)
    await usage(['tx', 'subnet', 'create', 'k', '--spec', spec, '--name', 'n', '--domain', 'd'], /--initial-model is required/)
    await usage(['tx', 'subnet', 'create', 'k', '--spec', spec, '--initial-model', model, '--domain', 'd'], /--name is required/)
    await usage(['tx', 'subnet', 'create', 'k', '--spec', spec, '--initial-model', model, '--name', 'n'], /--domain is required/)
    await usage(create('--spec', join(dir.path, 'absent.json')), /--spec: cannot read .*absent\.json: ENOENT/)
    await usage(create('--spec', file('bad.json', '{')), /--spec: .*bad\.json is not JSON/)
    await usage(
      create('--spec', file('empty-spec.json', '{"inputShape":[2],"layers":[]}')),
      /--spec: .* is not a model spec: layers must be a non-empty array/,
    )
    await usage(create('--initial-model', 'not-a-cid'), /--initial-model: "not-a-cid" is neither a file nor a CID/)
    await usage(create('--initial-model', file('junk.blob', 'junk')), /--initial-model: .* is not a model blob/)
    const other = encodeUpdateBlob({ dtype: 'int16', shape: [6], scale: 1, values: new Int32Array(6) })
    await usage(create('--initial-model', file('int16.blob', other)), /is int16 \[6\]; the spec's model is int32 \[6\]/)
    await usage(
      create('--initial-model', file('short.blob', encodeUpdateBlob({ dtype: 'int32', shape: [5], scale: 1, values: new Int32Array(5) }))),
      /int32 \[5\]; the spec's model is int32 \[6\]/,
    )
    await usage(create('--params', file('list.json', '[]')), /--params: .* must hold a JSON object/)
    await usage(create('--params', file('typo.json', '{"submitWindow":3}')), /params\.submitWindow: unknown field/)
    await usage(create('--params', file('split.json', '{"reward_split":{"data":"0.5"}}')), /sum to exactly 1/)
    await usage(
      ['tx', 'subnet', 'create', 'k', '--spec', spec, '--initial-model', model, '--name', 'n', '--domain', 'd'],
      /params\.validation_set: required/,
    )
    await usage(create('--submit-window', 'ten'), /--submit-window must be a whole number/)
    await usage(create('--aggregate-window', '-'), /--aggregate-window must be a whole number/)
    await usage(create('--gap', '1.5'), /--gap must be a whole number/)
    await usage(create('--sample-cap', 'x'), /--sample-cap must be a whole number/)
    await usage(create('--max-trainers', '99999999999'), /--max-trainers must be a whole number/)
    await usage(create('--min-trainer-bond', '1ufdr'), /--min-trainer-bond must be a non-negative integer/)
    await usage(create('--min-aggregator-bond', '0'), /params\.min_aggregator_bond: must be positive/)
    await usage(create('--membership', 'closed'), /params\.membership: one of open, allow-list/)
    await usage(create('--allow', `${account(1)},nope`), /"nope" is not a fedra1… address/)
    await usage(create('--name', ' '), /name: must not be empty/)
    await usage(create('--domain', 'Vision'), /domain: 1\.\.64 of a-z/)
    await usage(create('--mode', 'later'), /--mode is async, sync or commit/)
    await usage(create('--fee', '1.5'), /--fee must be a non-negative integer/)
    await usage(create('--timeout', '0'), /--timeout must be a positive number/)
  })

  it('tx subnet join, leave, top-up, allow, update-params', async () => {
    await usage(['tx', 'subnet', 'join', 'k', 'one', '--role', 'trainer', '--bond', '5ufdr'], /subnet "one" is not a whole number/)
    await usage(['tx', 'subnet', 'join', 'k', '1', '--bond', '5ufdr'], /--role is trainer or aggregator/)
    await usage(['tx', 'subnet', 'join', 'k', '1', '--role', 'scorer', '--bond', '5ufdr'], /--role is trainer or aggregator, not "scorer"/)
    await usage(['tx', 'subnet', 'join', 'k', '1', '--role', 'trainer'], /--bond is required/)
    await usage(['tx', 'subnet', 'join', 'k', '1', '--role', 'trainer', '--bond', '0ufdr'], /bond: the amount must be positive/)
    await usage(['tx', 'subnet', 'leave', 'k', '1'], /--role is trainer or aggregator/)
    await usage(['tx', 'subnet', 'leave', 'k', 'x', '--role', 'trainer'], /subnet "x" is not a whole number/)
    await usage(['tx', 'subnet', 'top-up', 'k', '1', '--role', 'aggregator'], /--amount is required/)
    await usage(['tx', 'subnet', 'top-up', 'k', '1', '--role', 'aggregator', '--amount', 'lots'], /not an amount/)
    await usage(['tx', 'subnet', 'allow', 'k', '1'], /give --add or --remove/)
    await usage(['tx', 'subnet', 'allow', 'k', '1', '--add', 'nope'], /"nope" is not a fedra1… address/)
    await usage(['tx', 'subnet', 'allow', 'k', '1', '--add', account(1), '--remove', account(1)], /both added and removed/)
    await usage(['tx', 'subnet', 'update-params', 'k', '1'], /nothing to change/)
    await usage(['tx', 'subnet', 'update-params', 'k', 'z', '--gap', '2'], /subnet "z" is not a whole number/)
    await usage(['tx', 'subnet', 'update-params', 'k', '1', '--params', join(dir.path, 'absent.json')], /--params: cannot read/)
    await usage(['tx', 'subnet', 'update-params', 'k', '1', '--gap', 'x'], /--gap must be a whole number/)
    await usage(['tx', 'subnet', 'update-params', 'k', '1', '--gap', '2', '--mode', 'x'], /--mode is async, sync or commit/)
  })

  it('query subnet, members, allow-list, round, updates, model, models; model export', async () => {
    await usage(['query', 'subnet', 'x'], /subnet "x" is not a whole number/)
    await usage(['query', 'subnet', String(2n ** 64n)], /is not a whole number/)
    await usage(['query', 'members', '1x'], /subnet "1x" is not a whole number/)
    await usage(['query', 'members', '1', '--role', 'scorer'], /--role is trainer or aggregator/)
    await usage(['query', 'allow-list', 'q'], /subnet "q"/)
    await usage(['query', 'round', 'q'], /subnet "q"/)
    await usage(['query', 'round', '1', 'last'], /round "last" is not a whole number/)
    await usage(['query', 'updates', '1', 'x'], /round "x"/)
    await usage(['query', 'model', '1', 'v2'], /version "v2" is not a whole number/)
    await usage(['query', 'models', 'x'], /subnet "x"/)
    await usage(['model', 'export', 'x', '1', '-o', 'f'], /subnet "x"/)
    await usage(['model', 'export', '1', 'y', '-o', 'f'], /version "y"/)
    await usage(['model', 'export', '1', '1', '--format', 'onnx', '-o', 'f'], /--format is safetensors, not "onnx"/)
    await usage(['model', 'export', '1', '1'], /-o, --output FILE is required/)
  })

  it('well-formed commands get past the checks (and only then need a keyring or a node)', async () => {
    const tx = await run(create(), dir.path, node)
    assert.match(String(tx.error), /fetch failed|ECONNREFUSED/, 'create stores its file model on the node first')
    const byCid = await run(create('--initial-model', MODEL_CID), dir.path, node)
    assert.ok(byCid.error instanceof CliError && ['NO_PASSPHRASE', 'KEY_NOT_FOUND'].includes(byCid.error.code), String(byCid.error))
    const join = await run(['tx', 'subnet', 'join', 'k', '1', '--role', 'trainer', '--bond', '5ufdr'], dir.path, node)
    assert.ok(join.error instanceof CliError && ['NO_PASSPHRASE', 'KEY_NOT_FOUND'].includes(join.error.code), String(join.error))
    assert.match(String((await run(['query', 'round', '1'], dir.path, node)).error), /TRANSPORT/)
  })
})

/** A JSON-RPC node that answers from a table, and takes POST /blobs. */
async function stubNode(
  answers: Record<string, (params: any) => unknown>,
): Promise<{ server: Server; url: string; calls: { method: string; params: any }[]; blobs: Uint8Array[] }> {
  const calls: { method: string; params: any }[] = []
  const blobs: Uint8Array[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      res.setHeader('content-type', 'application/json')
      if (req.url?.startsWith('/blobs')) {
        blobs.push(new Uint8Array(body))
        return res.end(JSON.stringify({ cid: blobCid(new Uint8Array(body)), size: body.length, blocks: 1, created: true }))
      }
      const { id, method, params } = JSON.parse(body.toString('utf8'))
      calls.push({ method, params })
      const answer = answers[method]
      res.end(
        JSON.stringify(
          answer === undefined
            ? { jsonrpc: '2.0', id, error: { code: -32601, message: 'no such method' } }
            : { jsonrpc: '2.0', id, result: answer(params) },
        ),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `127.0.0.1:${(server.address() as AddressInfo).port}`, calls, blobs }
}

describe('fedra tx subnet, query subnet/subnets/models and model export against a stub node', () => {
  const dir = tempDir()
  const params = subnetParamsToJson(
    decode(
      MsgCreateSubnet,
      messages.subnetsCreate({
        name: 'n',
        domain: 'd',
        modelSpec: canonicalModelSpec(SPEC),
        initialModelCid: MODEL_CID,
        params: { validation_set: MODEL_CID },
      }),
    ).params,
  )
  const subnet = {
    height: 9,
    id: '1',
    name: 'digits',
    domain: 'vision/digits',
    description: '',
    admin: account(1),
    model_spec: canonicalModelSpec(SPEC),
    parameter_count: '6',
    initial_model_cid: MODEL_CID,
    deposit: '100',
    created_height: '4',
    trainers: 2,
    aggregators: 1,
    params,
    params_from_round: '0',
    pending_params: null,
    pending_since_height: null,
  }
  const version = {
    height: 9,
    subnet: '1',
    version: '0',
    round: null,
    parent: null,
    global_cid: MODEL_CID,
    aggregate_cid: null,
    included: [],
    rule: '',
    aggregator: null,
    recorded_height: '4',
  }
  let stub: Awaited<ReturnType<typeof stubNode>>
  before(async () => {
    stub = await stubNode({
      subnet_get: () => subnet,
      subnet_list: () => ({ height: 9, subnets: [subnet] }),
      model_version: () => version,
      model_latest: () => version,
      model_versions: () => ({ height: 9, versions: [version] }),
      blob_get: ({ cid }) => ({ cid, size: MODEL.length, data: Buffer.from(MODEL).toString('base64') }),
      chain_status: () => ({
        nodeInfo: { version: '0', moniker: 'stub', network: 'stub-chain', nodeId: 'x' },
        syncInfo: {},
        validatorInfo: null,
      }),
      account_get: ({ address }) => ({ height: 9, address, nonce: '4', publicKey: null, balances: [] }),
      tx_broadcast: () => ({
        hash: 'ab'.repeat(32),
        mode: 'commit',
        height: 10,
        result: { code: 0, codespace: '', log: '', gasUsed: '1000', gasWanted: '200000', events: [] },
      }),
    })
    new Keyring(dir.path).add('admin', PrivateKey.fromSeed(new Uint8Array(32).fill(9)), 'pw')
  })

  /** The messages of the last transaction the stub was sent. */
  const lastTxMessages = () => decode(Tx, fromHex(stub.calls.filter((c) => c.method === 'tx_broadcast').at(-1)!.params.tx)).body.messages

  it('tx subnet create with a model file: stores it on the node first, then signs MsgCreateSubnet naming its CID, the spec canonical', async () => {
    const spec = join(dir.path, 'spec.json')
    writeFileSync(spec, JSON.stringify(SPEC, null, 2))
    const model = join(dir.path, 'model.blob')
    writeFileSync(model, MODEL)
    process.env.FEDRA_PASSPHRASE = 'pw'
    try {
      const done = await run(
        [
          'tx',
          'subnet',
          'create',
          'admin',
          '--spec',
          spec,
          '--initial-model',
          model,
          '--name',
          'digits',
          '--domain',
          'vision/digits',
          '--validation-set',
          'datanet:1@0',
          '--rule',
          'median',
          '--gap',
          '3',
          '--allow',
          account(2),
        ],
        dir.path,
        stub.url,
      )
      assert.equal(done.error, undefined, String(done.error))
      assert.match(done.out, new RegExp(`initial model +${MODEL_CID}`))
    } finally {
      delete process.env.FEDRA_PASSPHRASE
    }
    assert.deepEqual(stub.blobs.at(-1), MODEL)
    const [message] = lastTxMessages()
    const m = decode(MsgCreateSubnet, message!)
    assert.deepEqual(
      [m.name, m.modelSpec, m.initialModelCid, m.params.aggregationRule, m.params.timing.gap, m.params.membership],
      ['digits', canonicalModelSpec(SPEC), MODEL_CID, 'median', 3, 'allow-list'],
    )
    assert.deepEqual(m.allowList, [new Uint8Array(20).fill(2)])
  })

  it("tx subnet update-params starts from the subnet's params and changes only what it is given", async () => {
    process.env.FEDRA_PASSPHRASE = 'pw'
    try {
      const done = await run(['tx', 'subnet', 'update-params', 'admin', '1', '--submit-window', '20'], dir.path, stub.url)
      assert.equal(done.error, undefined, String(done.error))
    } finally {
      delete process.env.FEDRA_PASSPHRASE
    }
    const m = decode(MsgUpdateSubnetParams, lastTxMessages()[0]!)
    assert.equal(m.subnet, 1n)
    assert.deepEqual(subnetParamsToJson(m.params), { ...params, timing: { ...params.timing, submit_window: 20 } })
  })
  after(() => {
    stub.server.close()
    dir.remove()
  })

  it('query subnet and subnets print tables of the answer; --json prints it as is', async () => {
    const one = await run(['query', 'subnet', '1'], dir.path, stub.url)
    assert.equal(one.error, undefined, String(one.error))
    assert.match(one.out, /name +digits/)
    assert.match(one.out, /timing +submit 10, aggregate 5, gap 1 blocks/)
    assert.match(one.out, /members +2 trainers, 1 aggregators/)
    const list = await run(['query', 'subnets'], dir.path, stub.url)
    assert.match(list.out.split('\n')[2]!, /^1 +digits +vision\/digits +fedra1\w+ +6 +fedavg +open +2 +1$/)
    const json = await run(['query', 'models', '1', '--json'], dir.path, stub.url)
    assert.deepEqual(JSON.parse(json.out), { height: 9, versions: [version] })
  })

  it('model export writes the version as safetensors: tensors of the spec, values fixed point / scale, metadata naming the model', async () => {
    const output = join(dir.path, 'model.safetensors')
    const done = await run(['model', 'export', '1', '0', '-o', output], dir.path, stub.url)
    assert.equal(done.error, undefined, String(done.error))
    assert.match(done.out, /layers\.0\.dense\.kernel +F32 \[2, 2\]/)
    assert.deepEqual(stub.calls.filter((c) => c.method === 'model_version').at(-1)!.params, { subnet: '1', version: '0' })
    const file = readFileSync(output)
    const length = Number(file.readBigUInt64LE(0))
    const header = JSON.parse(file.subarray(8, 8 + length).toString('utf8'))
    assert.deepEqual(header.__metadata__, {
      subnet: '1',
      version: '0',
      global_cid: MODEL_CID,
      rule: '',
      scale: '100',
      spec: canonicalModelSpec(SPEC),
      layout: 'tensorflow: dense kernel [in, units], conv2d kernel [kh, kw, in, filters], row-major',
    })
    assert.deepEqual(header['layers.0.dense.kernel'], { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] })
    assert.deepEqual(header['layers.0.dense.bias'], { dtype: 'F32', shape: [2], data_offsets: [16, 24] })
    const data = file.subarray(8 + length)
    assert.equal(data.length, 24)
    assert.deepEqual(
      Array.from({ length: 6 }, (_, i) => data.readFloatLE(4 * i)),
      [1, -0.5, 0.25, 0, 3, -0.01].map(Math.fround),
    )
  })

  it('model export writes a fine-tune version as a PEFT LoRA adapter: lora_A / lora_B tensors and adapter_config.json beside them', async () => {
    const tunedSpec = { ...SPEC, adapter: { base: { subnet: '1', version: '0' }, rank: 1, alpha: 2, layers: [0], seed: 1 } }
    const adapterBlob = encodeUpdateBlob({ dtype: 'int32', shape: [4], scale: 100, values: Int32Array.of(100, -50, 25, 200) })
    const tuned = { ...subnet, id: '2', model_spec: canonicalModelSpec(tunedSpec), parameter_count: '4' }
    const tunedVersion = { ...version, subnet: '2', global_cid: blobCid(adapterBlob) }
    const node = await stubNode({
      subnet_get: ({ id }) => (id === '2' ? tuned : subnet),
      model_version: ({ subnet: s }) => (s === '2' ? tunedVersion : version),
      blob_get: ({ cid }) => ({ cid, size: adapterBlob.length, data: Buffer.from(adapterBlob).toString('base64') }),
    })
    try {
      const out = join(dir.path, 'peft')
      mkdirSync(out, { recursive: true })
      const done = await run(['model', 'export', '2', '0', '-o', join(out, 'adapter_model.safetensors')], dir.path, node.url)
      assert.equal(done.error, undefined, String(done.error))
      const file = readFileSync(join(out, 'adapter_model.safetensors'))
      const length = Number(file.readBigUInt64LE(0))
      const header = JSON.parse(file.subarray(8, 8 + length).toString('utf8'))
      assert.deepEqual(header['base_model.model.layers.0.dense.lora_A.weight'], { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] })
      assert.deepEqual(header['base_model.model.layers.0.dense.lora_B.weight'], { dtype: 'F32', shape: [2, 1], data_offsets: [8, 16] })
      const data = file.subarray(8 + length)
      assert.deepEqual(
        Array.from({ length: 4 }, (_, i) => data.readFloatLE(4 * i)),
        [1, -0.5, 0.25, 2],
      )
      const config = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'))
      assert.deepEqual(
        [config.peft_type, config.r, config.lora_alpha, config.target_modules, config.base_model_name_or_path],
        ['LORA', 1, 2, ['layers.0.dense'], `fedra:1/0 ${MODEL_CID}`],
      )
    } finally {
      node.server.close()
    }
  })

  it("model export refuses a blob that does not hash to the version's CID", async () => {
    const liar = await stubNode({
      subnet_get: () => subnet,
      model_latest: () => version,
      blob_get: ({ cid }) => ({ cid, size: 4, data: Buffer.from('fake').toString('base64') }),
    })
    try {
      const { error } = await run(['model', 'export', '1', '-o', join(dir.path, 'x.safetensors')], dir.path, liar.url)
      assert.ok(error instanceof CliError && error.code === 'BAD_FILE', String(error))
      assert.match(error.message, /hash to/)
    } finally {
      liar.server.close()
    }
  })
})

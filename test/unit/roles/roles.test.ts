import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { initialParameters } from '../../../src/fl/model/init.js'
import { parseAttackSpec } from '../../../src/fl/sim/attacks.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { RoleError } from '../../../src/roles/errors.js'
import { loadTrainerData, parseDataSpec } from '../../../src/roles/data-spec.js'
import { MODEL_SCALE, encodeModel, initialModelBlob, modelParameters } from '../../../src/roles/model-codec.js'
import { trainerAttack } from '../../../src/roles/trainer.js'
import { tempDir } from '../../helpers/chain.js'
import { Command } from 'commander'
import { registerRoleCommands } from '../../../src/cli/commands/roles.js'
import { CliError } from '../../../src/cli/errors.js'

const code = (f: () => unknown): string => {
  try {
    f()
  } catch (error) {
    assert.ok(error instanceof RoleError, String(error))
    return error.code
  }
  return 'no error'
}

describe("roles: a trainer's --data, its model blobs and --attack", () => {
  const dir = tempDir('fedra-roles-')
  after(() => dir.remove())

  it('parses the data specs the issue names, parts 0-based', () => {
    assert.deepEqual(parseDataSpec('mnist:iid:3/10'), { source: 'mnist', partition: { kind: 'iid' }, part: 3, of: 10 })
    assert.deepEqual(parseDataSpec('iid:0/1'), { source: 'mnist', partition: { kind: 'iid' }, part: 0, of: 1 })
    assert.deepEqual(parseDataSpec('dirichlet:0.5:3/10'), {
      source: 'mnist',
      partition: { kind: 'dirichlet', alpha: 0.5 },
      part: 3,
      of: 10,
    })
    assert.deepEqual(parseDataSpec('mnist:shards:2:1/4'), { source: 'mnist', partition: { kind: 'shards', perTrainer: 2 }, part: 1, of: 4 })
    assert.deepEqual(parseDataSpec('./my.csv'), { source: 'csv', path: './my.csv' })
    assert.deepEqual(parseDataSpec('csv:data/x.txt'), { source: 'csv', path: 'data/x.txt' })
  })

  it('refuses a bad --data with BAD_DATA_SPEC: no part, a part out of range, an unknown partition, a bad alpha', () => {
    for (const bad of [
      'mnist',
      'mnist:iid',
      'iid:10/10',
      'iid:3/0',
      'gauss:3/10',
      'dirichlet:0:1/2',
      'dirichlet:x:1/2',
      'iid:extra:1/2',
      'shards:0:1/2',
      'csv:',
      'mnist:iid:-1/4',
    ]) {
      assert.equal(
        code(() => parseDataSpec(bad)),
        'BAD_DATA_SPEC',
        bad,
      )
    }
    assert.equal(
      code(() => loadTrainerData({ source: 'csv', path: join(dir.path, 'missing.csv') }, { seed: 1 })),
      'BAD_DATA_SPEC',
    )
  })

  it('gives disjoint MNIST parts that together are the (trimmed) split, and reads a CSV of its own', () => {
    const parts = [0, 1, 2, 3].map((part) =>
      loadTrainerData({ source: 'mnist', partition: { kind: 'iid' }, part, of: 4 }, { seed: 1, rows: 400 }),
    )
    assert.deepEqual(
      parts.map((p) => p.count),
      [100, 100, 100, 100],
    )
    const rows = new Set<string>()
    for (const p of parts)
      for (let r = 0; r < p.count; r++)
        rows.add(
          createHash('sha256')
            .update(p.features.subarray(r * p.featureSize, (r + 1) * p.featureSize))
            .digest('hex'),
        )
    assert.equal(rows.size, 400, 'disjoint: 400 different digits')
    const csv = join(dir.path, 'mine.csv')
    writeFileSync(csv, 'a,b,label\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,1\n')
    const own = loadTrainerData(parseDataSpec(csv), { seed: 1 })
    assert.deepEqual([own.count, own.featureSize, own.classes], [3, 2, 2])
  })

  it('a model blob round-trips floats at 1/MODEL_SCALE; a blob of another size is BAD_MODEL', () => {
    const spec = mlpSpec([4, 3])
    const params = initialParameters(spec, 7)
    const back = modelParameters(encodeModel(params), params.length)
    for (let i = 0; i < params.length; i++) assert.ok(Math.abs(back[i]! - params[i]!) <= 0.5 / MODEL_SCALE + 1e-9, `parameter ${i}`)
    assert.deepEqual(initialModelBlob(spec, 7), encodeModel(params), 'the initial model is the seeded init, encoded')
    assert.equal(
      code(() => modelParameters(encodeModel(params), params.length + 1)),
      'BAD_MODEL',
    )
    assert.equal(
      code(() => modelParameters(new Uint8Array([1, 2, 3]), 3)),
      'BAD_MODEL',
    )
    const twoD = encodeUpdateBlob({ dtype: 'int32', shape: [3, 5], scale: 4, values: new Int32Array(15) })
    assert.equal(
      code(() => modelParameters(twoD, 15)),
      'BAD_MODEL',
    )
  })

  it("--attack: the FL library's attacks, freeride as a zero update, anything else BAD_OPTION", () => {
    assert.equal(trainerAttack(undefined, parseAttackSpec), undefined)
    assert.deepEqual(trainerAttack('freeride', parseAttackSpec), { kind: 'zero' })
    assert.deepEqual(trainerAttack('signflip', parseAttackSpec), { kind: 'signflip', factor: 4 })
    assert.deepEqual(trainerAttack('copy', parseAttackSpec), { kind: 'copy' })
    assert.equal(
      code(() => trainerAttack('teleport', parseAttackSpec)),
      'BAD_OPTION',
    )
    assert.equal(
      code(() => trainerAttack('scaled:-1', parseAttackSpec)),
      'BAD_OPTION',
    )
  })
})

describe('fedra trainer and fedra aggregator: usage errors (exit 2) before any key is opened', () => {
  const usage = async (role: 'trainer' | 'aggregator', args: string[], message: RegExp) => {
    const program = new Command('fedra').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
    registerRoleCommands(program)
    const base = ['node', 'fedra', role, '--key', 'account1', '--subnet', '0', '--node', 'http://127.0.0.1:1', '--home', '/nonexistent']
    const error = await program
      .parseAsync([...base, ...(role === 'trainer' && !args.includes('--data') ? ['--data', 'mnist:iid:0/4'] : []), ...args])
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    assert.ok(error instanceof CliError, String(error))
    assert.equal(error.code, 'USAGE')
    assert.match(error.message, message)
  }

  it('trainer: a bad --data, --attack, --lr, --epochs or --subnet', async () => {
    await usage('trainer', ['--data', 'mnist:iid:4/4'], /--data "mnist:iid:4\/4": part 4 of 4: parts are 0-based/)
    await usage('trainer', ['--data', './missing.csv'], /cannot read .\/missing.csv/)
    await usage('trainer', ['--attack', 'teleport'], /--attack: .*\(or freeride\)/)
    await usage('trainer', ['--lr', '-1'], /--lr must be a positive number/)
    await usage('trainer', ['--epochs', '0'], /--epochs must be an integer in 1\.\.1000/)
    await usage('trainer', ['--subnet', 'x'], /--subnet must be a subnet id/)
  })

  it('aggregator: a bad --backend, --tamper or --wait-blocks', async () => {
    await usage('aggregator', ['--backend', 'tpu'], /--backend is fast, webgpu, webasm or cpu, got "tpu"/)
    await usage('aggregator', ['--tamper', 'sometimes'], /--tamper is first or always/)
    await usage('aggregator', ['--wait-blocks', 'two'], /--wait-blocks must be an integer in 0\.\.100000/)
  })
})

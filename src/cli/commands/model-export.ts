import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Command } from 'commander'
import { FlError } from '../../fl/errors.js'
import { adapterTensorsOfSpec, dequantizeModel, encodeSafetensors, peftAdapterConfig, tensorsOfSpec } from '../../fl/model/safetensors.js'
import { type ModelSpec, parseModelSpec } from '../../fl/model/spec.js'
import { decodeUpdateBlob } from '../../fl/update/blob.js'
import { MODEL_DTYPE } from '../../modules/training/model.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { withClient } from './module-args.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson } from './output.js'
import { checkId, getBlob } from './training-args.js'

interface ExportOptions extends NodeOptions {
  format: string
  output?: string
}

const FORMATS = ['safetensors']

/**
 * `fedra model export SUBNET [VERSION] --format safetensors -o FILE`: a model version's global
 * model (its blob, over blob_get, checked against its CID) as F32 tensors named and shaped by
 * the subnet's model spec (src/fl/model/safetensors.ts), values fixed point / scale. A fine-tune
 * subnet's version (its spec declares an adapter) is written as PEFT writes a LoRA adapter: tensors
 * `base_model.model.<module>.lora_A.weight` / `lora_B.weight`, and adapter_config.json beside the
 * file (naming the base version and its CID).
 */
export function registerModelCommand(program: Command): void {
  const model = program.command('model').description("a subnet's global models")

  withNode(model.command('export <subnet> [version]'))
    .description(
      'write a model version (default: the latest) as a file: safetensors, F32 tensors named layers.<i>.<type>.kernel|bias, shapes from the model spec',
    )
    .option('--format <format>', FORMATS.join(' | '), 'safetensors')
    .option('-o, --output <file>', 'where to write it (written whole, then renamed into place)')
    .action((subnet: string, version: string | undefined, options: ExportOptions) =>
      withClient(options, async (client) => {
        checkId(subnet, 'subnet')
        if (version !== undefined) checkId(version, 'version')
        if (!FORMATS.includes(options.format))
          throw new CliError('USAGE', `--format is ${FORMATS.join(' or ')}, not "${options.format.slice(0, 20)}"`, {})
        if (options.output === undefined) throw new CliError('USAGE', '-o, --output FILE is required', {})
        const [s, v] = await Promise.all([
          client.call('subnet_get', { id: subnet }),
          version === undefined ? client.call('model_latest', { subnet }) : client.call('model_version', { subnet, version }),
        ])
        const blob = decodeUpdateBlob(await getBlob(resolveNodeUrl(options), v.global_cid))
        if (blob.dtype !== MODEL_DTYPE || blob.shape.length !== 1 || blob.shape[0] !== Number(s.parameter_count)) {
          throw new CliError(
            'BAD_FILE',
            `global model ${v.global_cid} is ${blob.dtype} [${blob.shape.join(', ')}]; subnet ${subnet}'s model is ${MODEL_DTYPE} [${s.parameter_count}]`,
            {},
          )
        }
        let tensors
        let spec: ModelSpec
        try {
          spec = parseModelSpec(s.model_spec)
          const values = dequantizeModel(blob.values, blob.scale)
          tensors = spec.adapter === undefined ? tensorsOfSpec(spec, values) : adapterTensorsOfSpec(spec, values)
        } catch (error) {
          if (error instanceof FlError) throw new CliError('BAD_FILE', `subnet ${subnet}'s model spec: ${error.plainMessage}`, {})
          throw error
        }
        let adapterConfig: { path: string; text: string } | undefined
        if (spec.adapter !== undefined) {
          const base = spec.adapter.base
          const baseVersion = await client.call('model_version', { subnet: base.subnet, version: base.version })
          adapterConfig = {
            path: join(dirname(options.output), 'adapter_config.json'),
            text: `${JSON.stringify(peftAdapterConfig(spec, `fedra:${base.subnet}/${base.version} ${baseVersion.global_cid}`), null, 2)}\n`,
          }
        }
        const bytes = encodeSafetensors(tensors, {
          subnet: s.id,
          version: v.version,
          global_cid: v.global_cid,
          rule: v.rule,
          scale: String(blob.scale),
          spec: s.model_spec,
          layout:
            spec.adapter === undefined
              ? 'tensorflow: dense kernel [in, units], conv2d kernel [kh, kw, in, filters], row-major'
              : 'peft lora: lora_A [rank, in], lora_B [units, rank], row-major; delta kernel (tensorflow [in, units]) = (alpha/rank)·Aᵀ·Bᵀ',
        })
        if (adapterConfig !== undefined) writeWhole(adapterConfig.path, adapterConfig.text)
        writeWhole(options.output, bytes)
        const summary = {
          output: options.output,
          adapter_config: adapterConfig?.path ?? null,
          format: options.format,
          subnet: s.id,
          version: v.version,
          global_cid: v.global_cid,
          bytes: bytes.length,
          tensors: tensors.map((t) => ({ name: t.name, shape: t.shape })),
        }
        if (options.json) return printJson(summary)
        process.stdout.write(
          `${fields([
            ['wrote', `${options.output} (${bytes.length} bytes, ${options.format})`],
            ...(adapterConfig === undefined ? [] : [['adapter config', adapterConfig.path] as [string, string]]),
            ['model', `subnet ${s.id} version ${v.version}, ${v.global_cid}`],
            ...tensors.map((t): [string, string] => [t.name, `F32 [${t.shape.join(', ')}]`]),
          ])}\n`,
        )
      }),
    )
}

/** Writes `data` to `path` whole: to a .partial file first, then renamed into place. */
function writeWhole(path: string, data: Uint8Array | string): void {
  const partial = `${path}.partial`
  try {
    writeFileSync(partial, data)
    renameSync(partial, path)
  } catch (error) {
    rmSync(partial, { force: true })
    throw new CliError('BAD_FILE', `cannot write ${path}: ${(error as Error).message}`, { path })
  }
}

import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { HttpTransport } from '../../client/http.js'
import type { Inference } from '../../serving/model-server.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import { digitFromPng, inputFromJson, parseVersionRef } from './infer-input.js'
import { type NodeOptions, withNode } from './node-option.js'
import { fields, printJson, table } from './output.js'

interface InferOptions extends NodeOptions {
  image?: string
  json: boolean
  input?: string
  invert: boolean
  receipt?: string
}

function readInput(options: InferOptions): number[] {
  if ((options.image === undefined) === (options.input === undefined))
    throw new CliError('USAGE', 'give one of --image FILE.png or --input FILE.json', {})
  const file = (options.image ?? options.input)!
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new CliError(
      'USAGE',
      `${options.image !== undefined ? '--image' : '--input'}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { path: file },
    )
  }
  return options.image !== undefined ? digitFromPng(bytes, file, options.invert) : inputFromJson(Buffer.from(bytes).toString('utf8'), file)
}

/**
 * `fedra infer SUBNET/VERSION --image digit.png | --input input.json [--receipt ID]`: model_infer
 * on a node with serving.enabled; prints the predicted class, the probabilities, and where the
 * model came from (its versions back to the roots, Datanet versions, top contributors).
 */
export function registerInferCommand(program: Command): void {
  withNode(program.command('infer <version>'))
    .description('classify one input with a model version (SUBNET/VERSION) on a node that serves models; prints the ancestry too')
    .option('--image <file>', 'a 28×28 grayscale PNG (a white digit on black, as MNIST)')
    .option('--invert', 'the PNG is a black digit on white', false)
    .option('--input <file>', 'JSON: an array of numbers (prod(inputShape) of them), or { "input": [...] }')
    .option('--receipt <id>', 'a MsgUseModel receipt id that paid for this version')
    .action(async (versionText: string, options: InferOptions) => {
      const version = parseVersionRef(versionText)
      if (options.receipt !== undefined && !/^(0|[1-9][0-9]{0,19})$/.test(options.receipt))
        throw new CliError('USAGE', `--receipt "${options.receipt.slice(0, 40)}" is not a whole number`, {})
      const input = readInput(options)
      const transport = new HttpTransport(resolveNodeUrl(options), 60_000)
      let answer: Inference
      try {
        answer = (await transport.call('model_infer', {
          version,
          input,
          ...(options.receipt === undefined ? {} : { receipt: options.receipt }),
        })) as Inference
      } finally {
        transport.close()
      }
      if (options.json) return printJson(answer)
      const ranked = answer.probabilities
        .map((p, cls) => ({ p, cls }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 3)
      const a = answer.ancestry
      process.stdout.write(
        `${fields([
          ['predicted', `${answer.predicted} (p = ${answer.probabilities[answer.predicted]!.toFixed(4)})`],
          ['top classes', ranked.map((r) => `${r.cls}: ${r.p.toFixed(4)}`).join(', ')],
          ['model', `subnet ${answer.subnet} version ${answer.version} (${answer.kind}), ${answer.global_cid}`],
          ...(answer.base === null
            ? []
            : [['base', `subnet ${answer.base.subnet} version ${answer.base.version}, ${answer.base.global_cid}`] as [string, string]]),
          ['ancestry', a.versions.map((v) => `${v.subnet}/${v.version}`).join(' ← ') + (a.truncated ? ' ← …' : '')],
          ['roots', a.roots.map((v) => `${v.subnet}/${v.version}`).join(', ') || '-'],
          ['datanets', a.datanet_versions.map((d) => `datanet ${d.datanet} version ${d.version}`).join(', ') || '-'],
          [
            'receipt',
            answer.receipt === null
              ? '-'
              : `${answer.receipt.id}: ${answer.receipt.fee}${answer.receipt.denom} paid by ${answer.receipt.user} at height ${answer.receipt.used_height}`,
          ],
          ['height', String(answer.height)],
        ])}\n`,
      )
      if (a.contributors.length > 0) {
        const scale = BigInt(a.scale)
        process.stdout.write(
          `\n${table(
            ['contributor', 'share', 'versions'],
            a.contributors.map((c) => [
              c.contributor,
              scale > 0n ? `${(Number((BigInt(c.weight) * 1_000_000n) / scale) / 10_000).toFixed(4)}%` : c.weight,
              String(c.versions),
            ]),
          )}\n`,
        )
      }
    })
}

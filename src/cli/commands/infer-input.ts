import { PNG } from 'pngjs'
import { CliError } from '../errors.js'

/** What `fedra infer --image` takes: MNIST's digit size. */
export const DIGIT_SIDE = 28

/**
 * A 28×28 PNG as 784 grey levels in [0, 1], row-major, the way MNIST holds its digits (a white
 * digit on black). Colour pixels become the mean of R, G and B; a transparent pixel counts as
 * black. `invert` turns a black-on-white drawing into MNIST's polarity. Throws CliError USAGE for
 * bytes that are not a PNG or a PNG of another size.
 */
export function digitFromPng(bytes: Uint8Array, file: string, invert = false): number[] {
  let png: PNG
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (error) {
    throw new CliError('USAGE', `--image: ${file} is not a PNG (${(error as Error).message})`, { path: file })
  }
  if (png.width !== DIGIT_SIDE || png.height !== DIGIT_SIDE)
    throw new CliError('USAGE', `--image: ${file} is ${png.width}×${png.height}; a digit is a ${DIGIT_SIDE}×${DIGIT_SIDE} grayscale PNG`, {
      path: file,
    })
  const out = new Array<number>(DIGIT_SIDE * DIGIT_SIDE)
  for (let i = 0; i < out.length; i++) {
    const [r, g, b, a] = [png.data[4 * i]!, png.data[4 * i + 1]!, png.data[4 * i + 2]!, png.data[4 * i + 3]!]
    const grey = (((r + g + b) / 3) * a) / 255 / 255
    out[i] = invert ? 1 - grey : grey
  }
  return out
}

/** `--json FILE`: an array of numbers, or an object with one (`{ "input": [...] }`). Throws CliError USAGE naming what is wrong. */
export function inputFromJson(text: string, file: string): number[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new CliError('USAGE', `--json: ${file} is not JSON (${(error as Error).message})`, { path: file })
  }
  const input = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? (value as { input?: unknown }).input
      : undefined
  if (!Array.isArray(input) || input.length === 0)
    throw new CliError('USAGE', `--json: ${file} must hold a non-empty array of numbers, or { "input": [numbers] }`, { path: file })
  const bad = input.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v))
  if (bad >= 0) throw new CliError('USAGE', `--json: ${file}: input[${bad}] is not a finite number`, { path: file })
  return input as number[]
}

/** `SUBNET/VERSION` (e.g. `1/3`): both whole numbers. */
export function parseVersionRef(text: string): { subnet: string; version: string } {
  const match = /^(0|[1-9][0-9]{0,19})\/(0|[1-9][0-9]{0,19})$/.exec(text)
  if (match === null) throw new CliError('USAGE', `version "${text.slice(0, 40)}" is not SUBNET/VERSION (e.g. 1/3)`, {})
  return { subnet: match[1]!, version: match[2]! }
}

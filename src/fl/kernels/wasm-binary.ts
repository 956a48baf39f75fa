/**
 * Just enough of the WebAssembly binary format (core spec §5; SIMD opcodes as finalised in the
 * fixed-width SIMD proposal, WebAssembly 2.0) to emit Fedra's SIMD kernels from TypeScript. No
 * toolchain, no binary blob in the repository: the module is built from readable code at load
 * time and validated by the engine.
 */

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = []
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
  return out
}

/** Signed LEB128 (i32 immediates). */
export function sleb(value: number): number[] {
  const out: number[] = []
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte)
      return out
    }
    out.push(byte | 0x80)
  }
}

export const I32 = 0x7f
export const F64 = 0x7c
export const V128 = 0x7b
export type ValueType = typeof I32 | typeof F64 | typeof V128

type Code = readonly number[]
const simd = (opcode: number, ...immediates: number[]): Code => [0xfd, ...uleb(opcode), ...immediates]
/** memarg: log2 alignment, then the static offset. */
const memarg = (alignLog2: number, offset: number): number[] => [alignLog2, ...uleb(offset)]

/** The instructions the kernels use, by their text-format names. */
export const op = {
  localGet: (i: number): Code => [0x20, ...uleb(i)],
  localSet: (i: number): Code => [0x21, ...uleb(i)],
  localTee: (i: number): Code => [0x22, ...uleb(i)],
  i32Const: (v: number): Code => [0x41, ...sleb(v)],
  f64Const: (v: number): Code => {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setFloat64(0, v, true)
    return [0x44, ...bytes]
  },
  i32Add: [0x6a] as Code,
  i32Sub: [0x6b] as Code,
  i32Eqz: [0x45] as Code,
  i32LtU: [0x49] as Code,
  block: [0x02, 0x40] as Code,
  loop: [0x03, 0x40] as Code,
  end: [0x0b] as Code,
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  v128Load: (offset = 0): Code => simd(0x00, ...memarg(4, offset)),
  v128Load32Splat: (offset = 0): Code => simd(0x09, ...memarg(2, offset)),
  v128Store: (offset = 0): Code => simd(0x0b, ...memarg(4, offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  i8x16Shuffle: (lanes: readonly number[]): Code => simd(0x0d, ...lanes),
  i32x4Splat: simd(0x11),
  f64x2Splat: simd(0x14),
  f64x2Gt: simd(0x4a),
  f64x2Le: simd(0x4b),
  i32x4Add: simd(0xae),
  i32x4Mul: simd(0xb5),
  i32x4MinS: simd(0xb6),
  i32x4MaxS: simd(0xb8),
  i64x2Add: simd(0xce),
  i64x2Sub: simd(0xd1),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2ConvertLowI32x4S: simd(0xfe),
}

export interface WasmFunction {
  readonly name: string
  readonly params: readonly ValueType[]
  /** Declared locals after the parameters, in order. */
  readonly locals: readonly ValueType[]
  readonly body: readonly Code[]
}

const vector = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()]
const section = (id: number, content: readonly number[]): number[] => [id, ...uleb(content.length), ...content]
const name = (text: string): number[] => vector([...new TextEncoder().encode(text)].map((b) => [b]))

/**
 * A module with one exported memory (`memory`, `pages` × 64 KiB initially, growable) and the
 * given functions exported under their names. Every function returns nothing.
 */
export function encodeModule(functions: readonly WasmFunction[], pages: number): Uint8Array<ArrayBuffer> {
  const types = vector(functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...uleb(0)]))
  const declarations = vector(functions.map((_, i) => uleb(i)))
  const memory = vector([[0x00, ...uleb(pages)]])
  const exports = vector([[...name('memory'), 0x02, 0], ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])
  const bodies = vector(
    functions.map((f) => {
      // locals are declared as runs of one type
      const runs: number[][] = []
      for (const type of f.locals) {
        const last = runs.at(-1)
        if (last !== undefined && last[1] === type) last[0]!++
        else runs.push([1, type])
      }
      const body = [...vector(runs.map(([count, type]) => [...uleb(count!), type!])), ...f.body.flat(), ...op.end]
      return [...uleb(body.length), ...body]
    }),
  )
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(3, declarations),
    ...section(5, memory),
    ...section(7, exports),
    ...section(10, bodies),
  ])
}

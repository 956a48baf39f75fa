import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = join(import.meta.dirname, '../../..')
const SRC = join(ROOT, 'src')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** The src-relative path of every relative import of `file`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => relative(SRC, resolve(dirname(file), m[1]!)))
}

/**
 * Top-level helpers every layer may use; test-switch.js (the fault harness's planted bugs, off
 * unless FEDRA_TEST=1 names them) must be reachable from the code it plants into, and imports nothing.
 */
const SHARED = ['errors.js', 'bytes.js', 'memo.js', 'test-switch.js']
const within = (path: string, folders: string[]) => SHARED.includes(path) || folders.some((f) => path.startsWith(`${f}/`))

function violations(folder: string, allowed: (file: string) => string[]): string[] {
  return sources(join(SRC, folder)).flatMap((file) => {
    const own = relative(SRC, file)
    return importsOf(file)
      .filter((path) => !within(path, allowed(own)))
      .map((path) => `${own} imports ${path}`)
  })
}

describe('dependencies point the way docs/architecture.md draws them', () => {
  it('the shared test switches import nothing, so every layer may use them', () => {
    assert.deepEqual(importsOf(join(SRC, 'test-switch.ts')), [])
  })

  it('the state framework imports only codec and crypto, never a module or the node', () => {
    assert.deepEqual(
      violations('state', () => ['state', 'codec', 'crypto']),
      [],
    )
  })

  it('a module imports the framework, codec, crypto and the FL library, and of another module only its published contract', () => {
    const moduleFolder = (file: string) => file.split('/').slice(0, 2).join('/')
    // What a module publishes for others: its message types (codec only), the views of its
    // records, its hook points and keeper contracts — never its keeper, keys or index.
    const contract = (path: string) => /^modules\/[a-z]+\/(messages|views|hooks|bonds)\.js$/.test(path)
    assert.deepEqual(
      violations('modules', (file) =>
        file === 'modules/index.ts' ? ['modules', 'state'] : [moduleFolder(file), 'state', 'codec', 'crypto', 'fl'],
      ).filter((line) => !contract(line.split(' imports ')[1]!)),
      [],
    )
  })

  it('consensus imports nothing of state, modules or the node', () => {
    assert.deepEqual(
      violations('consensus', () => ['consensus', 'codec', 'crypto', 'log']),
      [],
    )
  })

  it('devnet and the client import nothing of the CLI; the client nothing of the node or the RPC server', () => {
    const forbidden = (folder: string, prefixes: string[]) =>
      sources(join(SRC, folder)).flatMap((file) =>
        importsOf(file)
          .filter((path) => prefixes.some((p) => path.startsWith(p)))
          .map((path) => `${relative(SRC, file)} imports ${path}`),
      )
    assert.deepEqual(forbidden('devnet', ['cli/']), [])
    assert.deepEqual(
      forbidden('client', ['cli/', 'node/', 'rpc/handlers/', 'rpc/server', 'rpc/transport', 'rpc/session', 'rpc/subscriptions.js']),
      [],
    )
  })
})

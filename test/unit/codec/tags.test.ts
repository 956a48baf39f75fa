import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { CODEC_TAG_RANGES, t, tagOwner } from '../../../src/codec/index.js'

const ROOT = join(import.meta.dirname, '../../..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** Every `struct('Name', tag, ...)` written in src/, with the file that declares it. */
function declaredStructs(): { file: string; name: string; tag: number }[] {
  const found: { file: string; name: string; tag: number }[] = []
  for (const path of sources(join(ROOT, 'src'))) {
    if (path.includes(`${join('src', 'codec')}`)) continue
    const text = readFileSync(path, 'utf8')
    for (const match of text.matchAll(/struct\(\s*'([^']+)',\s*(\d+)\s*,/g))
      found.push({ file: relative(ROOT, path), name: match[1]!, tag: Number(match[2]) })
  }
  return found
}

describe('codec tag ranges', () => {
  const structs = declaredStructs()

  it('finds the structs of every component', () => {
    assert.ok(structs.length >= 40, `found only ${structs.length}`)
    for (const owner of ['state', 'auth', 'bank', 'consensus', 'node', 'indexer'] as const)
      assert.ok(
        structs.some((s) => tagOwner(s.tag) === owner),
        owner,
      )
  })

  it('no two types share a tag', () => {
    const byTag = new Map<number, string>()
    for (const { file, name, tag } of structs) {
      const other = byTag.get(tag)
      assert.equal(other, undefined, `tag ${tag}: ${other} and ${name} (${file})`)
      byTag.set(tag, `${name} (${file})`)
    }
  })

  it('every tag lies in the range of the folder that declares it', () => {
    for (const { file, name, tag } of structs) {
      const owner = tagOwner(tag)
      assert.ok(owner !== undefined, `${name} (${file}): tag ${tag} in no range`)
      assert.ok(
        file.startsWith(`${CODEC_TAG_RANGES[owner].folder}/`),
        `${name} (${file}): tag ${tag} is in ${owner}'s range (${CODEC_TAG_RANGES[owner].folder})`,
      )
    }
  })

  it('ranges do not overlap', () => {
    const ranges = Object.entries(CODEC_TAG_RANGES).sort((a, b) => a[1].first - b[1].first)
    for (let i = 1; i < ranges.length; i++)
      assert.ok(ranges[i]![1].first > ranges[i - 1]![1].last, `${ranges[i - 1]![0]} overlaps ${ranges[i]![0]}`)
  })

  it('refuses to declare a struct with a tag outside every range', () => {
    assert.throws(() => t.struct('Nowhere', 5000, 1, {}), /lies in no range/)
  })
})

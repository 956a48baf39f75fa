import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DevnetError } from '../../../src/devnet/errors.js'
import { checkLayoutOptions, createDevnet, layoutOptions, loadDevnet } from '../../../src/devnet/layout.js'
import { tempDir } from '../../helpers/chain.js'

const NAMES = {
  validators: '--validators',
  fullNodes: '--full-nodes',
  commitDelayMs: '--block-time',
  chainId: '--chain-id',
  accounts: '--accounts',
}
const isDevnetError = (code: DevnetError['code'], pattern: RegExp) => (e: unknown) =>
  e instanceof DevnetError && e.code === code && pattern.test(e.message)

describe('devnet layout: stored, reloaded, compared', function () {
  this.timeout(30_000)
  const dir = tempDir()
  after(() => dir.remove())

  it('reloads what it stored, with the options it was made with', async () => {
    const made = await createDevnet({
      dir: join(dir.path, 'a'),
      validators: 2,
      fullNodes: 1,
      chainId: 'fedra-x-1',
      commitDelayMs: 300,
      accounts: 2,
    })
    const loaded = loadDevnet(made.dir)!
    assert.deepEqual(loaded, made)
    assert.deepEqual(layoutOptions(loaded), { validators: 2, fullNodes: 1, chainId: 'fedra-x-1', commitDelayMs: 300, accounts: 2 })
    assert.equal(loadDevnet(join(dir.path, 'none')), null)
  })

  it('accepts the same or omitted options and names every conflicting one', () => {
    const layout = loadDevnet(join(dir.path, 'a'))!
    checkLayoutOptions(layout, { validators: 2, chainId: undefined }, NAMES)
    assert.throws(
      () => checkLayoutOptions(layout, { validators: 4, commitDelayMs: 300, fullNodes: 0 }, NAMES),
      isDevnetError(
        'LAYOUT_CONFLICT',
        /laid out otherwise: --validators 4 \(stored: 2\), --full-nodes 0 \(stored: 1\)\. Run without these options/,
      ),
    )
  })

  it('refuses to lay a devnet over a directory that holds other files', async () => {
    const busy = join(dir.path, 'a')
    await assert.rejects(
      createDevnet({ dir: busy, validators: 1, fullNodes: 0, chainId: 'c-1', commitDelayMs: 0, accounts: 0 }),
      isDevnetError('DIR_NOT_EMPTY', /is not empty/),
    )
  })

  it('refuses a devnet.json it did not write', () => {
    const other = join(dir.path, 'b')
    const make = (text: string) => {
      createDirWith(other, text)
      return () => loadDevnet(other)
    }
    assert.throws(make('{not json'), isDevnetError('LAYOUT_INVALID', /is not JSON/))
    assert.throws(
      make('{"dir":"x","chainId":"c","nodes":[]}'),
      isDevnetError('LAYOUT_INVALID', /not a devnet layout of version 1; start over with --reset/),
    )
  })
})

function createDirWith(dir: string, devnetJson: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'devnet.json'), devnetJson)
}

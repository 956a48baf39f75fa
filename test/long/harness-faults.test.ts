import assert from 'node:assert/strict'
import { join } from 'node:path'
import { HarnessRun, formatResult, loadManifest } from '../../src/harness/index.js'
import { tempDir } from '../helpers/chain.js'

const MANIFESTS = join(import.meta.dirname, '..', 'e2e', 'manifests')

/**
 * Every fault manifest of test/e2e/manifests, each on its own real devnet, every check
 * required (`npm run e2e:faults`, about 25 minutes; one manifest: `npm run e2e -- FILE`).
 */
describe('fault harness: the full set of manifests', function () {
  this.timeout(1_800_000)
  for (const file of [
    'kill-restart.toml',
    'partition.toml',
    'late-joiner.toml',
    'clock-skew.toml',
    'twin.toml',
    'byzantine.toml',
    'roles.toml',
    'crash.toml',
  ]) {
    it(`${file} passes every check`, async () => {
      const dir = tempDir('fedra-harness-')
      try {
        const result = await new HarnessRun(loadManifest(join(MANIFESTS, file)), { dir: dir.path }).run()
        assert.ok(result.ok, formatResult(result))
      } finally {
        dir.remove()
      }
    })
  }
})

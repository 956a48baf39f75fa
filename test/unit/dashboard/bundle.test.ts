import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { DIST, buildDashboard, gzipSize } from '../../../scripts/build-dashboard.js'

/**
 * The dashboard ships prebuilt in src/dashboard/dist (a fresh clone serves it with no build
 * step): rebuilt here in memory, the bundle must equal the committed files byte for byte, stay
 * within its size budget, and load nothing from anywhere but the node serving it.
 */
describe('dashboard bundle (src/dashboard/dist)', function () {
  this.timeout(60_000)
  let built: Map<string, Uint8Array>

  before(async () => {
    built = await buildDashboard()
  })

  it('the committed bundle is what npm run build:dashboard makes now (fails when stale)', () => {
    assert.deepEqual(readdirSync(DIST).sort(), [...built.keys()].sort(), 'files in src/dashboard/dist')
    for (const [name, bytes] of built) {
      const committed = readFileSync(`${DIST}${name}`)
      assert.ok(
        committed.equals(bytes),
        `src/dashboard/dist/${name} is stale (${committed.length} B committed, ${bytes.length} B built): run npm run build:dashboard`,
      )
    }
  })

  it('builds the same bytes twice (deterministic)', async () => {
    const again = await buildDashboard()
    for (const [name, bytes] of built) assert.ok(Buffer.from(again.get(name)!).equals(Buffer.from(bytes)), name)
  })

  it('stays under 500 KB gzipped in all, and has no Node built-in in it', () => {
    const total = [...built.values()].reduce((sum, bytes) => sum + gzipSize(bytes), 0)
    assert.ok(total < 500 * 1024, `${total} B gzipped`)
    const js = Buffer.from(built.get('app.js')!).toString('utf8')
    assert.doesNotMatch(js, /require\("(node:)?(crypto|fs|path|net|http|buffer|zlib)"\)/)
  })

  it('the page loads its script and styles from the node itself: no CDN, no other origin', () => {
    const html = Buffer.from(built.get('index.html')!).toString('utf8')
    assert.match(html, /<script src="app\.js"><\/script>/)
    assert.match(html, /<link rel="stylesheet" href="app\.css">/)
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//)
    const css = Buffer.from(built.get('app.css')!).toString('utf8')
    assert.doesNotMatch(css, /@import|url\((?!data:)/)
  })
})

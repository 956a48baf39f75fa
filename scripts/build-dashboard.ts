/**
 * Builds the dashboard (src/dashboard/app, bundled with esbuild for the browser) into
 * src/dashboard/dist/: index.html, app.js, app.css. The output is committed, so a fresh clone
 * serves it with no build step; test/unit/dashboard/bundle.test.ts rebuilds it in memory and
 * fails when the committed files differ. Run: npm run build:dashboard [-- --check]
 */
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
export const DIST = `${ROOT}src/dashboard/dist/`

/** The dashboard's files, by name, as the build makes them (deterministic: same sources, same bytes). */
export async function buildDashboard(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    entryPoints: { app: `${ROOT}src/dashboard/app/main.ts` },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    outdir: '/dashboard-out',
    write: false,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  })
  const files = new Map<string, Uint8Array>()
  for (const out of result.outputFiles) files.set(out.path.slice(out.path.lastIndexOf('/') + 1), out.contents)
  files.set('index.html', readFileSync(`${ROOT}src/dashboard/index.html`))
  return files
}

export const gzipSize = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildDashboard()
  const check = process.argv.includes('--check')
  let stale = false
  if (!check) {
    mkdirSync(DIST, { recursive: true })
    for (const name of readdirSync(DIST)) if (!files.has(name)) rmSync(`${DIST}${name}`)
  }
  let total = 0
  for (const [name, bytes] of files) {
    total += gzipSize(bytes)
    if (check) {
      let committed: Buffer | null = null
      try {
        committed = readFileSync(`${DIST}${name}`)
      } catch {}
      if (committed === null || !committed.equals(bytes)) stale = true
    } else writeFileSync(`${DIST}${name}`, bytes)
    process.stdout.write(`${name.padEnd(12)} ${String(bytes.length).padStart(9)} B  ${String(gzipSize(bytes)).padStart(8)} B gzipped\n`)
  }
  process.stdout.write(`total ${total} B gzipped\n`)
  if (stale) {
    process.stderr.write('src/dashboard/dist is stale: run npm run build:dashboard\n')
    process.exit(1)
  }
}

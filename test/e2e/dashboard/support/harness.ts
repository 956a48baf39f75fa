/**
 * A short training devnet (`scripts/devnet.ts` as a user runs it: a validator process, trainer,
 * aggregator and scorer processes, a curated Datanet) and a headless Chromium on its dashboard,
 * for the dashboard's browser tests. Everything started here is stopped by `stop()`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core'
import { FedraClient } from '../../../../src/client/index.js'
import { waitFor } from '../../../../src/devnet/process.js'
import { tempDir } from '../../../helpers/chain.js'

const REPO = resolve('.')
/** As test/e2e/client/browser.test.ts launches it (importing that file would run its suite too). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

export interface DashboardDevnet {
  url: string
  client: FedraClient
  browser: Browser
  dir: string
  /** Every console error and uncaught page error seen on any page opened with `page()`. */
  problems: string[]
  page(): Promise<Page>
  /** Opens a hash route and waits until the view has rendered (main.ts sets data-ready). */
  open(page: Page, route: string): Promise<void>
  /** A full-page screenshot to FEDRA_DASHBOARD_SHOTS (docs/img/dashboard to refresh the docs) or a temp folder. */
  shot(page: Page, name: string): Promise<void>
  output(): string
  stop(): Promise<void>
}

export async function startDashboardDevnet(extra: string[] = [], timeoutMs = 90_000): Promise<DashboardDevnet> {
  const work = tempDir('fedra-e2e-dashboard-')
  const dir = join(work.path, 'devnet')
  const shots = process.env.FEDRA_DASHBOARD_SHOTS ?? join(work.path, 'shots')
  mkdirSync(shots, { recursive: true })
  let output = ''
  let script: ChildProcess | null = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      join(REPO, 'scripts/devnet.ts'),
      '--dir',
      dir,
      '--validators',
      '1',
      '--trainers',
      '2',
      '--rows',
      '1000',
      '--rpc-port',
      '0',
      '--block-time',
      '150',
      '--datanet',
      ...extra,
    ],
    { cwd: work.path, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = new Promise<void>((resolveExit) => script!.once('exit', () => ((script = null), resolveExit())))
  script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let browser: Browser | null = null
  let client: FedraClient | null = null
  const stop = async () => {
    await browser?.close().catch(() => {})
    client?.close()
    if (script !== null) {
      script.kill('SIGINT')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))])
    }
    // What a script killed mid-way left (its nodes and roles run detached): only what runs from this test's own folder.
    spawnSync('pkill', ['-9', '-f', work.path])
    work.remove()
  }
  try {
    const layoutFile = join(dir, 'devnet.json')
    const port = await waitFor(
      'the devnet layout',
      async () =>
        existsSync(layoutFile)
          ? (JSON.parse(readFileSync(layoutFile, 'utf8')) as { nodes: { rpcPort: number }[] }).nodes[0]!.rpcPort
          : script === null
            ? Promise.reject(new Error(`the devnet exited:\n${output}`))
            : undefined,
      timeoutMs,
      200,
    )
    const url = `http://127.0.0.1:${port}/`
    client = new FedraClient({ url, timeoutMs: 20_000 })
    const c = client
    await waitFor(
      'validator0 to answer',
      () =>
        c.status().then(
          () => true,
          () => (script === null ? Promise.reject(new Error(`the devnet exited:\n${output}`)) : false),
        ),
      timeoutMs,
      200,
    )
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
    const b = browser
    const problems: string[] = []
    return {
      url,
      client: c,
      browser: b,
      dir,
      problems,
      async page() {
        const page = await b.newPage({ viewport: { width: 1280, height: 860 } })
        page.on('console', (m: ConsoleMessage) => {
          if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`)
        })
        page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`))
        return page
      },
      async open(page, route) {
        if (page.url().startsWith(url)) await page.evaluate((r) => (location.hash = r), route)
        else await page.goto(`${url}${route}`)
        await page.waitForFunction((r) => location.hash === r && document.getElementById('view')?.dataset.ready === 'true', route, {
          timeout: 30_000,
        })
      },
      async shot(page, name) {
        await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
      },
      output: () => output,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

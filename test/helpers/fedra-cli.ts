import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { DEVNET_PASSPHRASE } from '../../src/devnet/layout.js'

/**
 * The real `fedra` command (bin/fedra.js) against a devnet's home and node, run asynchronously (a
 * blocked event loop would leave the test's keep-alive sockets to go stale); asserts exit 0 and
 * returns its stdout.
 */
export async function fedraCli(args: string[], home: string, node: string, timeoutMs = 60_000): Promise<string> {
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(
      process.execPath,
      ['bin/fedra.js', ...args, '--home', home, '--node', node],
      { env: { ...process.env, FEDRA_PASSPHRASE: DEVNET_PASSPHRASE }, timeout: timeoutMs },
      (error, stdout, stderr) => done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    ),
  )
  assert.equal(run.code, 0, `fedra ${args.join(' ')}\n${run.stdout}\n${run.stderr}`)
  return run.stdout
}

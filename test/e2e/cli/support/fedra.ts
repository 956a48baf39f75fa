import { spawnSync } from 'node:child_process'

/**
 * Runs the real `fedra` command to completion. The caller's FEDRA_* variables are dropped so a
 * developer's own node or keyring never leaks into a test; `env` sets the ones a case needs.
 */
export function fedra(args: string[], env: Record<string, string> = {}, input?: string) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^FEDRA_(HOME|NODE|PASSPHRASE)$/.test(name)))
  const result = spawnSync(process.execPath, ['bin/fedra.js', ...args], {
    encoding: 'utf8',
    input,
    env: { ...base, ...env },
    timeout: 30_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

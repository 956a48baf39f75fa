#!/usr/bin/env node
// Runs mocha under tsx. With no arguments: every tier that belongs in `npm test`
// (unit, integration, simulation, e2e). Arguments are spec globs or folders, e.g.
// `npm test -- test/unit/codec`. Mocha's exit code is passed through.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

const tiers = ['test/unit', 'test/integration', 'test/simulation', 'test/e2e']
const args = process.argv.slice(2)
const specs = (args.length > 0 ? args : tiers).map((arg) =>
  existsSync(arg) && statSync(arg).isDirectory() ? `${arg.replace(/\/$/, '')}/**/*.test.ts` : arg,
)
const mocha = new URL('../node_modules/mocha/bin/mocha.js', import.meta.url).pathname
// Test files are ESM: without require(esm), mocha's first attempt (require) fails at once and it
// imports the file, instead of half-loading its graph as CommonJS and then reporting that
// attempt's error in place of the real one.
const result = spawnSync(process.execPath, ['--no-experimental-require-module', '--import', 'tsx', mocha, ...specs], {
  stdio: 'inherit',
  env: { ...process.env, FEDRA_TEST: '1' },
})
process.exit(result.status ?? 1)

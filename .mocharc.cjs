'use strict'
// Spec globs come from scripts/test.mjs so `npm test -- <glob>` narrows a run.
module.exports = {
  extension: ['ts'],
  reporter: './test/summary-reporter.cjs',
  timeout: 20000,
  exit: true,
}

/**
 * `npm run bench -- NAME [args]` runs bench/NAME.ts. Every benchmark measures a raw baseline in
 * the same run and prints its figures as ratios to it, so numbers compare across machines.
 */
import { readdirSync } from 'node:fs'

const [name, ...rest] = process.argv.slice(2)
const available = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('harness'))
  .map((file) => file.slice(0, -3))
  .sort()

if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [args]`)
  process.exit(name === undefined ? 0 : 2)
}
process.argv = [process.argv[0]!, process.argv[1]!, ...rest]
await import(`./${name}.ts`)

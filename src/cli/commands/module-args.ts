import { FedraClient } from '../../client/index.js'
import { decodeAddress } from '../../crypto/index.js'
import { CliError } from '../errors.js'
import { resolveNodeUrl } from '../node-url.js'
import type { NodeOptions } from './node-option.js'

/** Runs `run` with a client of the node the options name, closed afterwards. */
export async function withClient(options: NodeOptions, run: (client: FedraClient) => Promise<void>): Promise<void> {
  const client = new FedraClient({ url: resolveNodeUrl(options) })
  try {
    await run(client)
  } finally {
    client.close()
  }
}

function decodesAs(text: string, prefixes: string[]): boolean {
  return prefixes.some((prefix) => {
    try {
      decodeAddress(text, prefix)
      return true
    } catch {
      return false
    }
  })
}

/** A validator argument: fedravaloper1… or the operator's fedra1…, checked before any node is called. */
export function checkValidator(text: string, what = 'validator'): string {
  if (!decodesAs(text, ['fedravaloper', 'fedra']))
    throw new CliError('USAGE', `${what} "${text.slice(0, 100)}" is not a fedravaloper1… (or fedra1…) address`, {})
  return text
}

/** What slashing signing-info takes: fedravalcons1…, 40 hex digits, fedravaloper1… or fedra1…. */
export function checkConsensus(text: string): string {
  if (/^[0-9a-fA-F]{40}$/.test(text)) return text.toLowerCase()
  if (!decodesAs(text, ['fedravalcons', 'fedravaloper', 'fedra']))
    throw new CliError(
      'USAGE',
      `"${text.slice(0, 100)}" is neither a fedravalcons1… consensus address (or its 40 hex digits) nor a fedravaloper1…/fedra1… operator`,
      {},
    )
  return text
}

/** A DecCoins list as text: 12.5ufdr,3uabc, or 0 when empty. */
export const decCoinsText = (coins: { denom: string; amount: string }[]): string =>
  coins.length === 0 ? '0' : coins.map((c) => `${c.amount}${c.denom}`).join(',')

/** Unix ms as a decimal string → ISO time ('-' for 0). */
export const msText = (ms: string): string =>
  ms === '0' ? '-' : BigInt(ms) > 8_640_000_000_000_000n ? 'never' : new Date(Number(ms)).toISOString()

/** An account argument (delegator, withdraw address): the check `tx bank send` makes. */
export function checkAccount(text: string): string {
  try {
    decodeAddress(text)
    return text
  } catch (error) {
    throw new CliError(
      'USAGE',
      `"${text.slice(0, 100)}" is not a fedra1… address: ${(error as Error).message.replace(/^[A-Z_]+: /, '')}`,
      {},
    )
  }
}

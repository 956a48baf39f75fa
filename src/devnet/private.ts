import { join } from 'node:path'
import type { FedraClient } from '../client/index.js'
import { loadValidatorKey } from '../node/keys.js'
import { EnvelopeSecrets, nextEnvelopeKeys } from '../roles/envelope-admin.js'
import { type DevnetLayout, devnetOperator } from './layout.js'

/** Where a devnet keeps its subnet admin's epoch secrets (the admin's own file, mode 0600). */
export const devnetEnvelopeSecrets = (dir: string) => join(dir, 'envelope-secrets.json')

/**
 * `--private`: account0, subnet 0's admin, publishes epoch 0's envelope key set once the
 * aggregators have joined. The chain adds the bonded validators and the aggregators itself; the
 * readers listed are every full node's consensus key (a node that executes blocks must open the
 * updates) and, when validators score, their operator keys (the key `fedra scorer` holds).
 */
export async function publishDevnetKeySet(
  layout: DevnetLayout,
  client: FedraClient,
  options: { scoring: string; out: (text: string) => void },
  send: (msgs: Uint8Array[], what: string) => Promise<void>,
): Promise<void> {
  const fullNodes = layout.nodes.filter((n) => !n.validator).map((n) => loadValidatorKey(n.home)!.publicKey.bytes)
  const scorers = options.scoring === 'none' ? [] : layout.nodes.filter((n) => n.validator).map((_, i) => devnetOperator(i).publicKey.bytes)
  const secrets = new EnvelopeSecrets(devnetEnvelopeSecrets(layout.dir))
  const { keySet, message } = await nextEnvelopeKeys(client, 0n, secrets, [...fullNodes, ...scorers])
  await send([message], 'publish the envelope key set')
  options.out(
    `training: private subnet: key set of epoch ${keySet.epoch} published for ${keySet.wraps.length} recipients (${keySet.wraps.map((w) => w.id.split(':')[0]).join(', ')}); updates are sealed (fedra query envelope-keys 0)\n`,
  )
}

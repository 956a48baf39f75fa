import { ClientError, type FedraClient, type PrivateKey, buildTx } from '../client/index.js'

/** A transaction the chain refused: at admission (TX_REJECTED) or in its block (a non-zero result). */
export interface ChainRefusal {
  codespace: string
  code: number
  log: string
}

/**
 * Sends one transaction and waits for its block: null when it committed with code 0, the refusal
 * otherwise. Anything else (the node unreachable, a timeout) is thrown: the caller tries again on
 * the next block, as for any step.
 */
export async function sendTx(client: FedraClient, key: PrivateKey, msgs: Uint8Array[], gasLimit: bigint): Promise<ChainRefusal | null> {
  const tx = await buildTx(client, key, msgs, { fee: 200n, gasLimit })
  try {
    const answer = await client.broadcastTx(tx, 'commit', 30_000)
    if (answer.result === undefined) return { codespace: '', code: -1, log: 'not committed' }
    return answer.result.code === 0 ? null : { codespace: answer.result.codespace, code: answer.result.code, log: answer.result.log }
  } catch (error) {
    if (!(error instanceof ClientError && error.is('TX_REJECTED'))) throw error
    const data = error.context.data as { codespace?: string; code?: number; log?: string } | undefined
    return { codespace: data?.codespace ?? '', code: data?.code ?? -1, log: data?.log ?? error.message }
  }
}

import { fromHex, toHex } from '../../crypto/hash.js'
import type { TxSearchFilter } from '../../indexer/index.js'
import { txHash } from '../../state/tx.js'
import { FEDRA_API } from '../api/index.js'
import { RpcError } from '../errors.js'
import type { MethodTable } from '../method.js'
import { type HandlerDeps, notFound } from './deps.js'

export function registerTxMethods(table: MethodTable, { backend, hub, limits, log }: HandlerDeps): void {
  table.add(FEDRA_API.tx_broadcast, async ({ tx, mode = 'sync', timeoutMs }, ctx) => {
    const bytes = fromHex(tx)
    const hash = toHex(txHash(bytes))
    if (mode === 'async') {
      Promise.resolve()
        .then(() => backend.submitTx(bytes))
        .then(
          (admission) => {
            if (!admission.accepted) log.debug({ hash, code: admission.code, codespace: admission.codespace }, 'async broadcast refused')
          },
          (error: unknown) => log.error({ err: error, hash }, 'async broadcast failed'),
        )
      return { hash, mode }
    }
    const wait = Math.min(timeoutMs ?? limits.commitTimeoutMs, limits.maxCommitTimeoutMs)
    const waiter = mode === 'commit' ? hub.waitForTx(hash, wait, ctx.signal) : undefined
    let admission
    try {
      admission = await backend.submitTx(bytes)
    } catch (error) {
      waiter?.cancel()
      throw error
    }
    if (!admission.accepted) {
      waiter?.cancel()
      const { code, codespace, log: reason, full } = admission
      // Its own code: a client backs off and retries this one, where any other refusal is final.
      if (full !== undefined)
        throw new RpcError(
          'MEMPOOL_FULL',
          { hash, ...full },
          `${full.txs} of ${full.maxTxs} transactions, ${full.bytes} of ${full.maxBytes} bytes`,
        )
      throw new RpcError('TX_REJECTED', { hash, code, codespace, log: reason }, `${codespace}/${code}: ${reason}`)
    }
    if (waiter === undefined) return { hash, mode }
    const inclusion = await waiter.included
    return { hash, mode, height: inclusion.height, index: inclusion.index, result: inclusion.result }
  })

  table.add(FEDRA_API.tx_get, async ({ hash }) => {
    const record = await backend.txIndex.get(hash)
    if (record === null) throw notFound('transaction', { hash })
    return record
  })

  table.add(FEDRA_API.tx_search, async (params) => {
    const filter: TxSearchFilter = { ...params }
    return backend.txIndex.search(filter)
  })

  table.add(FEDRA_API.mempool_pending, async ({ limit = 100 }) => {
    const pending = await backend.pendingTxs(limit)
    return {
      total: pending.total,
      totalBytes: pending.totalBytes,
      txs: pending.txs.slice(0, limit).map((bytes) => ({ hash: toHex(txHash(bytes)), size: bytes.length, tx: toHex(bytes) })),
    }
  })
}

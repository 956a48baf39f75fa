import { toHex } from '../../crypto/hash.js'
import { FEDRA_API, stateKeyOf } from '../api/index.js'
import type { MethodTable } from '../method.js'
import { proofToJson } from '../shapes.js'
import { type HandlerDeps, servedHeight } from './deps.js'

interface AccountAnswer {
  nonce: string
  publicKey: string | null
}

export function registerStateMethods(table: MethodTable, { backend }: HandlerDeps): void {
  table.add(FEDRA_API.state_query, async ({ path, height, prove = false }) => {
    // The genesis state (height 0) has no header to prove against, but can still be read.
    const at = height === 0 ? 0 : await servedHeight(backend, height)
    const key = stateKeyOf(path)
    const answer = await backend.queryState(key, at, prove)
    return {
      height: answer.height,
      path,
      key: toHex(key),
      value: answer.value === undefined ? null : toHex(answer.value),
      ...(answer.proof === undefined ? {} : { proof: proofToJson(answer.proof) }),
    }
  })

  table.add(FEDRA_API.state_moduleQuery, async ({ module, query, params = {}, height, prove = false }) => {
    const at = height === 0 ? 0 : await servedHeight(backend, height)
    const answer = await backend.queryAppAt(module, query, params, at, prove)
    const reads = answer.reads?.map((read) => ({
      key: toHex(read.key),
      value: read.value === null ? null : toHex(read.value),
      proof: proofToJson(read.proof),
    }))
    return { height: answer.height, module, query, result: answer.result, ...(reads === undefined ? {} : { reads }) }
  })

  table.add(FEDRA_API.account_get, async ({ address }) => {
    const status = await backend.status()
    const account = (await backend.queryApp('auth', 'account', { address })) as AccountAnswer
    const { coins } = (await backend.queryApp('bank', 'balances', { address })) as { coins: { denom: string; amount: string }[] }
    return { address, height: status.latestHeight, nonce: account.nonce, publicKey: account.publicKey, balances: coins }
  })
}

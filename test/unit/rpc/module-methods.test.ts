import assert from 'node:assert/strict'
import type { RpcBackend } from '../../../src/rpc/backend.js'
import { resolveLimits } from '../../../src/rpc/limits.js'
import { coreMethodTable } from '../../../src/rpc/server.js'
import { SubscriptionHub } from '../../../src/rpc/subscriptions.js'
import { silentLog } from './support/wire.js'

const ctx = { transport: 'http' as const, session: null, signal: new AbortController().signal }

/** A backend whose chain commits a block whenever `commitDuring` says, between status and query. */
function table(commitsDuringQuery: number[]) {
  let height = 5
  let queries = 0
  const seen: { module: string; name: string; params: Record<string, unknown> }[] = []
  const backend = {
    status: () => ({ latestHeight: height }),
    queryApp: (module: string, name: string, params: Record<string, unknown>) => {
      seen.push({ module, name, params })
      const answer = { pool: [{ denom: 'ufdr', amount: `${height}.5` }] }
      if (commitsDuringQuery.includes(queries++)) height++
      return answer
    },
  } as unknown as RpcBackend
  const limits = resolveLimits()
  return {
    methods: coreMethodTable({
      backend,
      hub: new SubscriptionHub(backend, limits, silentLog),
      limits,
      now: Date.now,
      log: silentLog,
      info: { title: 't', version: '0' },
    }),
    seen,
  }
}

describe('module query methods: which module query answers, and the height beside it', () => {
  it('passes the validated params to the module query and adds the height', async () => {
    const { methods, seen } = table([])
    const entry = methods.get('distribution_communityPool')!
    assert.deepEqual(await entry.handler(entry.parseParams(undefined), ctx), { height: 5, pool: [{ denom: 'ufdr', amount: '5.5' }] })
    assert.deepEqual(seen, [{ module: 'distribution', name: 'communityPool', params: {} }])
  })

  it('reads again when a block commits during the query, so the height is the state it read', async () => {
    const { methods, seen } = table([0])
    const entry = methods.get('distribution_communityPool')!
    assert.deepEqual(await entry.handler({}, ctx), { height: 6, pool: [{ denom: 'ufdr', amount: '6.5' }] })
    assert.equal(seen.length, 2)
  })
})

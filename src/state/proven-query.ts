import { toHex } from '../crypto/hash.js'
import { Context, outsideBlock } from './context.js'
import { StateError } from './errors.js'
import { GasMeter } from './gas.js'
import { CacheStore, type KVReader } from './kv.js'
import type { ModuleRegistry } from './module.js'

const UNLIMITED = 2n ** 64n

/** One state key a query read, with what it held (null: absent). */
export interface QueryRead {
  key: Uint8Array
  value: Uint8Array | null
}

/**
 * Runs module query `name` over exactly `reads` (the keys a node said the query read at
 * `height`, each already checked against that height's state root): the result it computes is
 * the query's answer at that height, whatever the node claimed. A read outside `reads`, or an
 * iteration, is NOT_PROVABLE: the node left out a key the query needs.
 */
export function replayQuery(
  registry: ModuleRegistry,
  chainId: string,
  module: string,
  name: string,
  params: Record<string, unknown>,
  height: number,
  reads: readonly QueryRead[],
): unknown {
  const handler = registry.get(module).queries[name]
  if (handler === undefined) throw new StateError('UNKNOWN_MODULE', `module ${module} has no query ${name}`, { module })
  const known = new Map(reads.map((read) => [toHex(read.key), read.value]))
  const reader: KVReader = {
    get(key) {
      const value = known.get(toHex(key))
      if (value === undefined)
        throw new StateError('NOT_PROVABLE', `the query read key ${toHex(key).slice(0, 80)}, which the answer does not prove`, { module })
      return value ?? undefined
    },
    iterate() {
      throw new StateError('NOT_PROVABLE', `query ${module}/${name} iterates a range, which no answer can prove complete`, { module })
    },
  }
  const ctx = new Context(outsideBlock(chainId, height), new CacheStore(reader), new GasMeter(UNLIMITED), registry)
  return handler(ctx.forModule(module), params)
}

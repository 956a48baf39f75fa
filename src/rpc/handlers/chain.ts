import { blockId } from '../../consensus/block.js'
import { toHex } from '../../crypto/hash.js'
import { FEDRA_API } from '../api/index.js'
import { RpcError } from '../errors.js'
import type { MethodTable } from '../method.js'
import { blockResultsToJson, blockToJson, commitToJson, headerToJson, validatorSetToJson } from '../shapes.js'
import { type HandlerDeps, notFound, servedHeight } from './deps.js'

export function registerChainMethods(table: MethodTable, { backend, limits, now }: HandlerDeps): void {
  table.add(FEDRA_API.chain_status, async () => {
    const st = await backend.status()
    return {
      nodeInfo: { moniker: st.moniker, network: backend.chainId, version: st.version, nodeId: st.nodeId },
      syncInfo: {
        latestHeight: st.latestHeight,
        latestBlockId: st.latestBlockId,
        latestStateRoot: toHex(st.latestStateRoot),
        latestBlockTime: st.latestBlockTime,
        earliestHeight: st.earliestHeight,
        catchingUp: st.catchingUp,
      },
      validatorInfo: st.validator === null ? null : { address: st.validator.address, votingPower: String(st.validator.votingPower) },
    }
  })

  table.add(FEDRA_API.chain_health, async () => {
    const [st, net] = await Promise.all([backend.status(), backend.netInfo()])
    const age = st.latestBlockTime === null ? null : Math.max(0, now() - st.latestBlockTime)
    return {
      healthy: !st.catchingUp && age !== null && age <= limits.staleAfterMs,
      latestHeight: st.latestHeight,
      latestBlockAgeMs: age,
      catchingUp: st.catchingUp,
      peers: net.peers.length,
    }
  })

  table.add(FEDRA_API.chain_getBlock, async ({ height, hash }) => {
    if (height !== undefined && hash !== undefined) {
      throw new RpcError(
        'INVALID_PARAMS',
        { field: 'params.hash', reason: 'give height or hash, not both' },
        'params.hash: give height or hash, not both',
      )
    }
    if (hash !== undefined) {
      const block = await backend.blockByHash(hash)
      if (block === null) throw notFound('block', { hash })
      return blockToJson(block, hash)
    }
    const at = await servedHeight(backend, height)
    const block = await backend.blockByHeight(at)
    if (block === null) throw notFound('block', { height: at })
    return blockToJson(block, blockId(block.header))
  })

  table.add(FEDRA_API.chain_getBlockResults, async ({ height }) => {
    const at = await servedHeight(backend, height)
    const results = await backend.blockResults(at)
    if (results === null) throw notFound('block results', { height: at })
    return blockResultsToJson(results)
  })

  table.add(FEDRA_API.chain_getCommit, async ({ height }) => {
    const at = await servedHeight(backend, height)
    const [block, commit] = await Promise.all([backend.blockByHeight(at), backend.commit(at)])
    if (block === null) throw notFound('block', { height: at })
    if (commit === null) throw notFound('commit', { height: at })
    return { blockId: blockId(block.header), header: headerToJson(block.header), commit: commitToJson(commit) }
  })

  table.add(FEDRA_API.chain_getValidators, async ({ height }) => {
    const at = await servedHeight(backend, height)
    const set = await backend.validators(at)
    if (set === null) throw notFound('validator set', { height: at })
    return validatorSetToJson(set, at)
  })

  table.add(FEDRA_API.chain_genesis, () => backend.genesis())

  table.add(FEDRA_API.net_info, async () => {
    const net = await backend.netInfo()
    return {
      listening: net.listening,
      listenAddrs: net.listenAddrs,
      peerCount: net.peers.length,
      peers: net.peers.map((p) => ({ id: p.id, addrs: p.addrs, direction: p.direction })),
    }
  })
}

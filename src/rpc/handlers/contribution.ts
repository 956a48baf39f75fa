import { decodeAddress } from '../../crypto/address.js'
import { toHex } from '../../crypto/hash.js'
import { decode } from '../../codec/index.js'
import { Receipt } from '../../modules/reputation/index.js'
import { receiptJson } from '../../modules/reputation/queries.js'
import { FEDRA_API, stateKeyOf } from '../api/index.js'
import { receiptPath } from '../api/reputation.js'
import type { MethodTable } from '../method.js'
import { proofToJson } from '../shapes.js'
import { type HandlerDeps, servedHeight } from './deps.js'

/**
 * contribution_getProof: the receipt key read with its proof at a served height (state_query's
 * path), and the receipt decoded from the proven bytes so a client sees what it checks.
 */
export function registerContributionMethods(table: MethodTable, { backend }: HandlerDeps): void {
  table.add(FEDRA_API.contribution_getProof, async ({ subnet, round, trainer, height }) => {
    const at = await servedHeight(backend, height)
    const path = receiptPath(BigInt(subnet), BigInt(round), decodeAddress(trainer))
    const key = stateKeyOf(path)
    const answer = await backend.queryState(key, at, true)
    const value = answer.value === undefined ? null : answer.value
    return {
      height: answer.height,
      path,
      key: toHex(key),
      value: value === null ? null : toHex(value),
      proof: proofToJson(answer.proof!),
      receipt: value === null ? null : receiptJson(decode(Receipt, value)),
    }
  })
}

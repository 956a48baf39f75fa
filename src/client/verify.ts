import { blockId as blockIdOf, validatorSetHash } from '../consensus/block.js'
import { checkCommit } from '../consensus/block-validation.js'
import type { Header } from '../consensus/block.js'
import { ed25519Verifier } from '../consensus/signer.js'
import { fromHex, toHex } from '../crypto/hash.js'
import type { FedraApi } from '../rpc/api/index.js'
import { stateKeyOf } from '../rpc/api/index.js'
import type { ResultOf } from '../rpc/method.js'
import { commitFromJson, headerFromJson, proofFromJson, validatorSetFromJson } from '../rpc/shapes.js'
import type { ModuleRegistry } from '../state/module.js'
import { verifyStateProof } from '../state/proof.js'
import { type QueryRead, replayQuery } from '../state/proven-query.js'
import { StateError } from '../state/errors.js'
import { ClientError } from './errors.js'

/** A state value checked against a header whose commit was checked against its validator set. */
export interface VerifiedValue {
  height: number
  key: Uint8Array
  value: Uint8Array | null
  header: Header
}

/**
 * Checks that `signed` (a `chain_commit` answer) carries the header of `height` that +2/3 of
 * `validators` (a `chain_validators` answer) signed: the header hashes to the committed block id,
 * the commit's signatures verify and carry +2/3 of the power, and the set hashes to the header's
 * validatorsHash. No I/O: the answers may come from any node, or be carried by a light client.
 * @throws ClientError VERIFICATION_FAILED naming what did not check out.
 */
export function checkSignedHeader(
  height: number,
  signed: ResultOf<FedraApi['chain_getCommit']>,
  validators: ResultOf<FedraApi['chain_getValidators']>,
): Header {
  const header = headerFromJson(signed.header)
  const id = blockIdOf(header)
  const fail = (reason: string) => new ClientError('VERIFICATION_FAILED', `header ${height}: ${reason}`, { height, reason })
  if (header.height !== height) throw fail('the node sent another height')
  if (id !== signed.blockId || id !== signed.commit.blockId) throw fail('the header does not hash to the committed block id')
  const set = validatorSetFromJson(validators)
  if (toHex(validatorSetHash(set)) !== toHex(header.validatorsHash)) throw fail('the validator set does not match the header')
  const problem = checkCommit(commitFromJson(signed.commit), height, id, set, ed25519Verifier(header.chainId))
  if (problem !== null) throw fail(problem)
  return header
}

/**
 * Checks a `state_query` answer (with proof) for `path` against a verified header of its height.
 * @throws ClientError VERIFICATION_FAILED for a missing proof, another key, or a proof that does
 * not hash to the header's state root.
 */
export function checkStateAnswer(path: string, answer: ResultOf<FedraApi['state_query']>, header: Header | null): VerifiedValue {
  const key = stateKeyOf(path)
  const fail = (reason: string) =>
    new ClientError('VERIFICATION_FAILED', `${path} at ${answer.height}: ${reason}`, { height: answer.height, reason })
  if (answer.proof === undefined) throw fail('the node sent no proof')
  if (answer.key !== toHex(key)) throw fail('the node answered for another key')
  if (header === null || header.height !== answer.height) throw fail('no verified header of that height')
  const value = answer.value === null ? null : fromHex(answer.value)
  if (!verifyStateProof(header.stateRoot, key, value, proofFromJson(answer.proof)))
    throw fail("the proof does not match the header's state root")
  return { height: answer.height, key, value, header }
}

/**
 * Checks a `state_moduleQuery` answer asked with prove: every read's proof against the state
 * root of a verified header of its height, then the module's own query run over exactly those
 * reads (replayQuery) must give the answer's result. Returns that result: it depends on the
 * header's signers and the module code alone, not on the node.
 * @throws ClientError VERIFICATION_FAILED naming what did not check out.
 */
export function checkModuleQueryAnswer(
  answer: ResultOf<FedraApi['state_moduleQuery']>,
  header: Header | null,
  registry: ModuleRegistry,
  params: Record<string, unknown> = {},
): unknown {
  const where = `${answer.module}/${answer.query} at ${answer.height}`
  const fail = (reason: string) => new ClientError('VERIFICATION_FAILED', `${where}: ${reason}`, { height: answer.height, reason })
  if (answer.reads === undefined) throw fail('the node sent no proofs')
  if (header === null || header.height !== answer.height) throw fail('no verified header of that height')
  const reads: QueryRead[] = answer.reads.map((read, i) => {
    const key = fromHex(read.key)
    const value = read.value === null ? null : fromHex(read.value)
    if (!verifyStateProof(header.stateRoot, key, value, proofFromJson(read.proof)))
      throw fail(`read ${i}: the proof does not match the header's state root`)
    return { key, value }
  })
  let result: unknown
  try {
    result = replayQuery(registry, header.chainId, answer.module, answer.query, params, answer.height, reads)
  } catch (error) {
    if (error instanceof StateError) throw fail(error.plainMessage)
    throw error
  }
  if (canonical(result) !== canonical(answer.result)) throw fail('the proven reads give another result than the node sent')
  return result
}

/** JSON text with object keys sorted, for comparing two results. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

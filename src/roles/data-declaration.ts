import { type FedraClient, type Result, messages } from '../client/index.js'
import { encode } from '../codec/index.js'
import { fromHex, merkleLeafHash, merkleRoot } from '../crypto/index.js'
import type { Dataset } from '../fl/data/dataset.js'
import { datasetDigest } from '../fl/data/digest.js'
import { DeclaredLeaf } from '../modules/datanets/messages.js'
import { RoleError } from './errors.js'

/** `--declare DATANET@VERSION`: the Datanet version whose accepted records a trainer's data is. */
export interface DeclareSpec {
  datanet: bigint
  version: bigint
}

const SPEC = /^(0|[1-9][0-9]{0,18})@([1-9][0-9]{0,18})$/

export function parseDeclareSpec(text: string): DeclareSpec {
  const match = SPEC.exec(text)
  if (match === null)
    throw new RoleError('BAD_OPTION', `--declare "${text.slice(0, 40)}": expected DATANET@VERSION, e.g. 0@1`, {
      option: 'declare',
      value: text.slice(0, 40),
    })
  return { datanet: BigInt(match[1]!), version: BigInt(match[2]!) }
}

/** What a trainer declares every round: its record, its sample count and the root the chain checks. */
export interface ResolvedDeclaration {
  datanet: bigint
  version: bigint
  record: bigint
  count: number
  root: Uint8Array
}

/**
 * Finds the record of a private Datanet whose content is this trainer's data (the SHA-256 of its
 * canonical bytes, src/fl/data/digest.ts — the data itself is never sent), checks it is accepted
 * in that version (the chain's record proof), and builds the declaration the trainer sends with
 * each update: one record, drawn `data.count` times, and the RFC 6962 root over its DeclaredLeaf
 * (the record's leaf hash and the count), as the datanets module recomputes it.
 * @throws RoleError BAD_OPTION when no accepted record holds this data or the version lacks it.
 */
export async function resolveDeclaration(client: FedraClient, spec: DeclareSpec, data: Dataset): Promise<ResolvedDeclaration> {
  const digest = datasetDigest(data)
  const datanet = String(spec.datanet)
  let after: string | undefined
  let found: Result<'datanet_records'>['records'][number] | undefined
  for (;;) {
    const { records } = await client.call('datanet_records', {
      datanet,
      status: 'accepted',
      limit: '1000',
      ...(after === undefined ? {} : { after }),
    })
    found = records.find((r) => r.content_id === digest)
    if (found !== undefined || records.length < 1000) break
    after = records[records.length - 1]!.record
  }
  if (found === undefined) {
    throw new RoleError(
      'BAD_OPTION',
      `--declare ${spec.datanet}@${spec.version}: no accepted record of datanet ${spec.datanet} holds this trainer's data (SHA-256 ${digest.slice(0, 16)}…)`,
      { option: 'declare', value: `${spec.datanet}@${spec.version}` },
    )
  }
  let proof: Result<'datanet_getRecordProof'>
  try {
    proof = await client.call('datanet_getRecordProof', { datanet, version: String(spec.version), record: found.record })
  } catch (error) {
    throw new RoleError(
      'BAD_OPTION',
      `--declare ${spec.datanet}@${spec.version}: record ${found.record} is not in that version (${(error as Error).message})`,
      { option: 'declare', value: `${spec.datanet}@${spec.version}` },
    )
  }
  const count = data.count
  const leaf = encode(DeclaredLeaf, { recordLeafHash: merkleLeafHash(fromHex(proof.leaf)), count })
  return { datanet: spec.datanet, version: spec.version, record: BigInt(found.record), count, root: merkleRoot([leaf]) }
}

/** The MsgDeclareData of `declaration` for one round. */
export function declarationMessage(declaration: ResolvedDeclaration, subnet: bigint, round: bigint): Uint8Array {
  return messages.datanetsDeclare({
    subnet,
    round,
    datanet: declaration.datanet,
    version: declaration.version,
    records: [{ record: declaration.record, count: declaration.count }],
    root: declaration.root,
  })
}

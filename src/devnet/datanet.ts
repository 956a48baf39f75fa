import { type FedraClient, buildTx, messages } from '../client/index.js'
import { sha256 } from '../crypto/hash.js'
import { toHex } from '../crypto/index.js'
import { datasetDigest } from '../fl/data/digest.js'
import { loadTrainerData, parseDataSpec } from '../roles/data-spec.js'
import { loadValidationSet, parseValidationSpec } from '../roles/validation-set.js'
import { devnetAccount, devnetOperator } from './layout.js'
import { SCORER_VALIDATION } from './training.js'

/**
 * `npm run devnet -- --datanet` (issue 22): before any trainer starts, account0 creates a private
 * Datanet of the trainers' MNIST parts, curated by account0 and validator0's operator (both must
 * approve); one data contributor per trainer contributes its part as a record — the SHA-256 of
 * the part's canonical bytes (src/fl/data/digest.ts), never the digits — and one more contributes
 * a record that is no part of the data, which the operator rejects (half its bond stays in the
 * Datanet's treasury), and another the held-out digits the scorers validate on (the subnet names
 * `datanet:0@1` as its validation set). account0 publishes version 1; each trainer then
 * declares, with every update, the record that holds its data (`fedra trainer --declare 0@1`),
 * so the lineage module credits the data contributors of every version.
 */
export interface DevnetDatanetOptions {
  trainers: number
  aggregators: number
  partition: string
  rows?: number
  seed: number
  out: (text: string) => void
}

export const DATANET = 0n
export const DATANET_VERSION = 1n
const CONTRIBUTION_BOND = 1_000_000n

/** Data contributor i (one per trainer part; i = trainers is the one whose record is rejected, i = trainers + 1 the validation digits'): the accounts after the aggregators. */
export const contributorAccount = (options: Pick<DevnetDatanetOptions, 'trainers' | 'aggregators'>, i: number) =>
  1 + options.trainers + options.aggregators + i

/** Accounts a --datanet devnet uses: account0, the trainers, the aggregators, and trainers + 2 contributors. */
export const datanetAccountsNeeded = (options: Pick<DevnetDatanetOptions, 'trainers' | 'aggregators'>) =>
  1 + options.trainers + options.aggregators + options.trainers + 2

/** The subnet's validation set when the devnet has a Datanet: its first version, which holds the scorers' held-out digits. */
export const DATANET_VALIDATION_SET = `datanet:${DATANET}@${DATANET_VERSION}`

/** The record each trainer's data is, as the trainer computes it: part i of the seeded partition of the first `rows` digits. */
export function trainerPartDigests(
  options: Pick<DevnetDatanetOptions, 'trainers' | 'partition' | 'rows' | 'seed'>,
): { digest: string; count: number; bytes: number }[] {
  return Array.from({ length: options.trainers }, (_, i) => {
    const data = loadTrainerData(parseDataSpec(`mnist:${options.partition}:${i}/${options.trainers}`), {
      seed: options.seed,
      ...(options.rows === undefined ? {} : { rows: options.rows }),
    })
    return { digest: datasetDigest(data), count: data.count, bytes: 16 + data.features.byteLength + data.labels.byteLength }
  })
}

export async function setupDevnetDatanet(client: FedraClient, options: DevnetDatanetOptions): Promise<void> {
  const { datanets } = await client.call('datanet_list', {})
  if (datanets.length > 0) {
    options.out(`datanet: ${datanets[0]!.id} "${datanets[0]!.name}" exists (resumed)\n`)
    return
  }
  const send = async (key: ReturnType<typeof devnetAccount>, msgs: Uint8Array[], what: string) => {
    const tx = await buildTx(client, key, msgs, { fee: 200n, gasLimit: 400_000n + 100_000n * BigInt(msgs.length) })
    const answer = await client.broadcastTx(tx, 'commit', 30_000)
    if (answer.result === undefined || answer.result.code !== 0)
      throw new Error(
        `devnet could not ${what}: ${answer.result?.codespace}/${answer.result?.code} ${answer.result?.log ?? 'not committed'}`,
      )
  }
  const owner = devnetAccount(0)
  const curator = devnetOperator(0)
  await send(
    owner,
    [
      messages.datanetsCreate({
        name: 'mnist-digits-parts',
        domain: 'vision/digits',
        description:
          "MNIST training digits, one record per contributor's part; private: each record is the SHA-256 of its part, the digits stay with the trainer that holds them",
        recordSchema: 'FLDS v1: count, feature size 784, classes 10, float32 pixels in [0,1], uint8 labels (src/fl/data/digest.ts)',
        licence: 'CC-BY-SA-3.0',
        curators: [owner.publicKey.address, curator.publicKey.address],
        approvals: 2,
        contributionBond: CONTRIBUTION_BOND,
        rejectSlashFraction: '0.5',
        privacy: 'private',
      }),
    ],
    'create the datanet',
  )
  const parts = trainerPartDigests(options)
  const junk = toHex(sha256(new TextEncoder().encode('not a part of the digits')))
  const held = loadValidationSet(parseValidationSpec(SCORER_VALIDATION))
  const validation = {
    digest: datasetDigest(held),
    bytes: 16 + held.features.byteLength + held.labels.byteLength,
    metadata: `{"validation":"${SCORER_VALIDATION}","rows":${held.count}}`,
  }
  const records = [
    ...parts.map((p, i) => ({ digest: p.digest, bytes: p.bytes, metadata: `{"part":"${i}/${options.trainers}","rows":${p.count}}` })),
    { digest: junk, bytes: 1000, metadata: '{"part":"none"}' },
    validation,
  ]
  await Promise.all(
    records.map((r, i) =>
      send(
        devnetAccount(contributorAccount(options, i)),
        [
          messages.datanetsContribute({
            datanet: DATANET,
            contentKind: 'hash',
            contentId: r.digest,
            size: r.bytes,
            metadata: r.metadata,
            bond: `${CONTRIBUTION_BOND}ufdr`,
          }),
        ],
        `contribute record ${i}`,
      ),
    ),
  )
  // Records get ids in the order their transactions landed: look each up by its content.
  const { records: stored } = await client.call('datanet_records', { datanet: String(DATANET) })
  const idOf = (digest: string) => stored.find((r) => r.content_id === digest)!.record
  const good = [...parts.map((p) => idOf(p.digest)), idOf(validation.digest)]
  await send(
    owner,
    good.map((record) => messages.datanetsCurate({ datanet: DATANET, record, approve: true })),
    'approve the parts (account0)',
  )
  await send(
    curator,
    [
      ...good.map((record) => messages.datanetsCurate({ datanet: DATANET, record, approve: true })),
      messages.datanetsCurate({ datanet: DATANET, record: idOf(junk), approve: false, reason: 1 }),
    ],
    'curate (operator0)',
  )
  await send(owner, [messages.datanetsPublish(DATANET)], 'publish version 1')
  const version = await client.call('datanet_version', { datanet: String(DATANET), version: String(DATANET_VERSION) })
  options.out(
    `datanet: ${DATANET} "mnist-digits-parts" (private, 2 of 2 curators): ${parts.length} parts and the validation digits accepted, 1 record rejected (half its bond to the treasury); version ${DATANET_VERSION} holds ${version.record_count} records, root ${version.root.slice(0, 16)}…\n`,
  )
}

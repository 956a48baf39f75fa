import { defineMethod } from '../method.js'
import { s } from '../schema.js'
import { BlockJson, BlockResultsJson, CommitJson, HeaderJson, ValidatorSetJson, address, hash32, height } from '../shapes.js'

const optionalHeight = s.optional(s.describe(height, 'default: the latest height'))

export const StatusJson = s.named(
  'Status',
  s.object({
    nodeInfo: s.object({ moniker: s.string(), network: s.describe(s.string(), 'the chain id'), version: s.string(), nodeId: s.string() }),
    syncInfo: s.object({
      latestHeight: height,
      latestBlockId: s.nullable(hash32),
      latestStateRoot: hash32,
      latestBlockTime: s.nullable(s.integer({ min: 0, description: 'unix milliseconds' })),
      earliestHeight: height,
      catchingUp: s.boolean(),
    }),
    validatorInfo: s.nullable(s.object({ address, votingPower: s.decimal() })),
  }),
)

export const chainStatus = defineMethod({
  name: 'chain_status',
  summary: 'Node identity, latest block and sync state.',
  params: {},
  result: StatusJson,
})

export const chainHealth = defineMethod({
  name: 'chain_health',
  summary: 'Whether the node is synced and producing or following blocks.',
  description: "healthy is false while catching up or when the latest block is older than the server's staleAfterMs.",
  params: {},
  result: s.object({
    healthy: s.boolean(),
    latestHeight: height,
    latestBlockAgeMs: s.nullable(s.integer({ min: 0 })),
    catchingUp: s.boolean(),
    peers: s.integer({ min: 0 }),
  }),
})

export const chainGetBlock = defineMethod({
  name: 'chain_getBlock',
  summary: 'A block by height or by id (hash); the latest with neither.',
  params: { height: optionalHeight, hash: s.optional(s.describe(hash32, 'block id')) },
  result: BlockJson,
  errors: ['NOT_FOUND', 'HEIGHT_UNAVAILABLE'],
})

export const chainGetBlockResults = defineMethod({
  name: 'chain_getBlockResults',
  summary: 'What executing a block produced: per-transaction codes, logs, gas and events, and block events.',
  params: { height: optionalHeight },
  result: BlockResultsJson,
  errors: ['NOT_FOUND', 'HEIGHT_UNAVAILABLE'],
})

export const chainGetCommit = defineMethod({
  name: 'chain_getCommit',
  summary: 'The signed header of a height: the header and the +2/3 precommits that decided it.',
  params: { height: optionalHeight },
  result: s.object({ blockId: hash32, header: HeaderJson, commit: CommitJson }),
  errors: ['NOT_FOUND', 'HEIGHT_UNAVAILABLE'],
})

export const chainGetValidators = defineMethod({
  name: 'chain_getValidators',
  summary: 'The validator set that signs a height, with voting powers and proposer priorities.',
  params: { height: optionalHeight },
  result: ValidatorSetJson,
  errors: ['NOT_FOUND', 'HEIGHT_UNAVAILABLE'],
})

export const chainGenesis = defineMethod({
  name: 'chain_genesis',
  summary: 'The genesis document.',
  params: {},
  result: s.unknown('the genesis file as JSON'),
})

export const netInfo = defineMethod({
  name: 'net_info',
  summary: 'Listen addresses and connected peers.',
  params: {},
  result: s.object({
    listening: s.boolean(),
    listenAddrs: s.array(s.string()),
    peerCount: s.integer({ min: 0 }),
    peers: s.array(s.object({ id: s.string(), addrs: s.array(s.string()), direction: s.enum(['inbound', 'outbound']) })),
  }),
})

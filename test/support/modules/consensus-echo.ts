import { encodeAddress } from '../../../src/crypto/index.js'
import type { BlockInfo, Module } from '../../../src/state/index.js'
import { utf8 } from '../../../src/state/index.js'

/** What begin-block saw of consensus, as one line: the state root depends on it. */
export function describeConsensus(block: BlockInfo): string {
  const commit =
    block.lastCommit === null
      ? 'none'
      : `${block.lastCommit.round}:${block.lastCommit.votes.map((v) => `${encodeAddress(v.validator)}=${v.power}${v.signed ? '+' : '-'}`).join(',')}`
  const evidence = block.evidence.map((e) => `${e.kind}:${encodeAddress(e.validator)}@${e.height}=${e.power}/${e.totalPower}`).join(',')
  return `commit ${commit} evidence ${evidence}`
}

/** Test-only module standing in for slashing and distribution: records what begin-block sees. */
export const consensusEchoModule: Module<null> = {
  name: 'consensus-echo',
  messages: [],
  keeper: () => null,
  queries: {
    seen: (ctx) => {
      const raw = ctx.moduleStore('consensus-echo').get(utf8('seen'))
      return raw === undefined ? null : Buffer.from(raw).toString('utf8')
    },
  },
  genesis: { validate: () => ({}), init: () => {}, export: () => ({}) },
  beginBlock(ctx) {
    const line = describeConsensus(ctx.block)
    ctx.moduleStore('consensus-echo').set(utf8('seen'), utf8(line))
    ctx.emit('consensus_seen', { line })
  },
  invariants: {},
}

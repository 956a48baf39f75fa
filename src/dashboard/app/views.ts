import type { View } from './context.js'
import { account, block, blocks, overview, tx } from './views/chain.js'
import { datanet, datanets, gov } from './views/community.js'
import { lineage, round, subnet, subnets, version } from './views/training.js'

export type { View } from './context.js'

export const ROUTES: Record<string, View> = {
  '': overview,
  blocks,
  block,
  tx,
  account,
  subnets,
  subnet,
  round,
  version,
  lineage,
  datanets,
  datanet,
  gov,
}

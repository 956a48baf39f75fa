import { decodeAddress } from '../../crypto/index.js'
import { type ModuleGenesis, arrayAt, bigintAt, genesisError, objectAt, stringAt } from '../../state/index.js'
import { CONSENSUS_PREFIX, consensusAddressText } from './events.js'
import type { ValidatorSigningInfoValue } from './messages.js'
import { SlashingKeeper } from './keeper.js'
import { MAX_SIGNED_BLOCKS_WINDOW } from './params.js'
import { SigningInfos } from './signing-infos.js'

/**
 * `app_state.slashing` (params apart): signing infos carried over from an export, each with
 * the window indexes it missed (x/slashing's signing_infos and missed_blocks, merged). Empty
 * for a new chain: staking's genesis bonds the validators, whose hook creates their infos.
 */
export interface SlashingGenesis {
  signingInfos: { consensusAddress: Uint8Array; info: ValidatorSigningInfoValue; missed: bigint[] }[]
}

const U64 = { max: 2n ** 64n - 1n }

export const slashingGenesis: ModuleGenesis<SlashingGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (key !== 'signing_infos') throw genesisError(`${path}.${key}`, 'no such slashing genesis field')
    const seen = new Set<string>()
    const signingInfos = arrayAt(body.signing_infos ?? [], `${path}.signing_infos`).map((entry, i) => {
      const at = `${path}.signing_infos[${i}]`
      const e = objectAt(entry, at)
      const text = stringAt(e.address, `${at}.address`)
      let consensusAddress: Uint8Array
      try {
        consensusAddress = decodeAddress(text, CONSENSUS_PREFIX)
      } catch {
        throw genesisError(`${at}.address`, `"${text}" is not a fedravalcons1… address`)
      }
      if (seen.has(text)) throw genesisError(`${at}.address`, `${text} listed twice`)
      seen.add(text)
      if (typeof e.tombstoned !== 'boolean' && e.tombstoned !== undefined) throw genesisError(`${at}.tombstoned`, 'expected a boolean')
      const missed = arrayAt(e.missed ?? [], `${at}.missed`).map((index, j) =>
        bigintAt(index, `${at}.missed[${j}]`, { max: MAX_SIGNED_BLOCKS_WINDOW - 1n }),
      )
      const info: ValidatorSigningInfoValue = {
        startHeight: bigintAt(e.start_height ?? '0', `${at}.start_height`, U64),
        indexOffset: bigintAt(e.index_offset ?? '0', `${at}.index_offset`, U64),
        missedBlocksCounter: BigInt(new Set(missed).size),
        jailedUntil: bigintAt(e.jailed_until ?? '0', `${at}.jailed_until`, U64),
        tombstoned: e.tombstoned === true,
      }
      if (missed.length !== Number(info.missedBlocksCounter)) throw genesisError(`${at}.missed`, 'an index is listed twice')
      return { consensusAddress, info, missed }
    })
    return { signingInfos }
  },
  init(ctx, genesis) {
    const books = new SigningInfos(ctx.moduleStore())
    const window = new SlashingKeeper(ctx).params().signedBlocksWindow
    books.setWindow(window)
    for (const [i, { consensusAddress, info, missed }] of genesis.signingInfos.entries()) {
      const outside = missed.find((index) => index >= window)
      if (outside !== undefined)
        throw genesisError(`app_state.slashing.signing_infos[${i}].missed`, `index ${outside} lies outside signed_blocks_window ${window}`)
      books.set(consensusAddress, info)
      for (const index of missed) books.setMissed(consensusAddress, index, true)
    }
  },
  export(ctx) {
    const books = new SigningInfos(ctx.moduleStore())
    return {
      signing_infos: [...books.all()].map(({ consensusAddress, info }) => ({
        address: consensusAddressText(consensusAddress),
        start_height: String(info.startHeight),
        index_offset: String(info.indexOffset),
        jailed_until: String(info.jailedUntil),
        tombstoned: info.tombstoned,
        missed: books.missedIndexes(consensusAddress).map(String),
      })),
    }
  },
}

import { type ModuleGenesis, genesisError, objectAt } from '../../state/index.js'

/**
 * `app_state.distribution` (params apart) is empty: the F1 records of each validator and
 * delegation are created by staking's hooks as staking's own genesis creates them, and the
 * community pool starts empty (its coins would have to exist in the module account).
 */
export const distributionGenesis: ModuleGenesis<Record<string, never>> = {
  validate(section, path) {
    const body = objectAt(section, path)
    for (const key of Object.keys(body)) throw genesisError(`${path}.${key}`, 'no such distribution genesis field')
    return {}
  },
  init() {},
  export: () => ({}),
}

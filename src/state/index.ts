export { StateDB, type PreparedState, type StateDBOptions } from './state-db.js'
export { Application, type BlockInput, type ExecutedBlock, type ModuleQueryAnswer, heightKey } from './application.js'
export { Context, FRAMEWORK, outsideBlock, NO_BLOBS, blobReader, type BlockInfo, type BlobReader } from './context.js'
export { type EnvelopeKeySet, type EnvelopeOpener, NO_ENVELOPES } from './envelopes.js'
export type { CommitInfo, CommitVote, Misbehaviour } from './consensus-info.js'
export { CacheStore, PrefixStore, type KVReader, type KVStore, type WriteSet } from './kv.js'
export { ModuleRegistry, type Composition, type Module, type MessageHandler, type ModuleGenesis, type QueryHandler } from './module.js'
export { expectKeeper, type KeeperRef } from './keepers.js'
export { hookPoint, implementHooks, type HookPoint, type HookImplementation, type HookSubscription } from './hooks.js'
export { ParamsKeeper, PARAMS_KEY, PARAMS_ERRORS, readParams, type ModuleParams } from './params.js'
export { MODULE_PERMISSIONS, moduleAddress, type ModuleAccount, type ModulePermission } from './module-accounts.js'
export { verifyStateProof, type StateProof } from './proof.js'
export {
  Tx,
  TxBody,
  decodeTx,
  signTx,
  txHash,
  MAX_TX_BYTES,
  type TxBodyValue,
  type TxValue,
  type DecodedTx,
  type VerifiedTxs,
} from './tx.js'
export { TxError, ModuleError, TX_CODES, type TxErrorCode } from './tx-errors.js'
export { checkTxStateless, deliverTx, type CheckedTxs, type TxResult } from './deliver-tx.js'
export { CheckState, createCheckState, type CheckTxResult, type CheckedTx, type StagedCheck, type WrittenKeys } from './check-state.js'
export { BlockResults, type BlockResultsValue } from './results.js'
export { GAS, GasMeter } from './gas.js'
export { StateError, type StateErrorCode } from './errors.js'
export type { Event } from './events.js'
export { ACCOUNT_KEEPER, FEE_KEEPER, FRAMEWORK_KEEPERS, type AccountKeeper, type FeeKeeper } from './expected-keepers.js'
export {
  parseGenesis,
  loadGenesisFile,
  DEFAULT_CONSENSUS_PARAMS,
  type Genesis,
  type GenesisValidator,
  type ConsensusParams,
  objectAt,
  arrayAt,
  stringAt,
  bigintAt,
  intAt,
  addressAt,
  u64At,
  optionalU64At,
  u32At,
  boolAt,
  hexAt,
  decAt,
  genesisError,
} from './genesis.js'
export { concatBytes, utf8, keyId, u64Bytes, readU64, expectKey } from './bytes.js'
export { type ValidatorUpdate, MAX_VALIDATOR_POWER, mergeValidatorUpdates } from './validator-updates.js'
export { Dec, DEC_PRECISION, decType } from './dec.js'
export { type QueryRead, replayQuery } from './proven-query.js'

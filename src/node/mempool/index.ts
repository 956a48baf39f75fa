export {
  Mempool,
  type AddOptions,
  type AddResult,
  type AddedListener,
  type MempoolTx,
  type ReapLimits,
  type TxHash,
  type UpdateResult,
} from './mempool.js'
export { DEFAULT_MEMPOOL_CONFIG, mempoolConfig, type MempoolConfig } from './config.js'
export { MempoolError, MEMPOOL_CODES, type MempoolErrorCode, type MempoolErrorContext, type MempoolOwnCode } from './errors.js'
export { comparePriority, compareForBlock, type Ranked } from './priority.js'
export {
  AdmissionShare,
  DEFAULT_ADMISSION_SHARE,
  batchRank,
  NODE_LOOP_CLOCK,
  type AdmissionShareConfig,
  type LoopClock,
} from './admission-share.js'

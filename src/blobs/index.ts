export { type BlobCid, DAG_PB_CODEC, RAW_CODEC, SHA2_256, checkBlobCid, formatCid, parseBlobCid } from './cid.js'
export { BlobError, type BlobErrorCode, type BlobErrorContexts, isBlobError } from './errors.js'
export {
  type BlobStat,
  BlobStore,
  type BlobStoreConfig,
  type BlockReader,
  DagWriter,
  type PutOptions,
  type PutResult,
  blockKey,
  chunkUpload,
  walkFile,
} from './store.js'
export {
  type BlobDag,
  type Block,
  CHUNK_BYTES,
  MAX_LINKS,
  UnixfsFileBuilder,
  blockCid,
  blockMatches,
  buildUnixfsFile,
  decodeFileBlock,
} from './unixfs.js'
export { type BlobExchangeConfig, type BlobFetchLimits, BlobExchange, DEFAULT_FETCH_LIMITS, unwantedReason } from './exchange.js'
export {
  type AvailabilityGateOptions,
  type AvailabilityVerdict,
  type BlockVerdict,
  DataAvailability,
  type ExecutionBlobs,
  gateOnAvailability,
} from './availability.js'
export { RoundRetention, pinLabels } from './retention.js'
export { type BlobServiceOptions, type BlobStatus, type BlobsConfig, BlobService, DEFAULT_BLOBS_CONFIG } from './service.js'
export { BLOB_API, type BlobRpcDeps, blobHttpRoutes, registerBlobMethods } from './rpc.js'

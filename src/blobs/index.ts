export { type BlobCid, DAG_PB_CODEC, RAW_CODEC, SHA2_256, checkBlobCid, formatCid, parseBlobCid } from './cid.js'
export { BlobError, type BlobErrorCode, type BlobErrorContexts, isBlobError } from './errors.js'
export { type BlobStat, BlobStore, type BlobStoreConfig, type BlockReader, type PutOptions, type PutResult, blockKey, walkFile } from './store.js'
export { type BlobDag, type Block, CHUNK_BYTES, MAX_LINKS, UnixfsFileBuilder, blockCid, blockMatches, buildUnixfsFile, decodeFileBlock } from './unixfs.js'

// Everything here runs in a browser too (node:crypto is used where present, see platform.ts).
// Encrypted keystores (scrypt + AES-GCM through node:crypto) are Node-only: import keystore.ts.
export { sha256, toHex, fromHex } from './hash.js'
export {
  merkleRoot,
  merkleProof,
  merkleAuditPath,
  verifyMerkleProof,
  merkleLeafHash,
  merkleNodeHash,
  appendToFrontier,
  frontierRoot,
  type MerkleStep,
} from './merkle.js'
export { verify, verifyReference } from './ed25519.js'
export { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from './ed25519-rules.js'
export { PrivateKey, PublicKey } from './keys.js'
export { signBytes, type SignDomain } from './domain.js'
export { ADDRESS_LENGTH, ACCOUNT_PREFIX, addressBytesOf, encodeAddress, decodeAddress } from './address.js'
export { newMnemonic, privateKeyFromMnemonic, FEDRA_COIN_TYPE } from './mnemonic.js'
export { CryptoError, type CryptoErrorCode } from './errors.js'

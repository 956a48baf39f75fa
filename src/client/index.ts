// The typed JSON-RPC client of a Fedra node and transaction building, used by the CLI, the roles,
// the dashboard and tests. Browser-safe: no Node built-ins (test/e2e/client/browser.test.ts runs it in Chromium).
export { FedraClient, type ClientOptions, type Params, type Result } from './client.js'
export { checkModuleQueryAnswer, checkSignedHeader, checkStateAnswer, type VerifiedValue } from './verify.js'
export { ClientError, type ClientErrorCode, type ClientErrorContext } from './errors.js'
export { WsTransport, ClientSubscription, type ReconnectOptions, type SubscriptionNotification, type SubscriptionOptions } from './ws.js'
export { HttpTransport } from './http.js'
export {
  buildTx,
  messages,
  parseCoins,
  type CreateSubnetInput,
  type SubmitAggregateInput,
  type SubmitUpdateInput,
  type TxOptions,
} from './tx.js'
export { SUBNET_PARAMS_DEFAULTS, type SubnetParamsJsonInput, subnetParamsFromInput } from './subnet-params.js'
// What a browser client needs besides RPC: keys, signatures, and the one tx format.
export { PrivateKey, PublicKey, privateKeyFromMnemonic, verify, toHex, fromHex } from '../crypto/index.js'
export { platform as cryptoPlatform } from '../crypto/platform.js'
export { signTx } from '../state/tx.js'
export { govContent, type SubmitProposalInput, type VoteOptionInput } from './gov-tx.js'

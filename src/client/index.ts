// The typed JSON-RPC client of a Fedra node, used by the CLI, the roles and tests.
export { FedraClient, type ClientOptions, type Params, type Result, type VerifiedValue } from './client.js'
export { ClientError, type ClientErrorCode, type ClientErrorContext } from './errors.js'
export { WsTransport, ClientSubscription, type ReconnectOptions, type SubscriptionNotification, type SubscriptionOptions } from './ws.js'
export { HttpTransport } from './http.js'

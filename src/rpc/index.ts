// The JSON-RPC layer: server, method table and schemas, backend interface, JSON shapes.
export {
  createRpcServer,
  coreMethodTable,
  documentationTable,
  RPC_API_VERSION,
  RPC_INFO,
  type RpcServer,
  type RpcServerOptions,
} from './server.js'
export {
  createJsonRpcServer,
  WS_CLOSE,
  type JsonRpcServer,
  type JsonRpcServerOptions,
  type ListenOptions,
  type ServerAddress,
} from './transport.js'
export type {
  RpcBackend,
  NodeStatus,
  NetInfo,
  NetPeer,
  TxAdmission,
  MempoolFullness,
  CommittedBlockEvent,
  StateQueryAnswer,
} from './backend.js'
export { MethodTable, defineMethod, type MethodSpec, type ParamsOf, type ResultOf, type CallContext, type Handler } from './method.js'
export { s, SchemaError, type Schema, type Infer, type JsonSchema } from './schema.js'
export { RpcError, RPC_ERRORS, RPC_ERROR_MESSAGES, RPC_ERROR_DATA, type RpcErrorName, type RpcErrorObject } from './errors.js'
export { DEFAULT_LIMITS, LIMIT_DOCS, resolveLimits, type RpcLimits } from './limits.js'
export { openRpcDocument, OPENRPC_VERSION } from './openrpc.js'
export { FEDRA_API, STATE_PATH, SUBSCRIPTION_KINDS, stateKeyOf, type FedraApi, type FedraMethod } from './api/index.js'
export type { HandlerDeps } from './handlers/deps.js'
export type { EventNotification, SubscriptionKind, SubscriptionFilterValue, TxInclusion } from './subscriptions.js'
export * from './shapes.js'

import { FedraError } from '../errors.js'

export type DevnetErrorCode =
  | 'LAYOUT_CONFLICT' // options that differ from the layout stored in the directory
  | 'LAYOUT_INVALID' // devnet.json is unreadable or not a layout this version wrote
  | 'DIR_NOT_EMPTY' // a directory that holds other files and no devnet
  | 'ALREADY_RUNNING' // another devnet process runs from this directory

export interface DevnetErrorContext {
  path?: string
  option?: string
  stored?: string | number
  given?: string | number
  pid?: number
}

export class DevnetError extends FedraError<DevnetErrorCode, DevnetErrorContext> {}

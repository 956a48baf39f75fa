import { FedraError } from '../errors.js'

export type CodecErrorCode =
  | 'MALFORMED' // not a complete, valid MessagePack value
  | 'NON_CANONICAL' // decodes, but re-encoding gives other bytes
  | 'TOO_LARGE' // input bytes exceed the caller's limit
  | 'WRONG_TYPE' // a value of the wrong kind at `path`
  | 'OUT_OF_RANGE' // a number, length or size outside the schema's bounds at `path`
  | 'UNKNOWN_TAG' // a struct tag no schema here knows
  | 'UNSUPPORTED_VERSION' // a struct version this build does not read

export interface CodecErrorContext {
  path?: string
  expected?: string
  actual?: string
  limit?: number
  size?: number
}

export class CodecError extends FedraError<CodecErrorCode, CodecErrorContext> {}

import { FedraError } from '../errors.js'

export type HarnessErrorCode =
  | 'MANIFEST_INVALID' // a manifest that does not parse or names what it may not
  | 'NODE_UNKNOWN' // a step names a node the manifest does not lay out
  | 'STEP_FAILED' // a perturbation could not be applied (a node that would not start, a wait that timed out)
  | 'PROXY_FAILED' // a fault proxy could not listen

export interface HarnessErrorContext {
  path?: string
  field?: string
  node?: string
  step?: number
  reason?: string
}

export class HarnessError extends FedraError<HarnessErrorCode, HarnessErrorContext> {}

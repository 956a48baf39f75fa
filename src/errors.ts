/**
 * Base of every typed error in Fedra. Each component declares a union of string codes and the
 * context each code carries, and one subclass (see STYLE §2): callers and tests switch on
 * `code`, logs print `context`, nobody parses messages.
 */
export class FedraError<Code extends string = string, Context extends object = object> extends Error {
  readonly code: Code
  readonly context: Context
  /** The message without its `CODE: ` prefix: what a wrapping error should quote, so codes are not doubled. */
  readonly plainMessage: string

  /**
   * False in subclasses whose errors are expected outcomes on hot paths (a refused or failed
   * transaction: every gossiped transfer whose nonce is ahead is one): their code and context say
   * all there is, and capturing the stack cost more than the rest of the refusal (2.4 % of a
   * validator's CPU under the consensus bench's load, docs/perf.md).
   */
  static readonly captureStack: boolean = true

  constructor(code: Code, message: string, context: Context, options?: { cause?: unknown }) {
    const limit = Error.stackTraceLimit
    if (!new.target.captureStack) Error.stackTraceLimit = 0
    super(`${code}: ${message}`, options)
    Error.stackTraceLimit = limit
    this.code = code
    this.plainMessage = message
    this.context = context
    this.name = new.target.name
  }
}

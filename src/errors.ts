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

  constructor(code: Code, message: string, context: Context, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options)
    this.code = code
    this.plainMessage = message
    this.context = context
    this.name = new.target.name
  }
}

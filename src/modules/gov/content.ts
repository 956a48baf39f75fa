import { CodecError, decode, decodeStored, encode, peekStructTag } from '../../codec/index.js'
import { type Context, ModuleError, StateError } from '../../state/index.js'
import { GovBooks } from './books.js'
import { govError } from './errors.js'
import { emitUpgradeCancelled, emitUpgradeScheduled } from './events.js'
import { CONTENT_MESSAGES, type MsgSoftwareUpgradeValue, type MsgUpdateParamsValue } from './messages.js'

/** A decoded content message of a proposal. */
export type Content =
  | { type: 'gov/MsgUpdateParams'; value: MsgUpdateParamsValue }
  | { type: 'gov/MsgSoftwareUpgrade'; value: MsgSoftwareUpgradeValue }
  | { type: 'gov/MsgCancelUpgrade'; value: Record<string, never> }

const MODULE_NAME = /^[a-z][a-z0-9_-]{0,31}$/
const ALLOWED = new Map<number, (typeof CONTENT_MESSAGES)[number]>(CONTENT_MESSAGES.map((type) => [type.tag, type]))

/** A params text as the JSON object it must be, or null. */
function paramsObject(text: string): Record<string, unknown> | null {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return null
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : null
}

/**
 * Decodes content message `index` of a proposal and checks what needs no state: a type a chain
 * proposal may carry (MESSAGE_NOT_ALLOWED otherwise), canonical bytes, and its own rules
 * (INVALID_PROPOSAL_MESSAGE: a module name that cannot exist, params that are not a JSON object,
 * an upgrade without a name or at height 0).
 */
export function decodeContent(bytes: Uint8Array, index: number): Content {
  const tag = peekStructTag(bytes)
  const type = tag === undefined ? undefined : ALLOWED.get(tag)
  if (type === undefined) {
    throw govError(
      'MESSAGE_NOT_ALLOWED',
      `message ${index} (tag ${tag ?? 'none'}) is not one a chain proposal may carry: ${CONTENT_MESSAGES.map((m) => m.name).join(', ')}`,
      { index, tag: tag ?? null },
    )
  }
  let value: unknown
  try {
    value = decode(type, bytes)
  } catch (error) {
    if (!(error instanceof CodecError)) throw error
    throw govError('INVALID_PROPOSAL_MESSAGE', `message ${index}: ${error.message}`, { index })
  }
  const content = { type: type.name, value } as Content
  const invalid = (why: string) => govError('INVALID_PROPOSAL_MESSAGE', `message ${index} (${type.name}): ${why}`, { index })
  if (content.type === 'gov/MsgUpdateParams') {
    if (!MODULE_NAME.test(content.value.module)) throw invalid(`"${content.value.module}" is not a module name`)
    if (paramsObject(content.value.params) === null) throw invalid('params must be the JSON text of an object')
  }
  if (content.type === 'gov/MsgSoftwareUpgrade') {
    if (content.value.name.trim() === '') throw invalid('an upgrade needs a name')
    if (content.value.height === 0n) throw invalid('an upgrade height must be positive')
  }
  return content
}

/**
 * What can be checked of a content message against state at submission (x/gov runs the messages'
 * own checks then): a MsgUpdateParams names a module with params (UNKNOWN_MODULE) and lists
 * exactly the fields of its params form (INVALID_PARAMS_CHANGE: a proposal never resets a field
 * by leaving it out); a MsgSoftwareUpgrade's height lies above this block (INVALID_UPGRADE_HEIGHT)
 * and its name was not applied before (UPGRADE_ALREADY_APPLIED).
 * Values are checked by the module when the proposal executes.
 */
export function checkContent(ctx: Context, content: Content, index: number): void {
  if (content.type === 'gov/MsgUpdateParams') {
    const { module } = content.value
    const params = ctx.moduleParams(module)
    if (params === undefined)
      throw govError('UNKNOWN_MODULE', `message ${index}: this chain has no module ${module} with params`, { index, module })
    const wanted = Object.keys(params.toJson(params.defaults)).sort()
    const given = Object.keys(paramsObject(content.value.params)!).sort()
    if (wanted.join(',') !== given.join(',')) {
      throw govError(
        'INVALID_PARAMS_CHANGE',
        `message ${index}: ${module}'s params list ${wanted.join(', ')}; the proposal lists ${given.join(', ') || 'none'}`,
        { index, module },
      )
    }
  }
  if (content.type === 'gov/MsgSoftwareUpgrade') {
    if (content.value.height <= BigInt(ctx.block.height)) {
      throw govError(
        'INVALID_UPGRADE_HEIGHT',
        `message ${index}: upgrade height ${content.value.height} is not above height ${ctx.block.height}`,
        { index, height: String(content.value.height) },
      )
    }
    const done = new GovBooks(ctx.moduleStore()).applied(content.value.name)
    if (done !== undefined)
      throw govError('UPGRADE_ALREADY_APPLIED', `message ${index}: upgrade ${content.value.name} was applied at height ${done}`, {
        index,
        name: content.value.name,
      })
  }
}

/** The name of a content message's type, for events and queries. */
export const contentType = (bytes: Uint8Array): string => {
  const tag = peekStructTag(bytes)
  return (tag === undefined ? undefined : ALLOWED.get(tag)?.name) ?? 'unknown'
}

type Effect = () => void

/** Why a content message cannot execute, or its effect. */
function prepare(ctx: Context, content: Content, index: number, proposal: bigint): Effect | string {
  const at = `message ${index} (${content.type})`
  switch (content.type) {
    case 'gov/MsgUpdateParams': {
      const { module } = content.value
      const params = ctx.moduleParams(module)
      if (params === undefined) return `${at}: no module ${module} with params`
      let keeper
      try {
        keeper = ctx.paramsKeeper()
      } catch (error) {
        if (error instanceof StateError) return `${at}: gov is not a params authority of this chain`
        throw error
      }
      let value: unknown
      try {
        value = params.fromJson(JSON.parse(content.value.params), `${module}.params`)
        // ParamsKeeper.set's own checks (writeParams), run here so that applying cannot fail.
        params.validate(decodeStored(params.schema, encode(params.schema, value as never)))
      } catch (error) {
        if (error instanceof StateError || error instanceof ModuleError || error instanceof CodecError || error instanceof SyntaxError)
          return `${at}: ${error.message}`.slice(0, 500)
        throw error
      }
      return () => keeper.set(module, value)
    }
    case 'gov/MsgSoftwareUpgrade': {
      const { name, height, info } = content.value
      if (height <= BigInt(ctx.block.height)) return `${at}: upgrade height ${height} is not above height ${ctx.block.height}`
      const done = new GovBooks(ctx.moduleStore()).applied(name)
      if (done !== undefined) return `${at}: upgrade ${name} was applied at height ${done}`
      return () => {
        const plan = { name, height, info, proposal }
        new GovBooks(ctx.moduleStore()).setUpgradePlan(plan)
        emitUpgradeScheduled(ctx, plan)
      }
    }
    case 'gov/MsgCancelUpgrade':
      return () => {
        const books = new GovBooks(ctx.moduleStore())
        const plan = books.upgradePlan()
        if (plan === undefined) return
        books.setUpgradePlan(undefined)
        emitUpgradeCancelled(ctx, plan, proposal)
      }
  }
}

/**
 * Executes a passed proposal's messages in order, all or nothing (x/gov runs them in a cached
 * context): every message is first checked exactly as its effect will check it, then the effects
 * apply, so either all of them change state or none does. Returns null, or why it failed.
 */
export function executeContents(ctx: Context, messages: readonly Uint8Array[], proposal: bigint): string | null {
  const effects: Effect[] = []
  for (const [index, bytes] of messages.entries()) {
    let content: Content
    try {
      content = decodeContent(bytes, index)
    } catch (error) {
      if (error instanceof ModuleError) return error.message.slice(0, 500)
      throw error
    }
    const prepared = prepare(ctx, content, index, proposal)
    if (typeof prepared === 'string') return prepared
    effects.push(prepared)
  }
  for (const effect of effects) effect()
  return null
}

/** The JSON form of a content message (queries, genesis): its type and fields. */
export function contentJson(bytes: Uint8Array): Record<string, unknown> {
  const content = decodeContent(bytes, 0)
  switch (content.type) {
    case 'gov/MsgUpdateParams':
      return { type: content.type, module: content.value.module, params: content.value.params }
    case 'gov/MsgSoftwareUpgrade':
      return { type: content.type, name: content.value.name, height: String(content.value.height), info: content.value.info }
    case 'gov/MsgCancelUpgrade':
      return { type: content.type }
  }
}

import type { Command } from 'commander'
import { registerBlobCommand } from './blob.js'
import { registerFactoryCommand } from './factory.js'
import { registerInferCommand } from './infer.js'
import { registerModelCommand } from './model-export.js'
import { registerQueryCommand } from './query.js'
import { registerStatusCommand } from './status.js'
import { registerTxCommand } from './tx.js'

/** The commands that talk to a node over JSON-RPC: status, tx, query, blob, model, infer, factory. */
export function registerClientCommands(program: Command): void {
  registerStatusCommand(program)
  registerTxCommand(program)
  registerQueryCommand(program)
  registerBlobCommand(program)
  registerModelCommand(program)
  registerInferCommand(program)
  registerFactoryCommand(program)
}

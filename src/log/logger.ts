import { pino, type Logger } from 'pino'

export type { Logger }

let root: Logger | undefined

/**
 * The process-wide root logger: JSON lines by default, pretty when writing to a terminal,
 * silent under tests unless FEDRA_LOG_LEVEL is set. Components take a child of it
 * (`logger('consensus').child({ height })`); libraries accept a Logger argument instead of
 * calling this where tests need to observe the logs.
 */
export function rootLogger(): Logger {
  if (root !== undefined) return root
  const underTest =
    process.env.FEDRA_TEST === '1' || process.env.npm_lifecycle_event === 'test' || process.env.MOCHA_WORKER_ID !== undefined
  const level = process.env.FEDRA_LOG_LEVEL ?? (underTest ? 'silent' : 'info')
  const format = process.env.FEDRA_LOG_FORMAT
  const pretty = format === 'pretty' || (format !== 'json' && process.stderr.isTTY)
  root = pretty
    ? pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, destination: 2 } } })
    : pino({ level }, pino.destination(2))
  return root
}

export function logger(component: string): Logger {
  return rootLogger().child({ component })
}

export { logger, rootLogger, type Logger } from './logger.js'

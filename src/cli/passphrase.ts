import { readFileSync } from 'node:fs'
import { CliError } from './errors.js'

/**
 * The keystore passphrase, from --passphrase-file or FEDRA_PASSPHRASE, so scripts and tests need
 * no terminal. An empty one is refused wherever it comes from: a file that is empty (or only a
 * newline) is a mistake, not a choice of passphrase.
 */
export function readPassphrase(options: { passphraseFile?: string }): string {
  if (options.passphraseFile !== undefined) {
    let text: string
    try {
      text = readFileSync(options.passphraseFile, 'utf8')
    } catch (error) {
      throw new CliError(
        'BAD_FILE',
        `cannot read passphrase file ${options.passphraseFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { path: options.passphraseFile },
      )
    }
    const passphrase = text.replace(/\r?\n$/, '')
    if (passphrase.length === 0)
      throw new CliError('NO_PASSPHRASE', `passphrase file ${options.passphraseFile} is empty`, { path: options.passphraseFile })
    return passphrase
  }
  const fromEnv = process.env.FEDRA_PASSPHRASE
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv
  throw new CliError('NO_PASSPHRASE', 'give a passphrase with --passphrase-file FILE or the FEDRA_PASSPHRASE environment variable', {})
}

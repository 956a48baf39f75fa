/** Fedra's release version: what `fedra version`, `/status` and chain_status report. Kept equal to package.json's by a test. */
export const VERSION = '0.1.0'

import type { KeeperRef } from '../../state/index.js'

/** The keepers of other modules auth calls: none (see bank/expected-keepers.ts for the shape). */
export const authExpectedKeepers: readonly KeeperRef<unknown>[] = []

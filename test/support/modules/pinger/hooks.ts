import { hookPoint } from '../../../../src/state/index.js'

/** What the pinger tells other modules: the hook interface it provides (like staking's StakingHooks). */
export interface PingHooks {
  afterPing(sender: Uint8Array, count: bigint): void
}

export const PING_HOOKS = hookPoint<PingHooks>('pinger', 'ping', { afterPing: true })

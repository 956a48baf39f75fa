import type { Context } from './context.js'

/**
 * A typed hook interface one module (the provider) calls when something happens in it, for
 * other modules to react to (Cosmos' StakingHooks): e.g. staking's bond changes for slashing and
 * distribution, training's "round finalised" for reputation, rewards and lineage. Which modules
 * subscribe, and in what order, is decided at composition (`Composition.hooks`), never by the
 * modules themselves.
 */
export interface HookPoint<H> {
  readonly provider: string
  readonly name: string
  /** Every method of H, by name: a subscriber must implement them all. */
  readonly methods: readonly string[]
  readonly _hooks?: H
}

/** Declares a hook point of `provider`; `methods` must name every member of H (a missing one is a compile error). */
export function hookPoint<H extends object>(provider: string, name: string, methods: { readonly [P in keyof H]-?: true }): HookPoint<H> {
  return { provider, name, methods: Object.keys(methods).sort() }
}

/** A module's implementation of a hook point; `build` receives a context scoped to the implementing module. */
export interface HookImplementation<H> {
  readonly point: HookPoint<H>
  build(ctx: Context): H
}

export function implementHooks<H extends object>(point: HookPoint<H>, build: (ctx: Context) => H): HookImplementation<H> {
  return { point, build }
}

/** One subscription at composition: `subscriber` implements `point`; subscriptions run in the order listed. */
export interface HookSubscription {
  readonly point: HookPoint<any>
  readonly subscriber: string
}

export const hookId = (point: HookPoint<unknown>): string => `${point.provider}/${point.name}`

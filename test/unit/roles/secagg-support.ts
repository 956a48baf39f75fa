import { ed25519 } from '@noble/curves/ed25519.js'
import type { FedraClient } from '../../../src/client/index.js'
import { decode } from '../../../src/codec/index.js'
import { PrivateKey, decodeAddress, encodeAddress, toHex } from '../../../src/crypto/index.js'
import type { Logger } from '../../../src/log/index.js'
import { secAggGraphSeed, secAggRoundId } from '../../../src/modules/training/secagg-handler.js'
import { MsgSecAggReveal, MsgSecAggSetup, type MsgSecAggSetupValue, SHARE_KIND_KEY } from '../../../src/modules/training/secagg-messages.js'
import { secAggGraph } from '../../../src/fl/secagg/graph.js'
import { Tx } from '../../../src/state/index.js'

export const CHAIN_ID = 'fedra-secagg-test'
export const revealKey = (dealer: string, holder: string, kind: 'key' | 'self'): string => `${dealer}/${holder}/${kind}`
export const BASE_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
export const OPEN = 2
export const SUBMIT_END = 10
/** setupEnd = open + ⌈(submitEnd − open) / 2⌉ */
export const SETUP_END = 6

export const trainerKeys = (count: number, first = 11) =>
  Array.from({ length: count }, (_, i) => PrivateKey.fromSeed(new Uint8Array(32).fill(first + i)))
export const encryptionSecret = (key: PrivateKey) => ed25519.utils.toMontgomerySecret(key.exportSeed())

/**
 * Training's secagg books as `round_secagg`, `subnet_members` and the setup / reveal handlers show
 * them to a daemon, for one round (subnet 0, round 0): the roster is fixed at the first setup from
 * `members` (by address), a setup is stored as sent (or refused with `refuse`), a reveal stores its
 * shares by (dealer, holder, kind); `updated` are the members with a recorded update,
 * `submitClosed` says the submit window has passed (pending → dropped).
 */
export class FakeSecAggChain {
  height = OPEN
  phase: 'submit' | 'aggregate' = 'submit'
  submitClosed = false
  refuse: { code: number; log: string } | null = null
  roster: string[] | null = null
  readonly members: string[]
  readonly keys = new Map<string, string>()
  readonly setups = new Map<string, MsgSecAggSetupValue>()
  readonly updated = new Set<string>()
  /** Revealed shares by revealKey(dealer, holder, kind). */
  readonly reveals = new Map<string, Uint8Array>()
  readonly sent: { signer: string; type: 'setup' | 'reveal'; value: unknown }[] = []

  constructor(keys: readonly PrivateKey[]) {
    this.members = keys.map((k) => k.publicKey.address)
    for (const k of keys) this.keys.set(k.publicKey.address, toHex(k.publicKey.bytes))
  }

  round() {
    return {
      height: String(this.height),
      subnet: '0',
      round: '0',
      phase: this.phase,
      open_height: String(OPEN),
      submit_end_height: String(SUBMIT_END),
      base_global_cid: BASE_CID,
      rule: 'secagg-fedavg',
      version: null,
      sample_cap: 512,
    } as never
  }

  roundId = () => secAggRoundId(CHAIN_ID, 0n, 0n, BASE_CID)
  graph = () =>
    secAggGraph(
      this.roster!.length,
      secAggGraphSeed(
        this.roundId(),
        this.roster!.map((m) => decodeAddress(m)),
      ),
    )

  #secagg() {
    if (this.roster === null)
      return {
        height: String(this.height),
        rule: 'secagg-fedavg',
        round_id: null,
        setup_end_height: null,
        degree: null,
        threshold: null,
        roster: null,
      }
    const graph = this.graph()
    return {
      height: String(this.height),
      rule: 'secagg-fedavg',
      round_id: toHex(this.roundId()),
      setup_end_height: String(SETUP_END),
      degree: graph.degree,
      threshold: graph.threshold,
      roster: this.roster.map((trainer, index) => {
        const setup = this.setups.get(trainer)
        const status = setup === undefined ? 'absent' : this.updated.has(trainer) ? 'survivor' : this.submitClosed ? 'dropped' : 'pending'
        return {
          trainer,
          index,
          status,
          round_key: setup === undefined ? null : toHex(setup.roundKey),
          self_commitment: setup === undefined ? null : toHex(setup.selfCommitment),
          shares: (setup?.shares ?? []).map((s) => ({
            holder: encodeAddress(s.holder),
            ciphertext: toHex(s.ciphertext),
            commitment: toHex(s.commitment),
            self_commitment: toHex(s.selfCommitment),
          })),
          weight: this.updated.has(trainer) ? 100 : 0,
          contribution: '0',
          ...this.#revealsOf(trainer),
        }
      }),
    }
  }

  #revealsOf(dealer: string) {
    const reveals = [...this.reveals.entries()]
      .map(([k, share]) => ({ k: k.split('/'), share }))
      .filter(({ k }) => k[0] === dealer)
      .map(({ k, share }) => ({ holder: k[1]!, kind: k[2] as 'key' | 'self', share: toHex(share) }))
    return {
      revealed_key: reveals.filter((r) => r.kind === 'key').length,
      revealed_self: reveals.filter((r) => r.kind === 'self').length,
      reveals,
    }
  }

  #sortedMembers = () => [...this.members].sort((a, b) => Buffer.compare(Buffer.from(decodeAddress(a)), Buffer.from(decodeAddress(b))))

  #apply(bytes: Uint8Array, from: string) {
    const body = decode(Tx, bytes).body.messages[0]!
    const ok = { height: this.height + 1, result: { code: 0, codespace: '', log: '', events: [] } }
    if (this.refuse !== null) return { height: this.height + 1, result: { ...this.refuse, codespace: 'training', events: [] } }
    let setup: MsgSecAggSetupValue | null = null
    try {
      setup = decode(MsgSecAggSetup, body)
    } catch {
      // not a setup: a reveal
    }
    if (setup !== null) {
      this.roster ??= this.#sortedMembers()
      this.setups.set(from, setup)
      this.sent.push({ signer: from, type: 'setup', value: setup })
      return ok
    }
    const m = decode(MsgSecAggReveal, body)
    for (const r of m.reveals)
      this.reveals.set(revealKey(encodeAddress(r.dealer), from, r.kind === SHARE_KIND_KEY ? 'key' : 'self'), r.share)
    this.sent.push({ signer: from, type: 'reveal', value: m })
    return ok
  }

  /** The node as `sender` talks to it. */
  client(sender: string): FedraClient {
    const answers: Record<string, (params: Record<string, string>) => unknown> = {
      round_secagg: () => this.#secagg(),
      subnet_members: () => ({
        height: String(this.height),
        members: this.members.map((address) => ({ address, role: 'trainer', bond: '1', joined_height: '1' })),
      }),
      training_params: () => ({ gas_per_coordinate: '1' }),
    }
    const fake = {
      call: async (method: string, params: Record<string, string>) => answers[method]!(params),
      status: async () => ({ nodeInfo: { network: CHAIN_ID } }),
      account: async (address: string) => ({ address, nonce: '0', publicKey: this.keys.get(address) ?? null, balances: [] }),
      broadcastTx: async (tx: Uint8Array) => this.#apply(tx, sender),
      close: () => {},
    }
    return fake as unknown as FedraClient
  }
}

export function quietLog(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = []
  const infos: string[] = []
  const log = {
    warnings,
    infos,
    info: (a: unknown, message?: string) => infos.push(message ?? String(a)),
    debug: () => {},
    error: () => {},
    warn: (a: unknown, message?: string) => warnings.push(message ?? String(a)),
  }
  return log as unknown as Logger & { warnings: string[]; infos: string[] }
}

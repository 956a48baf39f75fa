import { encode, t } from '../codec/index.js'

/**
 * What a signature is for. Every signature covers (domain, chain id, payload) so a vote can
 * never be replayed as a transaction, nor a devnet transaction on another chain.
 */
export type SignDomain = 'tx' | 'vote' | 'proposal' | 'score-commit' | 'score-reveal' | 'update' | 'aggregate' | 'node'

const SignEnvelope = t.struct('SignEnvelope', 1, 1, {
  protocol: t.string({ max: 16 }),
  domain: t.string({ max: 32 }),
  chainId: t.string({ max: 64 }),
  payload: t.bytes({ max: 64 * 1024 * 1024 }),
})

export function signBytes(domain: SignDomain, chainId: string, payload: Uint8Array): Uint8Array {
  return encode(SignEnvelope, { protocol: 'fedra/1', domain, chainId, payload })
}

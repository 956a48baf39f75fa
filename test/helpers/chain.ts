import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from '../../src/codec/index.js'
import { PrivateKey } from '../../src/crypto/index.js'
import { MsgSend, defaultRegistry } from '../../src/modules/index.js'
import { Application, type BlockInput, StateDB, parseGenesis, signTx } from '../../src/state/index.js'

export const CHAIN_ID = 'fedra-test-1'
export const GENESIS_TIME = '2026-11-01T00:00:00Z'
export const FEE = 200n
export const GAS_LIMIT = 200_000n

/** Deterministic test keys: account i has seed [i+1, i+1, ...]. */
export const testKey = (i: number) => PrivateKey.fromSeed(new Uint8Array(32).fill(i + 1))

export function testGenesisJson(accounts = 8, amount = 1_000_000_000n): Record<string, unknown> {
  return {
    chain_id: CHAIN_ID,
    genesis_time: GENESIS_TIME,
    validators: [{ name: 'v0', pub_key: testKey(100).publicKey.hex, power: '10' }],
    app_state: {
      bank: {
        params: { fee_denom: 'ufdr' },
        balances: Array.from({ length: accounts }, (_, i) => ({
          address: testKey(i).publicKey.address,
          coins: [{ denom: 'ufdr', amount: String(amount) }],
        })),
      },
    },
  }
}

export function tempDir(prefix = 'fedra-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

export async function openApp(directory: string, genesisJson = testGenesisJson(), registry = defaultRegistry()): Promise<Application> {
  const genesis = parseGenesis(genesisJson, registry)
  const app = new Application(await StateDB.open(directory), registry, genesis)
  await app.initChain()
  return app
}

export function transfer(
  from: number,
  to: number,
  amount: bigint,
  nonce: bigint,
  overrides: { chainId?: string; fee?: bigint; gasLimit?: bigint } = {},
): Uint8Array {
  return signTx(testKey(from), {
    chainId: overrides.chainId ?? CHAIN_ID,
    nonce,
    fee: overrides.fee ?? FEE,
    gasLimit: overrides.gasLimit ?? GAS_LIMIT,
    messages: [encode(MsgSend, { to: testKey(to).publicKey.addressBytes, amount: [{ denom: 'ufdr', amount }] })],
    memo: '',
  })
}

/** A small seeded generator (mulberry32) so workloads are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` blocks of random transfers among `accounts` test accounts, nonces tracked. */
export function transferBlocks(count: number, txsPerBlock: number, seed = 1, accounts = 8): BlockInput[] {
  const random = seededRandom(seed)
  const nonces = new Array<bigint>(accounts).fill(0n)
  const blocks: BlockInput[] = []
  for (let height = 1; height <= count; height++) {
    const txs: Uint8Array[] = []
    for (let i = 0; i < txsPerBlock; i++) {
      const from = Math.floor(random() * accounts)
      const to = Math.floor(random() * accounts)
      txs.push(transfer(from, to, BigInt(1 + Math.floor(random() * 1000)), nonces[from]!++))
    }
    blocks.push({
      height,
      time: BigInt(Date.parse(GENESIS_TIME)) + BigInt(height) * 1000n,
      proposer: testKey(100).publicKey.addressBytes,
      txs,
    })
  }
  return blocks
}

export async function runBlocks(app: Application, blocks: BlockInput[], afterEach?: () => void): Promise<Uint8Array[]> {
  const roots: Uint8Array[] = []
  for (const block of blocks) {
    const executed = app.executeBlock(block)
    await app.commitBlock(executed)
    roots.push(executed.stateRoot)
    afterEach?.()
  }
  return roots
}

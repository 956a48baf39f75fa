// npm run bench -- tx-path [--txs 20000] [--senders 400] [--block 2000] [--repeat 3] [--modules default|core]
// One validator's per-transaction work without network or consensus, on one core: mempool
// admission (decode, signature, ante against the check state), then blocks of it executed,
// committed, indexed and the pool updated, as a node does after consensus. Prints CPU ms per tx for
// each stage; the raw baseline is one ed25519 verification per tx (node:crypto), measured here.
// --modules core runs the same on auth + bank alone (no staking, distribution or slashing in
// begin/end-block): what the default chain's modules cost per block shows as the difference.
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import { encode } from '../src/codec/index.js'
import { createDevnet, devnetAccount } from '../src/devnet/layout.js'
import { readFileSync } from 'node:fs'
import { FEE_COLLECTOR, MsgSend, authModule, bankModule, defaultRegistry } from '../src/modules/index.js'
import { Mempool } from '../src/node/mempool/index.js'
import { loadValidatorKey } from '../src/node/keys.js'
import { TxIndexer } from '../src/indexer/index.js'
import { Application, ModuleRegistry, StateDB, parseGenesis, signTx } from '../src/state/index.js'
import { verify } from '../src/crypto/ed25519.js'
import { decode } from '../src/codec/index.js'
import { Tx, TxBody } from '../src/state/index.js'
import { signBytes } from '../src/crypto/domain.js'
import { tempDir } from '../test/helpers/chain.js'

const { values } = parseArgs({
  options: {
    txs: { type: 'string', default: '20000' },
    senders: { type: 'string', default: '400' },
    block: { type: 'string', default: '2000' },
    repeat: { type: 'string', default: '3' },
    modules: { type: 'string', default: 'default' },
  },
})
if (values.modules !== 'default' && values.modules !== 'core') throw new Error('--modules is default or core')
const core = values.modules === 'core'
const count = Number(values.txs)
const senders = Number(values.senders)
const perBlock = Number(values.block)
const CHAIN_ID = 'fedra-bench-1'

// CPU time (user + system) in ms rather than wall time: other processes sharing the cores then
// change the figures much less.
const cpuNow = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const keys = Array.from({ length: senders }, (_, i) => devnetAccount(i))
const nonces = new Array<bigint>(senders).fill(0n)
const txs: Uint8Array[] = []
for (let i = 0; i < count; i++) {
  const from = i % senders
  txs.push(
    signTx(keys[from]!, {
      chainId: CHAIN_ID,
      nonce: nonces[from]!++,
      fee: 200n,
      gasLimit: 200_000n,
      messages: [encode(MsgSend, { to: keys[(from + 1) % senders]!.publicKey.addressBytes, amount: [{ denom: 'ufdr', amount: 1n }] })],
      memo: '',
    }),
  )
}

type Stages = { admit: number; execute: number; commit: number; index: number; update: number }

async function run(): Promise<Stages> {
  const dir = tempDir('fedra-bench-txpath-')
  try {
    const layout = await createDevnet({
      dir: dir.path,
      validators: 1,
      fullNodes: 0,
      chainId: CHAIN_ID,
      commitDelayMs: 200,
      accounts: senders,
    })
    const registry = core
      ? new ModuleRegistry([authModule, bankModule], { moduleAccounts: { [FEE_COLLECTOR]: { owner: 'bank' } } })
      : defaultRegistry()
    const genesisJson = JSON.parse(readFileSync(join(layout.nodes[0]!.home, 'config', 'genesis.json'), 'utf8'))
    if (core) {
      // The same accounts; the validator in genesis.validators instead of staking's gen_validators.
      const { staking, distribution: _d, ...rest } = genesisJson.app_state
      genesisJson.app_state = rest
      genesisJson.validators = staking.gen_validators.map((v: { moniker: string; pub_key: string }) => ({
        name: v.moniker,
        pub_key: v.pub_key,
        power: '10',
      }))
    }
    const app = new Application(await StateDB.open(join(dir.path, 'state')), registry, parseGenesis(genesisJson, registry))
    await app.initChain()
    const index = await TxIndexer.open(join(dir.path, 'txindex'), registry)

    // Raw baseline: verification alone.
    const decoded = txs.slice(0, 2000).map((bytes) => {
      const tx = decode(Tx, bytes)
      return { key: tx.body.signer, message: signBytes('tx', CHAIN_ID, encode(TxBody, tx.body)), signature: tx.signature }
    })
    let t = cpuNow()
    for (const d of decoded) if (!verify(d.key, d.message, d.signature)) throw new Error('baseline: bad signature')
    const verifyMs = (cpuNow() - t) / decoded.length

    const stages = { admit: 0, execute: 0, commit: 0, index: 0, update: 0 }
    // The validator as proposer and sole signer of each last commit, so distribution allocates every block as on a live chain.
    const proposer = loadValidatorKey(layout.nodes[0]!.home)!.publicKey.addressBytes
    const lastCommit = { round: 0, votes: [{ validator: proposer, power: 10n, signed: true }] }
    for (let start = 0, height = 1; start < count; start += perBlock, height++) {
      const mempool = new Mempool(app, { maxTxs: 100_000, maxBytes: 1 << 30 })
      app.verifiedTxs = (hash) => mempool.verified(hash)
      app.checkedTxs = (hash) => mempool.checked(hash)
      const chunk = txs.slice(start, start + perBlock)
      t = cpuNow()
      for (const tx of chunk) mempool.add(tx)
      stages.admit += cpuNow() - t
      t = cpuNow()
      const executed = app.executeBlock({
        height,
        time: BigInt(height) * 1000n,
        proposer,
        txs: mempool.reap({ maxTxs: perBlock }),
        lastCommit: height === 1 ? null : lastCommit,
      })
      stages.execute += cpuNow() - t
      t = cpuNow()
      const results = await app.commitBlock(executed)
      stages.commit += cpuNow() - t
      t = cpuNow()
      await index.index({ header: { height } as never, txs: chunk } as never, results as never)
      stages.index += cpuNow() - t
      t = cpuNow()
      mempool.update(height, chunk)
      stages.update += cpuNow() - t
    }
    await index.close()
    await app.db.close()
    baselineMs = Math.min(baselineMs, verifyMs)
    return stages
  } finally {
    dir.remove()
  }
}

// Best of `repeat` fresh runs per stage: the least disturbed figure of each.
let baselineMs = Infinity
const best: Stages = { admit: Infinity, execute: Infinity, commit: Infinity, index: Infinity, update: Infinity }
for (let r = 0; r < Number(values.repeat); r++) {
  const stages = await run()
  for (const name of Object.keys(best) as (keyof Stages)[]) best[name] = Math.min(best[name], stages[name])
}
const per = (ms: number) => (ms / count).toFixed(4)
const total = Object.values(best).reduce((a, b) => a + b, 0)
console.log(
  `${count} transfers from ${senders} senders in blocks of ${perBlock}, best of ${values.repeat} runs, CPU time, ${core ? 'auth + bank only' : 'the default chain (auth, bank, staking, distribution, slashing)'}`,
)
console.log(`baseline ed25519 verify (node:crypto): ${baselineMs.toFixed(4)} ms/tx`)
for (const [name, ms] of Object.entries(best)) console.log(`${name.padEnd(8)} ${per(ms)} ms/tx`)
console.log(`total    ${per(total)} ms/tx  (${(total / count / baselineMs).toFixed(2)}× one verification)`)

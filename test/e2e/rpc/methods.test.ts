import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { FedraClient, type SubscriptionNotification, buildTx, messages } from '../../../src/client/index.js'
import { PublicKey, encodeAddress, fromHex, merkleLeafHash, merkleRoot, toHex, verifyMerkleProof } from '../../../src/crypto/index.js'
import { encode } from '../../../src/codec/index.js'
import { DeclaredLeaf } from '../../../src/modules/datanets/index.js'
import { defaultRegistry } from '../../../src/modules/index.js'
import { waitFor } from '../../../src/devnet/process.js'
import type { IndexedTx } from '../../../src/indexer/index.js'
import { MEMPOOL_CODES } from '../../../src/node/mempool/index.js'
import { DEFAULT_LIMITS, FEDRA_API, RPC_API_VERSION, RPC_ERRORS, type EventNotification } from '../../../src/rpc/index.js'
import type { BlockJsonValue } from '../../../src/rpc/shapes.js'
import { TX_CODES } from '../../../src/state/index.js'
import { BLOB_API } from '../../../src/blobs/index.js'
import { MODEL_EVALUATE_API } from '../../../src/rpc/api/evaluate.js'
import { SERVING_API } from '../../../src/serving/rpc.js'
import { decodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { mlpSpec } from '../../../src/fl/model/spec.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { canonicalModelSpec } from '../../../src/modules/subnets/index.js'
import { checkUpdate, modelOf, recompute } from '../../../src/modules/training/index.js'
import { getAggregationRule } from '../../../src/fl/rules/registry.js'
import { RawWs, answerProblem, rpcError, withoutData } from '../../unit/rpc/support/wire.js'
import { devnetOperator } from '../../../src/devnet/layout.js'
import { FEE, GAS_LIMIT, RawHttp, RunningNode, hashOf } from './support/running-node.js'
import { fedra } from '../cli/support/fedra.js'

/**
 * Every method of the JSON-RPC table against a real `fedra start` process (one validator that
 * commits on its own every ~100 ms), through the typed client and as raw JSON: real signed
 * transfers, the values they must move, proofs checked against headers whose commits are
 * checked; then the specification's examples and the limits at their defaults.
 *
 * Each happy-path case names the methods it covers and counts only if it got a successful
 * answer from each of them; the last case fails when a method of the table has no such case.
 */

/** Devnet accounts, one role each so balances and searches stay exact. */
const A = {
  payer: 0,
  payee: 1,
  async: 2,
  sync: 3,
  pager: 4,
  watched: 5,
  unwatched: 6,
  dup: 8,
  pending: 9,
  timeout: 10,
  replay: 11,
  subnetAdmin: 12,
  trainer: 13,
  aggregator: 14,
  curator: 15,
  contributor: 16,
  user: 17,
} as const
/** Accounts 20..419 send one transfer each in the in-flight limit test. */
const IN_FLIGHT_FIRST = 20
const IN_FLIGHT_CALLS = 400
/** Recipients nobody funded (their accounts start empty). */
const FRESH = { sync: 1000, async: 1001, pending: 1002, watched: 1003, unwatched: 1004, absent: 1999 }

/** What a node serves: the core table and the namespaces it registers through `extend` (blob_*, model_evaluate, model_infer). */
const SERVED_API = { ...FEDRA_API, ...BLOB_API, ...MODEL_EVALUATE_API, ...SERVING_API }

/** A resolved dispute the node's genesis imports (disputes' genesis): dispute_get and dispute_list read it. */
const GENESIS_DISPUTE = {
  id: '0',
  subnet: '0',
  round: '0',
  target: encodeAddress(new Uint8Array(20).fill(9)),
  claim: 'wrong_rejection',
  disputer: encodeAddress(new Uint8Array(20).fill(8)),
  bond: '5000',
  status: 'dismissed',
  slashed: '250',
  refunded: '0',
  burned: '5000',
  opened_height: '1',
  resolved_height: '1',
  proposal: null,
}
type ServedMethod = keyof typeof SERVED_API

const bankPath = (address: Uint8Array) => `bank/62${toHex(address)}${Buffer.from('ufdr').toString('hex')}`
type PrivateKeyOf = ReturnType<typeof devnetOperator>
const ufdr = (account: { balances: { denom: string; amount: string }[] }) =>
  BigInt(account.balances.find((b) => b.denom === 'ufdr')?.amount ?? '0')

describe('JSON-RPC against a running node (fedra start, one validator)', function () {
  this.timeout(60_000)
  let node: RunningNode
  let client: FedraClient
  let http: RawHttp
  const clients: FedraClient[] = []
  const sockets: RawWs[] = []
  /** Successful answers seen, by method (through the clients and raw HTTP). */
  const answered = new Map<string, number>()
  /** Methods with a passing happy-path case. */
  const covered = new Set<string>()
  const count = (method: string) => answered.set(method, (answered.get(method) ?? 0) + 1)

  /** Counts every successful answer a client gets, over HTTP and over its WebSocket. */
  function tracked(c: FedraClient): FedraClient {
    const call = c.call.bind(c) as (method: string, ...args: unknown[]) => Promise<unknown>
    ;(c as unknown as { call: typeof call }).call = async (method, ...args) => {
      const result = await call(method, ...args)
      count(method)
      return result
    }
    const ws = c.ws
    const wsCall = ws.call.bind(ws)
    ws.call = async (method, params) => {
      const result = await wsCall(method, params)
      count(method)
      return result
    }
    clients.push(c)
    return c
  }

  async function raw(method: string, params?: unknown, id: unknown = 1) {
    const answer = await http.call(method, params, id)
    assert.equal(answerProblem(JSON.stringify(answer)), null)
    if (answer.result !== undefined) count(method)
    return answer
  }

  /** A happy-path case: passes only if each of `methods` answered successfully during it. */
  function happy(methods: ServedMethod[], title: string, fn: () => Promise<void>): void {
    it(`${methods.join(' + ')}: ${title}`, async () => {
      const before = new Map(methods.map((m) => [m, answered.get(m) ?? 0]))
      await fn()
      for (const m of methods) assert.ok((answered.get(m) ?? 0) > before.get(m)!, `${m} never answered successfully in this case`)
      for (const m of methods) covered.add(m)
    })
  }

  const openWs = async () => {
    const ws = await RawWs.open(node.wsUrl)
    sockets.push(ws)
    return ws
  }

  let validator: { address: string; publicKey: string }
  /** validator0's operator account (fedra1…), which self-bonded it at genesis. */
  let operator: string

  before(async () => {
    node = await RunningNode.start({
      accounts: IN_FLIGHT_FIRST + IN_FLIGHT_CALLS,
      commitDelayMs: 100,
      env: { FEDRA_SERVING_ENABLED: 'true' },
      appState: { disputes: { disputes: [GENESIS_DISPUTE], totals: { next_id: '1', refunded: '0', burned: '5000' } } },
    })
    client = tracked(node.client)
    http = new RawHttp(node.url)
    // The devnet bonds its validators through staking (gen_validators), not genesis.validators.
    const v = (node.genesis().app_state as { staking: { gen_validators: { pub_key: string; operator: string }[] } }).staking
      .gen_validators[0]!
    validator = { address: PublicKey.fromBytes(fromHex(v.pub_key)).address, publicKey: v.pub_key }
    operator = v.operator
    await node.waitForHeight(3)
  })

  after(async () => {
    for (const ws of sockets) ws.close()
    for (const c of clients) c.close()
    http?.close()
    await node?.stop()
  })

  describe('methods (happy paths)', () => {
    happy(['chain_status'], 'names the chain, this node and its validator, and its latest block', async () => {
      const status = await client.status()
      assert.equal(status.nodeInfo.network, node.layout.chainId)
      assert.equal(status.nodeInfo.moniker, 'validator0')
      assert.equal(status.nodeInfo.nodeId, node.node.peerId)
      assert.deepEqual(status.validatorInfo, { address: validator.address, votingPower: '10' })
      assert.equal(status.syncInfo.catchingUp, false)
      assert.equal(status.syncInfo.earliestHeight, 1)
      const latest = await client.block(status.syncInfo.latestHeight)
      assert.equal(status.syncInfo.latestBlockId, latest.blockId)
      assert.equal(status.syncInfo.latestStateRoot, latest.header.stateRoot)
      assert.equal(status.syncInfo.latestBlockTime, latest.header.time)
      // The metrics port's /status sees the same node.
      assert.equal((await node.process.status())?.peerId, status.nodeInfo.nodeId)
    })

    happy(['chain_health'], 'is healthy: synced, and the latest block is fresh', async () => {
      const health = await client.health()
      assert.equal(health.healthy, true)
      assert.equal(health.catchingUp, false)
      assert.equal(health.peers, 0)
      assert.ok(health.latestHeight >= 3, `latest height ${health.latestHeight}`)
      assert.ok(health.latestBlockAgeMs !== null && health.latestBlockAgeMs < 10_000, `latest block ${health.latestBlockAgeMs} ms old`)
    })

    happy(['chain_getBlock'], 'by height, by hash and the latest, each linked to its parent', async () => {
      const h = await node.height()
      const block = await client.block(h)
      assert.equal(block.header.height, h)
      assert.equal(block.header.chainId, node.layout.chainId)
      assert.equal(block.header.proposer, validator.address)
      assert.deepEqual(await client.block(block.blockId), block)
      const parent = await client.block(h - 1)
      assert.equal(block.header.prevBlockId, parent.blockId)
      assert.equal(block.lastCommit!.blockId, parent.blockId)
      assert.ok((await client.block()).header.height >= h, 'the latest block is below a height already seen')
      // Raw JSON, params by position and by name.
      assert.deepEqual((await raw('chain_getBlock', [h])).result, block)
      assert.deepEqual((await raw('chain_getBlock', [null, block.blockId])).result, block)
      assert.deepEqual((await raw('chain_getBlock', { hash: block.blockId.toUpperCase() })).result, block)
    })

    /** The transfer broadcast in commit mode, which later cases look up. */
    const committed = {
      tx: new Uint8Array() as Uint8Array,
      hash: '',
      height: 0,
      index: 0,
      amount: 12_345n,
      payer: [0n, 0n] as [bigint, bigint],
      payee: 0n,
    }

    happy(['tx_broadcast', 'account_get'], 'commit mode returns the including block; the balances moved by amount and fee', async () => {
      const [payer, payee] = [await client.account(node.wallets.address(A.payer)), await client.account(node.wallets.address(A.payee))]
      assert.equal(payer.nonce, '0')
      assert.equal(payer.publicKey, null)
      committed.tx = node.wallets.transfer(A.payer, A.payee, committed.amount)
      committed.hash = hashOf(committed.tx)
      const answer = await client.broadcastTx(committed.tx, 'commit', 20_000)
      assert.equal(answer.hash, committed.hash)
      assert.equal(answer.mode, 'commit')
      assert.equal(answer.result!.code, 0, answer.result!.log)
      assert.equal(answer.result!.hash, committed.hash)
      committed.height = answer.height!
      committed.index = answer.index!
      const block = await client.block(committed.height)
      assert.equal(block.txs[committed.index], toHex(committed.tx))
      const [payerAfter, payeeAfter] = [
        await client.account(node.wallets.address(A.payer)),
        await client.account(node.wallets.address(A.payee)),
      ]
      assert.equal(ufdr(payerAfter), ufdr(payer) - committed.amount - FEE)
      assert.equal(ufdr(payeeAfter), ufdr(payee) + committed.amount)
      assert.equal(payerAfter.nonce, '1')
      assert.equal(payerAfter.publicKey, node.wallets.key(A.payer).publicKey.hex)
      assert.ok(payerAfter.height >= committed.height, `account read at ${payerAfter.height}, before the transfer's block`)
      committed.payer = [ufdr(payer), ufdr(payerAfter)]
      committed.payee = ufdr(payeeAfter)
    })

    happy(['tx_broadcast', 'tx_get'], 'sync mode admits a transfer; it then commits and credits a new account', async () => {
      const tx = node.wallets.transfer(A.sync, FRESH.sync, 777n)
      const answer = await client.broadcastTx(tx, 'sync')
      assert.deepEqual(answer, { hash: hashOf(tx), mode: 'sync' })
      const found = await node.waitForTx(answer.hash)
      assert.equal(found.result.code, 0)
      assert.deepEqual((await client.account(node.wallets.address(FRESH.sync))).balances, [{ denom: 'ufdr', amount: '777' }])
      // Raw JSON with params by position: the mode is the second param.
      const second = node.wallets.transfer(A.sync, FRESH.sync, 1n)
      assert.deepEqual((await raw('tx_broadcast', [toHex(second), 'sync'])).result, { hash: hashOf(second), mode: 'sync' })
      await node.waitForTx(hashOf(second))
    })

    happy(['tx_broadcast', 'tx_get'], 'async mode answers with the hash at once; the transfer commits', async () => {
      const tx = node.wallets.transfer(A.async, FRESH.async, 555n)
      const answer = await client.broadcastTx(tx, 'async')
      assert.deepEqual(answer, { hash: hashOf(tx), mode: 'async' })
      const found = await node.waitForTx(answer.hash)
      assert.equal(found.result.code, 0)
      assert.equal(found.signer, node.wallets.address(A.async))
      assert.deepEqual((await client.account(node.wallets.address(FRESH.async))).balances, [{ denom: 'ufdr', amount: '555' }])
    })

    happy(['tx_get'], 'returns the committed transfer at its height and index, decoded, with its result', async () => {
      const tx: IndexedTx = await client.tx(committed.hash)
      assert.equal(tx.hash, committed.hash)
      assert.equal(tx.height, committed.height)
      assert.equal(tx.index, committed.index)
      assert.equal(tx.tx, toHex(committed.tx))
      assert.equal(tx.signer, node.wallets.address(A.payer))
      assert.deepEqual(
        { ...tx.body!, messages: undefined },
        { nonce: '0', fee: String(FEE), gasLimit: '200000', memo: '', messages: undefined },
      )
      assert.equal(tx.body!.messages.length, 1)
      assert.equal(tx.body!.messages[0]!.type, 'bank/MsgSend')
      const value = tx.body!.messages[0]!.value as { to: string; amount: { denom: string; amount: string }[] }
      assert.equal(value.to, toHex(node.wallets.key(A.payee).publicKey.addressBytes))
      assert.deepEqual(value.amount, [{ denom: 'ufdr', amount: String(committed.amount) }])
      assert.equal(tx.result.code, 0)
      // Upper-case hex is accepted too.
      assert.deepEqual((await raw('tx_get', [committed.hash.toUpperCase()])).result, tx)
    })

    happy(['chain_getBlockResults'], "gives the transfer's result: code, gas, fee and transfer events", async () => {
      const results = await client.blockResults(committed.height)
      assert.equal(results.height, committed.height)
      const r = results.txResults[committed.index]!
      assert.equal(r.hash, committed.hash)
      assert.equal(r.code, 0)
      assert.ok(BigInt(r.gasUsed) > 0n && BigInt(r.gasUsed) <= BigInt(r.gasWanted), `gas used ${r.gasUsed} of ${r.gasWanted}`)
      const attrs = (type: string) => Object.fromEntries(r.events.find((e) => e.type === type)!.attributes.map((a) => [a.key, a.value]))
      assert.deepEqual(attrs('transfer'), {
        sender: node.wallets.address(A.payer),
        recipient: node.wallets.address(A.payee),
        amount: `${committed.amount}ufdr`,
      })
      assert.deepEqual(attrs('fee'), { payer: node.wallets.address(A.payer), amount: `${FEE}ufdr` })
      assert.equal(attrs('tx').hash, committed.hash)
    })

    happy(['chain_getCommit'], "the signed header of a height: the validator's precommit, verified by the client", async () => {
      const signed = await client.commit(committed.height)
      const block = await client.block(committed.height)
      assert.equal(signed.blockId, block.blockId)
      assert.deepEqual(signed.header, block.header)
      assert.equal(signed.commit.height, committed.height)
      assert.equal(signed.commit.blockId, block.blockId)
      assert.deepEqual(
        signed.commit.signatures.map((s) => s.validator),
        [validator.address],
      )
      const header = await client.verifiedHeader(committed.height)
      assert.equal(toHex(header.stateRoot), block.header.stateRoot)
      assert.equal((await client.commit()).header.height >= committed.height, true)
    })

    happy(['chain_getValidators'], 'the one genesis validator with its power and key', async () => {
      const set = await client.validators(committed.height)
      assert.equal(set.height, committed.height)
      assert.equal(set.totalPower, '10')
      assert.equal(set.proposer, validator.address)
      assert.deepEqual(
        set.validators.map((v) => [v.address, v.publicKey, v.votingPower]),
        [[validator.address, validator.publicKey, '10']],
      )
    })

    happy(['chain_genesis'], 'the genesis file the node runs', async () => {
      assert.deepEqual(await client.genesis(), node.genesis())
    })

    happy(['net_info'], 'listens on its p2p port and has no peers', async () => {
      const net = await client.netInfo()
      assert.equal(net.listening, true)
      assert.ok(
        net.listenAddrs.some((a) => a.includes(`/tcp/${node.node.p2pPort}`)),
        net.listenAddrs.join(', '),
      )
      assert.equal(net.peerCount, 0)
      assert.deepEqual(net.peers, [])
    })

    happy(['state_query'], "a value with a proof against that height's verified header, and its change across the transfer", async () => {
      const path = node.wallets.accountPath(A.payer)
      const at = await client.queryState(path, { height: committed.height, prove: true })
      assert.equal(at.height, committed.height)
      assert.notEqual(at.value, null)
      const verified = await client.verifyAnswer(path, at)
      assert.equal(verified.header.height, committed.height)
      assert.equal(toHex(verified.value!), at.value)
      // The balance key: before the block the payer held the genesis amount, after it less.
      const balance = bankPath(node.wallets.key(A.payer).publicKey.addressBytes)
      const [pre, post] = await Promise.all([
        client.verifiedQuery(balance, committed.height - 1),
        client.verifiedQuery(balance, committed.height),
      ])
      assert.deepEqual([BigInt(`0x${toHex(pre.value!)}`), BigInt(`0x${toHex(post.value!)}`)], committed.payer)
      // An account nobody used: a proof of absence.
      assert.equal((await client.verifiedQuery(node.wallets.accountPath(FRESH.absent))).value, null)
      // A value the node did not commit fails verification.
      const last = at.value!.at(-1) === '0' ? '1' : '0'
      const forged = await rpcError(() => client.verifyAnswer(path, { ...at, value: at.value!.slice(0, -1) + last }))
      assert.equal(forged.code, 'VERIFICATION_FAILED')
      // Without prove: the value alone.
      const plain = await client.queryState(path, { height: committed.height })
      assert.deepEqual([plain.value, plain.proof], [at.value, undefined])
    })

    happy(
      ['state_moduleQuery'],
      'a module query at the heights around the transfer, and one proven and replayed by the client',
      async () => {
        const payer = node.wallets.key(A.payer).publicKey.address
        const params = { address: payer, denom: 'ufdr' }
        const [pre, post] = await Promise.all(
          [committed.height - 1, committed.height].map((height) => client.moduleQuery('bank', 'balance', params, { height })),
        )
        assert.deepEqual([pre!.height, post!.height], [committed.height - 1, committed.height])
        assert.deepEqual(
          [BigInt((pre!.result as { amount: string }).amount), BigInt((post!.result as { amount: string }).amount)],
          committed.payer,
        )
        // Proven: every read's proof against the verified header, then bank's own query over those reads.
        assert.deepEqual(await client.verifiedModuleQuery(defaultRegistry(), 'bank', 'balance', params, committed.height), post!.result)
      },
    )

    happy(['tx_search', 'tx_broadcast'], 'by signer, height range, message type and event attribute, paged in both orders', async () => {
      const txs = Array.from({ length: 5 }, (_, i) => node.wallets.transfer(A.pager, A.payee, BigInt(100 + i)))
      for (const tx of txs) await client.broadcastTx(tx, 'sync')
      await node.waitForTx(hashOf(txs[4]!))
      const hashes = txs.map(hashOf)
      const signer = node.wallets.address(A.pager)

      const bySigner = await client.searchTxs({ signer })
      assert.deepEqual(
        bySigner.txs.map((t) => t.hash),
        hashes,
      )
      assert.equal(bySigner.next, null)
      assert.deepEqual(
        bySigner.txs.map((t) => t.body!.nonce),
        ['0', '1', '2', '3', '4'],
      )

      const pages: string[][] = []
      let cursor: string | undefined
      for (let page = 0; page < 10; page++) {
        const result = await client.searchTxs(cursor === undefined ? { signer, limit: 2 } : { signer, limit: 2, cursor })
        pages.push(result.txs.map((t) => t.hash))
        if (result.next === null) break
        cursor = result.next
      }
      assert.deepEqual(pages, [hashes.slice(0, 2), hashes.slice(2, 4), hashes.slice(4)])
      assert.deepEqual(
        (await client.searchTxs({ signer, order: 'desc' })).txs.map((t) => t.hash),
        [...hashes].reverse(),
      )

      const inBlock = await client.searchTxs({ minHeight: committed.height, maxHeight: committed.height, limit: 100 })
      assert.ok(
        inBlock.txs.some((t) => t.hash === committed.hash),
        'the transfer is not in its height range',
      )
      assert.ok(
        inBlock.txs.every((t) => t.height === committed.height),
        'a transaction outside the height range',
      )
      assert.deepEqual((await client.searchTxs({ signer: node.wallets.address(A.payer), minHeight: committed.height + 1 })).txs, [])

      assert.deepEqual(
        (await client.searchTxs({ signer, messageType: 'bank/MsgSend' })).txs.map((t) => t.hash),
        hashes,
      )
      assert.deepEqual((await client.searchTxs({ signer, messageType: 'staking/MsgDelegate' })).txs, [])

      const toFresh = await client.searchTxs({ event: { type: 'transfer', key: 'recipient', value: node.wallets.address(FRESH.async) } })
      assert.equal(toFresh.txs.length, 1)
      assert.equal(toFresh.txs[0]!.signer, node.wallets.address(A.async))
      const byAmount = await client.searchTxs({ signer, event: { type: 'transfer', key: 'amount', value: '102ufdr' } })
      assert.deepEqual(
        byAmount.txs.map((t) => t.hash),
        [hashes[2]],
      )
    })

    happy(['mempool_pending', 'tx_broadcast'], 'lists an admitted transaction until a block includes it', async () => {
      // Broadcast and listing in one batch: both run in the same turn of the node's event loop,
      // so no block can take the transaction in between. Retried if one ever does.
      let pending: { total: number; totalBytes: number; txs: { hash: string; size: number; tx: string }[] } | undefined
      let tx: Uint8Array = new Uint8Array()
      for (let attempt = 0; attempt < 5 && pending === undefined; attempt++) {
        tx = node.wallets.transfer(A.pending, FRESH.pending, 1n)
        const answer = await http.post(
          JSON.stringify([
            { jsonrpc: '2.0', method: 'tx_broadcast', params: { tx: toHex(tx), mode: 'sync' }, id: 1 },
            { jsonrpc: '2.0', method: 'mempool_pending', params: { limit: 1000 }, id: 2 },
          ]),
        )
        assert.notEqual(answer, 'closed')
        const [broadcast, listing] = JSON.parse((answer as { text: string }).text)
        assert.equal(broadcast.result.hash, hashOf(tx))
        count('tx_broadcast')
        count('mempool_pending')
        if (listing.result.txs.some((t: { hash: string }) => t.hash === hashOf(tx))) pending = listing.result
      }
      assert.ok(pending !== undefined, 'the transaction never showed as pending')
      assert.deepEqual(
        pending.txs.find((t) => t.hash === hashOf(tx)),
        { hash: hashOf(tx), size: tx.length, tx: toHex(tx) },
      )
      assert.ok(pending.total >= 1 && pending.total >= pending.txs.length, `total ${pending.total}, listed ${pending.txs.length}`)
      assert.ok(pending.totalBytes >= tx.length, `totalBytes ${pending.totalBytes}`)
      await node.waitForTx(hashOf(tx))
      const after = await client.pendingTxs(1000)
      assert.ok(!after.txs.some((t) => t.hash === hashOf(tx)), 'still pending after it was committed')
    })

    happy(['subscribe'], 'newBlocks streams each committed block once, in order, as chain_getBlock has it', async () => {
      const ws = tracked(new FedraClient({ url: node.wsUrl, validateResults: true }))
      const blocks: SubscriptionNotification<BlockJsonValue>[] = []
      const subscription = await ws.subscribeBlocks((n) => blocks.push(n))
      await waitFor('3 blocks', async () => blocks.length >= 3, 20_000, 10)
      await subscription.unsubscribe()
      const heights = blocks.map((n) => n.height)
      assert.equal(heights[0], subscription.nextHeight)
      heights.forEach((h, i) => assert.equal(h, heights[0]! + i))
      for (const n of blocks.slice(0, 3)) {
        assert.equal(n.result.header.height, n.height)
        assert.equal(n.result.blockId, (await client.block(n.height)).blockId)
      }
    })

    happy(['subscribe'], 'newBlocks with fromHeight replays from that height', async () => {
      const ws = tracked(new FedraClient({ url: node.wsUrl, validateResults: true }))
      const from = committed.height - 1
      const blocks: SubscriptionNotification<BlockJsonValue>[] = []
      await ws.subscribeBlocks((n) => blocks.push(n), { fromHeight: from })
      await waitFor('the replay', async () => blocks.length >= 4, 20_000, 10)
      assert.deepEqual(
        blocks.slice(0, 4).map((n) => n.height),
        [from, from + 1, from + 2, from + 3],
      )
      for (const n of blocks.slice(0, 4)) assert.deepEqual(n.result, await client.block(n.height))
    })

    happy(['subscribe', 'unsubscribe'], 'txs and events streams deliver only what matches their filter', async () => {
      const ws = tracked(new FedraClient({ url: node.wsUrl, validateResults: true }))
      const watched = node.wallets.address(A.watched)
      const txs: SubscriptionNotification<IndexedTx>[] = []
      const events: SubscriptionNotification<EventNotification>[] = []
      const bySigner = await ws.subscribeTxs({ signer: watched, messageType: 'bank/MsgSend' }, (n) => txs.push(n))
      const bySender = await ws.subscribeEvents({ type: 'transfer', attributes: { sender: watched } }, (n) => events.push(n))
      const first = await client.broadcastTx(node.wallets.transfer(A.watched, FRESH.watched, 5n), 'commit', 20_000)
      const other = await client.broadcastTx(node.wallets.transfer(A.unwatched, FRESH.unwatched, 6n), 'commit', 20_000)
      // Streams are in height order: once a later match arrives, nothing before it is still due.
      const last = await client.broadcastTx(node.wallets.transfer(A.watched, FRESH.watched, 7n), 'commit', 20_000)
      assert.ok(last.height! > other.height!, `heights ${other.height} then ${last.height}`)
      await waitFor(
        'the last transfer on both streams',
        async () => txs.some((n) => n.result.hash === last.hash) && events.some((n) => n.result.txHash === last.hash),
        20_000,
        10,
      )
      assert.deepEqual(
        txs.map((n) => [n.height, n.seq, n.result.hash]),
        [
          [first.height, first.index, first.hash],
          [last.height, last.index, last.hash],
        ],
      )
      assert.ok(
        txs.every((n) => n.result.signer === watched && n.result.result.code === 0),
        'a tx notification of another signer or that failed',
      )
      assert.deepEqual(
        events.map((n) => [n.height, n.result.phase, n.result.txHash, n.result.txIndex]),
        [
          [first.height, 'tx', first.hash, first.index],
          [last.height, 'tx', last.hash, last.index],
        ],
      )
      assert.ok(
        events.every((n) =>
          n.result.event.attributes.some((a) => a.key === 'recipient' && a.value === node.wallets.address(FRESH.watched)),
        ),
        'an event without the recipient',
      )
      await bySigner.unsubscribe()
      await bySender.unsubscribe()
    })

    happy(['unsubscribe'], 'stops a stream: nothing arrives for it afterwards, and a second unsubscribe says false', async () => {
      const ws = await openWs()
      const subscribed = JSON.parse(await ws.ask('{"jsonrpc":"2.0","method":"subscribe","params":["newBlocks"],"id":1}'))
      const id = subscribed.result.subscription as string
      count('subscribe')
      // Notifications may come before the unsubscribe answer, never after it.
      ws.send(`{"jsonrpc":"2.0","method":"unsubscribe","params":["${id}"],"id":2}`)
      let answer: { id?: number; result?: { unsubscribed: boolean } } = {}
      while (answer.id !== 2) answer = JSON.parse(await ws.next(5000))
      assert.deepEqual(answer.result, { unsubscribed: true })
      count('unsubscribe')
      const height = await node.height()
      await node.waitForHeight(height + 2)
      const again = JSON.parse(await ws.ask(`{"jsonrpc":"2.0","method":"unsubscribe","params":{"subscription":"${id}"},"id":3}`, 5000))
      assert.deepEqual(again, { jsonrpc: '2.0', id: 3, result: { unsubscribed: false } })
    })

    happy(['rpc.discover'], 'documents every method of the table, in OpenRPC 1.2.6', async () => {
      const doc = (await client.call('rpc.discover')) as {
        openrpc: string
        info: { version: string }
        methods: { name: string; params: unknown[]; result: unknown }[]
      }
      assert.equal(doc.openrpc, '1.2.6')
      assert.equal(doc.info.version, RPC_API_VERSION)
      assert.deepEqual(doc.methods.map((m) => m.name).sort(), Object.keys(SERVED_API).sort())
      for (const m of doc.methods) assert.equal(m.params.length, Object.keys(SERVED_API[m.name as ServedMethod].params).length, m.name)
    })

    happy(
      ['blob_put', 'blob_get', 'blob_stat', 'blob_providers'],
      'a blob put as base64 comes back, local, with this node as its provider (test/e2e/blobs covers the rest)',
      async () => {
        const data = Buffer.from('a small model').toString('base64')
        const put = (await raw('blob_put', { data })).result as { cid: string; size: number }
        assert.match(put.cid, /^bafkrei[a-z2-7]+$/)
        assert.equal(((await raw('blob_get', { cid: put.cid, localOnly: true })).result as { data: string }).data, data)
        assert.equal(((await raw('blob_stat', { cid: put.cid })).result as { local: boolean }).local, true)
        assert.equal(((await raw('blob_providers', { cid: put.cid })).result as { providers: string[] }).providers.length, 1)
      },
    )
  })

  describe('module methods (staking, slashing, distribution)', () => {
    const MODULE_METHODS: ServedMethod[] = [
      'staking_validators',
      'staking_validator',
      'staking_delegation',
      'staking_delegations',
      'staking_validatorDelegations',
      'staking_unbondings',
      'staking_redelegations',
      'staking_params',
      'staking_pool',
      'slashing_signingInfo',
      'slashing_signingInfos',
      'slashing_params',
      'distribution_rewards',
      'distribution_commission',
      'distribution_outstanding',
      'distribution_communityPool',
      'distribution_params',
      'distribution_withdrawAddress',
    ]
    happy(
      MODULE_METHODS,
      "validator0 bonded at genesis by its operator: its set, self-delegation, signing info and rewards, each at the node's latest height",
      async () => {
        const at = async (method: ServedMethod, params: Record<string, unknown>) => {
          const answer = (await raw(method, params)).result as { height: number } & Record<string, any>
          assert.ok(answer !== undefined, `${method} answered no result`)
          assert.ok(answer.height >= 3, method)
          return answer
        }
        const { validators } = await at('staking_validators', {})
        assert.deepEqual(
          validators.map((v: any) => [v.moniker, v.status, v.jailed, v.power, v.consensus_pubkey]),
          [['validator0', 'bonded', false, '10', validator.publicKey]],
        )
        const valoper = validators[0].operator as string
        assert.equal((await at('staking_validator', { validator: operator })).operator, valoper)
        assert.equal((await at('staking_delegation', { delegator: operator, validator: valoper })).balance, '10000000')
        assert.equal((await at('staking_delegations', { delegator: operator })).delegations.length, 1)
        assert.equal((await at('staking_validatorDelegations', { validator: valoper })).delegations.length, 1)
        assert.deepEqual((await at('staking_unbondings', { delegator: operator })).unbondings, [])
        assert.deepEqual((await at('staking_redelegations', { delegator: operator })).redelegations, [])
        assert.equal((await at('staking_params', {})).bond_denom, 'ufdr')
        assert.equal((await at('staking_pool', {})).bonded_tokens, '10000000')
        assert.equal((await at('slashing_signingInfo', { address: valoper })).tombstoned, false)
        assert.equal((await at('slashing_signingInfos', {})).signing_infos.length, 1)
        assert.equal((await at('slashing_params', {})).signed_blocks_window, '100')
        // The devnet mints 1 FDR a block for validator0 and its delegators: rewards accrue.
        const rewards = await at('distribution_rewards', { delegator: operator })
        assert.ok(
          rewards.total.length === 1 && rewards.total[0].denom === 'ufdr' && Number(rewards.total[0].amount) > 0,
          JSON.stringify(rewards),
        )
        assert.equal((await at('distribution_commission', { validator: valoper })).validator, valoper)
        assert.equal((await at('distribution_outstanding', { validator: valoper })).validator, valoper)
        assert.ok(Array.isArray((await at('distribution_communityPool', {})).pool))
        assert.equal((await at('distribution_params', {})).emission_per_block, '1000000')
        assert.equal((await at('distribution_withdrawAddress', { delegator: operator })).withdraw_address, operator)
      },
    )
  })

  describe('subnet, round and model methods', () => {
    const TRAINING_METHODS: ServedMethod[] = [
      'subnet_get',
      'subnet_list',
      'subnet_members',
      'subnet_allowList',
      'subnet_params',
      'round_get',
      'round_updates',
      'round_rejectedUpdates',
      'model_version',
      'model_versions',
      'model_latest',
      'training_params',
      'subnet_dpLedger',
      'subnet_envelopeKeys',
      'round_secagg',
    ]
    happy(
      TRAINING_METHODS,
      'a subnet created over RPC (a 2→2 MLP, its initial model put with blob_put): its record, first round and version 0',
      async () => {
        const initial = encodeUpdateBlob({ dtype: 'int32', shape: [6], scale: 16384, values: Int32Array.of(1, -2, 3, -4, 5, -6) })
        const { cid } = (await raw('blob_put', { data: Buffer.from(initial).toString('base64'), pin: true })).result as { cid: string }
        const admin = node.wallets.key(A.subnetAdmin)
        const create = messages.subnetsCreate({
          name: 'e2e',
          domain: 'test/e2e',
          modelSpec: canonicalModelSpec(mlpSpec([2, 2])),
          initialModelCid: cid,
          allowList: [node.wallets.address(A.payee)],
          params: { validation_set: cid, membership: 'open' },
        })
        const tx = await buildTx(client, admin, [create], { fee: FEE, gasLimit: GAS_LIMIT })
        const sent = await client.broadcastTx(tx, 'commit', 20_000)
        assert.equal(sent.result?.code, 0, JSON.stringify(sent.result))
        const { subnets } = await client.call('subnet_list')
        const subnet = subnets.find((s) => s.admin === admin.publicKey.address)!
        assert.ok(subnet !== undefined, 'the new subnet is not listed')
        const got = await client.call('subnet_get', { id: subnet.id })
        assert.deepEqual(
          [got.name, got.parameter_count, got.initial_model_cid, got.params.aggregation_rule, got.params.validation_set],
          ['e2e', '6', cid, 'fedavg', cid],
        )
        assert.deepEqual((await client.call('subnet_members', { subnet: subnet.id })).members, [])
        assert.deepEqual((await client.call('subnet_allowList', { subnet: subnet.id })).allow_list, [node.wallets.address(A.payee)])
        assert.equal((await client.call('subnet_params')).creation_deposit, got.deposit)
        // The first round opens at a block after the creation's.
        await waitFor(
          'the first round to open',
          () =>
            client.call('round_get', { subnet: subnet.id }).then(
              () => true,
              () => false,
            ),
          10_000,
          50,
        )
        const round = await client.call('round_get', { subnet: subnet.id })
        assert.deepEqual([round.base_version, round.base_global_cid, round.rule, round.updates], ['0', cid, 'fedavg', 0])
        assert.deepEqual((await client.call('round_updates', { subnet: subnet.id, round: round.round })).updates, [])
        assert.deepEqual((await client.call('round_rejectedUpdates', { subnet: subnet.id, round: round.round })).rejected_updates, [])
        const v0 = await client.call('model_version', { subnet: subnet.id, version: '0' })
        assert.deepEqual([v0.version, v0.global_cid, v0.round, v0.parent], ['0', cid, null, null])
        assert.deepEqual(
          (await client.call('model_versions', { subnet: subnet.id })).versions.map((v) => v.version),
          ['0'],
        )
        assert.equal((await client.call('model_latest', { subnet: subnet.id })).global_cid, cid)
        assert.ok(Number((await client.call('training_params')).gas_per_coordinate) >= 0)
        const ledger = await client.call('subnet_dpLedger', { subnet: subnet.id })
        assert.deepEqual([ledger.policy, ledger.rounds, ledger.epsilon], [null, '0', '0'], 'no DP policy: an empty ledger')
        const keys = await client.call('subnet_envelopeKeys', { subnet: subnet.id })
        assert.deepEqual([keys.private, keys.key_set], [false, null], 'no key set published: not a private subnet')
        const secagg = await client.call('round_secagg', { subnet: subnet.id, round: round.round })
        assert.deepEqual([secagg.rule, secagg.roster], ['fedavg', null], 'a plain round has no secagg roster')
      },
    )
  })

  describe("model evaluation (the dashboard's accuracy curve)", () => {
    happy(
      ['model_evaluate'],
      "the e2e subnet's version 0 (a 2→2 MLP): not an MNIST model, so the node says why instead of evaluating",
      async () => {
        const subnet = (await client.call('subnet_list')).subnets.find(
          (s) => s.admin === node.wallets.key(A.subnetAdmin).publicKey.address,
        )!
        const answer = (await raw('model_evaluate', { subnet: subnet.id, version: '0' })).result as {
          dataset: string | null
          reason: string
          global_cid: string
          accuracy: number | null
        }
        assert.equal(answer.dataset, null)
        assert.equal(answer.accuracy, null)
        assert.equal(answer.global_cid, subnet.initial_model_cid)
        assert.match(answer.reason, /takes 2 inputs, not the 784 pixels/)
        const unknown = await http.call('model_evaluate', { subnet: subnet.id, version: '999' }, 1)
        assert.equal((unknown.error as { code: number }).code, -32007)
      },
    )
  })

  describe('reputation and contribution methods', () => {
    const REPUTATION_METHODS: ServedMethod[] = [
      'reputation_params',
      'reputation_get',
      'reputation_list',
      'reputation_history',
      'reputation_commitments',
      'reputation_standings',
      'contribution_receipt',
      'contribution_receipts',
      'contribution_getProof',
      'rewards_params',
      'rewards_pool',
      'rewards_treasury',
      'rewards_payouts',
      'rewards_totals',
    ]
    happy(
      REPUTATION_METHODS,
      "a round of the e2e subnet played over RPC (a trainer's update, an aggregate): its receipt, proven; no validator scored it",
      async () => {
        const admin = node.wallets.key(A.subnetAdmin)
        const subnet = (await client.call('subnet_list')).subnets.find((s) => s.admin === admin.publicKey.address)!
        const trainer = node.wallets.key(A.trainer)
        const aggregator = node.wallets.key(A.aggregator)
        const send = async (key: typeof trainer, msg: Uint8Array) => {
          const sent = await client.broadcastTx(await buildTx(client, key, [msg], { fee: FEE, gasLimit: GAS_LIMIT }), 'commit', 20_000)
          assert.equal(sent.result?.code, 0, JSON.stringify(sent.result))
          return sent
        }
        await send(trainer, messages.subnetsJoin(subnet.id, 'trainer', '1000000ufdr'))
        await send(aggregator, messages.subnetsJoin(subnet.id, 'aggregator', '10000000ufdr'))
        // A round whose submit window is open now (the next one, if this one is past it).
        const round = await waitFor(
          'a round taking updates',
          async () => {
            const r = await client.call('round_get', { subnet: subnet.id })
            return r.phase === 'submit' && Number(r.submit_end_height) - r.height > 3 ? r : undefined
          },
          30_000,
          50,
        )
        const update = encodeUpdateBlob({ dtype: 'int16', shape: [6], scale: 16384, values: Int32Array.of(10, -20, 30, 0, 5, -5) })
        const { cid } = (await raw('blob_put', { data: Buffer.from(update).toString('base64'), pin: true })).result as { cid: string }
        await send(
          trainer,
          messages.trainingSubmitUpdate({
            subnet: subnet.id,
            round: round.round,
            updateCid: cid,
            sampleCount: 10,
            byteSize: update.length,
            deviceIdHash: new Uint8Array(32),
          }),
        )
        await waitFor(
          'the aggregate window',
          async () => (await client.call('round_get', { subnet: subnet.id, round: round.round })).phase === 'aggregate',
          30_000,
          50,
        )
        // The aggregate as the chain computes it (the training module's own functions).
        const format = { dtype: 'int16', scale: 16384, maxAbs: round.quantization.max_abs, parameterCount: 6 }
        const baseBytes = Buffer.from(((await raw('blob_get', { cid: round.base_global_cid })).result as { data: string }).data, 'base64')
        const result = recompute(
          getAggregationRule('fedavg'),
          [checkUpdate(update, format).values],
          [10],
          modelOf(new Uint8Array(baseBytes), 6, round.base_global_cid),
          format,
        )
        for (const bytes of [result.aggregateBytes, result.modelBytes])
          await raw('blob_put', { data: Buffer.from(bytes).toString('base64'), pin: true })
        await send(
          aggregator,
          messages.trainingSubmitAggregate({
            subnet: subnet.id,
            round: round.round,
            baseGlobalCid: round.base_global_cid,
            included: [{ trainer: trainer.publicKey.address, updateCid: cid }],
            resultCid: result.aggregateCid,
            newGlobalCid: result.modelCid,
          }),
        )
        await waitFor(
          'the round to close',
          async () => (await client.call('round_get', { subnet: subnet.id, round: round.round })).closed,
          30_000,
          50,
        )
        const t = trainer.publicKey.address
        assert.equal((await client.call('reputation_params')).kappa, '0.5')
        const rep = await client.call('reputation_get', { subnet: subnet.id, trainer: t })
        assert.equal(rep.trainer, t)
        assert.ok(Array.isArray((await client.call('reputation_list', { subnet: subnet.id })).reputations))
        assert.deepEqual(
          (await client.call('reputation_history', { subnet: subnet.id, trainer: t })).history.map((h) => h.scored),
          [false],
        )
        const windows = await client.call('reputation_commitments', { subnet: subnet.id, round: round.round })
        assert.deepEqual(windows.commitments, [], 'no validator scored (score_window 0)')
        assert.deepEqual((await client.call('reputation_standings', { subnet: subnet.id })).standings, [])
        const receipt = await client.call('contribution_receipt', { subnet: subnet.id, round: round.round, trainer: t })
        assert.deepEqual([receipt.update_cid, receipt.scored, receipt.consensus_score, receipt.reward], [cid, false, '0', '0'])
        assert.equal((await client.call('contribution_receipts', { subnet: subnet.id, round: round.round })).receipts.length, 1)
        // Nobody scored: the round's emission paid the aggregator and the treasury; the trainers' share is carried.
        const payouts = await client.call('rewards_payouts', { subnet: subnet.id, round: round.round })
        assert.deepEqual(
          [payouts.scored, payouts.aggregator?.address, payouts.trainers.map((p) => p.reward)],
          [false, aggregator.publicKey.address, ['0']],
        )
        const emission = BigInt((await client.call('rewards_params')).emission_per_round)
        assert.equal(BigInt((await client.call('rewards_totals')).emitted) >= emission, true)
        assert.ok(BigInt((await client.call('rewards_pool', { subnet: subnet.id })).pool) > 0n, 'the carried share waits in the pool')
        assert.equal((await client.call('rewards_treasury', { subnet: subnet.id })).treasury, payouts.treasury)
        const proof = await client.call('contribution_getProof', { subnet: subnet.id, round: round.round, trainer: t })
        assert.equal(proof.receipt?.update_cid, cid)
        // The client checks it itself: its bytes against the state root of a header it verified.
        const verified = await client.verifiedContribution(subnet.id, round.round, t, proof.height)
        assert.equal(verified.receipt?.updateCid, cid)
        assert.equal(verified.header.height, proof.height)
        // The CLI checks it too: verified at a height, refused beyond the chain, and an absence proven.
        const verify = (trainerAddress: string, height: number) =>
          fedra([
            'query',
            'contribution',
            subnet.id,
            round.round,
            trainerAddress,
            '--verify',
            '--node',
            node.url,
            '--height',
            String(height),
          ])
        const cli = verify(t, proof.height)
        assert.equal(cli.code, 0, cli.stderr)
        assert.match(cli.stdout, new RegExp(`verified +yes, against the state root of height ${proof.height}`))
        assert.match(cli.stdout, new RegExp(`update +${cid}`))
        const beyond = verify(t, proof.height + 100_000)
        assert.equal(beyond.code, 1, beyond.stdout)
        assert.match(beyond.stderr, /HEIGHT_UNAVAILABLE|outside/)
        const absent = verify(aggregator.publicKey.address, proof.height)
        assert.equal(absent.code, 1, absent.stderr)
        assert.match(absent.stdout, /^VERIFIED: no receipt of round \d+ of subnet \d+ for fedra1/m)
        // A node that lies is caught: the same answer with its receipt bytes, its height or its proof changed.
        const lying = (edit: (answer: typeof proof) => void) => {
          const liar = new FedraClient({ url: node.url })
          const call = liar.call.bind(liar)
          liar.call = (async (method: string, params: unknown) => {
            const answer = await call(method as never, params as never)
            if (method === 'contribution_getProof') edit(answer as typeof proof)
            return answer
          }) as typeof liar.call
          return liar
        }
        const refusedBy = async (liar: FedraClient, at?: number) => {
          try {
            await assert.rejects(
              liar.verifiedContribution(subnet.id, round.round, t, at),
              (error: Error & { code?: string }) => error.code === 'VERIFICATION_FAILED',
            )
          } finally {
            liar.close()
          }
        }
        await refusedBy(lying((a) => void (a.value = a.value!.slice(0, -2) + (a.value!.endsWith('00') ? '01' : '00'))))
        await refusedBy(
          lying((a) => void (a.height -= 1)),
          proof.height,
        )
        await refusedBy(lying((a) => void (a.proof.siblings[0] = a.proof.siblings[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0')))))
      },
    )
  })

  describe('datanet, lineage and usage methods', () => {
    const send = async (key: ReturnType<RunningNode['wallets']['key']>, msgs: Uint8Array[]) => {
      const sent = await client.broadcastTx(await buildTx(client, key, msgs, { fee: FEE, gasLimit: GAS_LIMIT }), 'commit', 20_000)
      assert.equal(sent.result?.code, 0, JSON.stringify(sent.result))
      return sent
    }
    const e2eSubnet = async () =>
      (await client.call('subnet_list')).subnets.find((s) => s.admin === node.wallets.key(A.subnetAdmin).publicKey.address)!

    const DATANET_METHODS: ServedMethod[] = [
      'datanet_params',
      'datanet_get',
      'datanet_list',
      'datanet_record',
      'datanet_records',
      'datanet_version',
      'datanet_versions',
      'datanet_getRecordProof',
      'datanet_declarations',
    ]
    happy(
      DATANET_METHODS,
      "a private Datanet: two records, one accepted and one rejected, version 1 published, the accepted one proven and declared by the e2e subnet's trainer",
      async () => {
        const curator = node.wallets.key(A.curator)
        const contributor = node.wallets.key(A.contributor)
        const trainer = node.wallets.key(A.trainer)
        const deposit = BigInt((await client.call('datanet_params')).creation_deposit)
        await send(curator, [
          messages.datanetsCreate({
            name: 'rpc-e2e',
            domain: 'tests/rpc',
            licence: 'CC0-1.0',
            curators: [curator.publicKey.address],
            approvals: 1,
            contributionBond: 1000n,
            rejectSlashFraction: '0.5',
            privacy: 'private',
          }),
        ])
        const dn = (await client.call('datanet_list', {})).datanets.find((d) => d.owner === curator.publicKey.address)!
        assert.deepEqual(
          [dn.name, dn.privacy, dn.deposit, dn.curators],
          ['rpc-e2e', 'private', String(deposit), [curator.publicKey.address]],
        )
        await send(
          contributor,
          ['aa', 'bb'].map((byte) =>
            messages.datanetsContribute({ datanet: dn.id, contentKind: 'hash', contentId: byte.repeat(32), size: 100, bond: '1000ufdr' }),
          ),
        )
        const { records } = await client.call('datanet_records', { datanet: dn.id })
        assert.deepEqual(
          records.map((r) => [r.content_id, r.status, r.contributor]),
          [
            ['aa'.repeat(32), 'pending', contributor.publicKey.address],
            ['bb'.repeat(32), 'pending', contributor.publicKey.address],
          ],
        )
        await send(curator, [
          messages.datanetsCurate({ datanet: dn.id, record: records[0]!.record, approve: true }),
          messages.datanetsCurate({ datanet: dn.id, record: records[1]!.record, approve: false, reason: 2 }),
        ])
        await send(curator, [messages.datanetsPublish(dn.id)])
        const accepted = await client.call('datanet_record', { datanet: dn.id, record: records[0]!.record })
        assert.deepEqual([accepted.status, accepted.quality, accepted.curations.map((c) => c.approve)], ['accepted', 1_000_000, [true]])
        const rejected = await client.call('datanet_record', { datanet: dn.id, record: records[1]!.record })
        assert.deepEqual([rejected.status, rejected.slashed, rejected.curations[0]!.reason], ['rejected', '500', 2])
        assert.equal((await client.call('datanet_get', { id: dn.id })).treasury, '500', "half the rejected record's bond")
        assert.deepEqual(
          (await client.call('datanet_records', { datanet: dn.id, status: 'accepted' })).records.map((r) => r.record),
          [records[0]!.record],
        )
        const version = await client.call('datanet_version', { datanet: dn.id, version: '1' })
        assert.equal(version.record_count, '1')
        assert.deepEqual(
          (await client.call('datanet_versions', { datanet: dn.id })).versions.map((v) => v.root),
          [version.root],
        )
        // The record's proof, checked here against the version's root.
        const proof = await client.call('datanet_getRecordProof', { datanet: dn.id, version: '1', record: records[0]!.record })
        assert.equal(proof.root, version.root)
        assert.ok(verifyMerkleProof(fromHex(proof.root), fromHex(proof.leaf), proof.index, proof.count, proof.proof.map(fromHex)))
        assert.ok(
          !verifyMerkleProof(
            fromHex(proof.root),
            fromHex(proof.leaf.replace(/.$/, (c) => (c === '0' ? '1' : '0'))),
            proof.index,
            proof.count,
            proof.proof.map(fromHex),
          ),
        )
        // The e2e subnet's trainer declares the accepted record for a round taking updates.
        const subnet = await e2eSubnet()
        const round = await waitFor(
          'a round taking updates',
          async () => {
            const r = await client.call('round_get', { subnet: subnet.id })
            return r.phase === 'submit' && Number(r.submit_end_height) - r.height > 3 ? r : undefined
          },
          30_000,
          50,
        )
        const root = merkleRoot([encode(DeclaredLeaf, { recordLeafHash: merkleLeafHash(fromHex(proof.leaf)), count: 10 })])
        await send(trainer, [
          messages.datanetsDeclare({
            subnet: subnet.id,
            round: round.round,
            datanet: dn.id,
            version: 1,
            records: [{ record: records[0]!.record, count: 10 }],
            root,
          }),
        ])
        const { declarations } = await client.call('datanet_declarations', { subnet: subnet.id, round: round.round })
        assert.deepEqual(
          declarations.map((d) => [d.trainer, d.datanet, d.version, d.root, d.records]),
          [[trainer.publicKey.address, dn.id, '1', toHex(root), [{ record: records[0]!.record, count: 10 }]]],
        )
      },
    )

    happy(['dispute_get', 'dispute_list'], 'the dispute the genesis imported, by id and in its subnet’s list', async () => {
      const { height, ...dispute } = await client.call('dispute_get', { id: '0' })
      assert.ok(height >= 1)
      assert.deepEqual(dispute, GENESIS_DISPUTE)
      const { disputes } = await client.call('dispute_list', { subnet: '0' })
      assert.deepEqual(disputes, [GENESIS_DISPUTE])
      assert.deepEqual((await client.call('dispute_list', { subnet: '1' })).disputes, [])
    })

    const LINEAGE_METHODS: ServedMethod[] = [
      'lineage_params',
      'lineage_version',
      'lineage_getAncestry',
      'lineage_getDescendants',
      'lineage_getContributors',
      'lineage_diff',
      'usage_receipt',
      'usage_owed',
      'usage_pool',
      'usage_totals',
    ]
    happy(
      LINEAGE_METHODS,
      "the e2e subnet's version 1 (the round played above): its record and ancestry, a use paid along it, the trainer's share owed and withdrawn",
      async () => {
        const subnet = await e2eSubnet()
        const trainer = node.wallets.key(A.trainer).publicKey.address
        const v1 = await waitFor(
          'version 1 attributed',
          async () => {
            const v = await client.call('lineage_version', { subnet: subnet.id, version: '1' })
            return v.status === 'attributed' ? v : undefined
          },
          30_000,
          50,
        )
        assert.deepEqual(v1.parents, [{ subnet: subnet.id, version: '0' }])
        assert.deepEqual(
          v1.trainers.map((t) => t.trainer),
          [trainer],
        )
        assert.ok(
          v1.credits.some((c) => c.contributor === trainer && BigInt(c.trainer) > 0n),
          'the trainer is credited',
        )
        const params = await client.call('lineage_params')
        const fee = 1_000_000n
        assert.ok(fee >= BigInt(params.min_use_fee))
        const user = node.wallets.key(A.user)
        await send(user, [messages.lineageUse({ subnet: subnet.id, version: 1, fee: `${fee}ufdr`, purpose: 'rpc e2e' })])
        const totals = await client.call('usage_totals')
        const receipt = await client.call('usage_receipt', { id: String(BigInt(totals.receipts) - 1n) })
        assert.deepEqual(
          [receipt.user, receipt.subnet, receipt.version, receipt.fee, receipt.purpose],
          [user.publicKey.address, subnet.id, '1', String(fee), 'rpc e2e'],
        )
        assert.equal(BigInt(receipt.parents_part) + BigInt(receipt.validators_part) + BigInt(receipt.pooled), fee, 'the fee is split whole')
        assert.equal((await client.call('usage_pool', { subnet: subnet.id, version: '1' })).accrued, receipt.pooled)
        const walk = await client.call('lineage_getAncestry', { subnet: subnet.id, version: '1' })
        assert.deepEqual(
          walk.nodes.map((n) => [n.version, n.depth]),
          [
            ['1', 0],
            ['0', 1],
          ],
        )
        assert.deepEqual(walk.edges, [{ child: { subnet: subnet.id, version: '1' }, parent: { subnet: subnet.id, version: '0' } }])
        assert.ok((await client.call('lineage_getDescendants', { subnet: subnet.id, version: '0' })).nodes.some((n) => n.version === '1'))
        const resolved = await client.call('lineage_getContributors', { subnet: subnet.id, version: '1' })
        assert.ok(resolved.contributors.some((c) => c.contributor === trainer))
        const diff = await client.call('lineage_diff', {
          from: { subnet: subnet.id, version: '0' },
          to: { subnet: subnet.id, version: '1' },
        })
        assert.deepEqual([diff.related, diff.trainers.added], [true, [trainer]])
        // The trainer's share, owed and withdrawn to the unit (less the transaction's fee).
        const owed = await client.call('usage_owed', { address: trainer })
        assert.ok(BigInt(owed.total) > 0n, JSON.stringify(owed))
        const before = ufdr(await client.account(trainer))
        await send(node.wallets.key(A.trainer), [messages.lineageWithdraw()])
        assert.equal(ufdr(await client.account(trainer)), before + BigInt(owed.total) - FEE)
        assert.equal((await client.call('usage_owed', { address: trainer })).total, '0')
      },
    )

    happy(
      ['model_infer'],
      "the e2e subnet's version 1 served (serving.enabled): the probabilities of its 2→2 model, its ancestry and trainer, the use receipt paid for it",
      async () => {
        const subnet = await e2eSubnet()
        const trainer = node.wallets.key(A.trainer).publicKey.address
        const receipt = String(BigInt((await client.call('usage_totals')).receipts) - 1n)
        const answer = (await raw('model_infer', { version: { subnet: subnet.id, version: '1' }, input: [1, -0.5], receipt })).result as {
          kind: string
          global_cid: string
          probabilities: number[]
          predicted: number
          receipt: { id: string; fee: string }
          ancestry: {
            versions: { version: string }[]
            roots: { version: string }[]
            datanet_versions: { datanet: string }[]
            contributors: { contributor: string }[]
          }
        }
        const v1 = await client.call('model_version', { subnet: subnet.id, version: '1' })
        assert.deepEqual([answer.kind, answer.global_cid], ['full', v1.global_cid])
        // the node's answer is the softmax of x·W + b of the version's blob (kernel [2, 2] then bias [2])
        const { data } = (await raw('blob_get', { cid: v1.global_cid })).result as { data: string }
        const model = decodeUpdateBlob(new Uint8Array(Buffer.from(data, 'base64')))
        const p = Array.from(model.values, (v) => v / model.scale)
        const logits = [0, 1].map((j) => 1 * p[j]! - 0.5 * p[2 + j]! + p[4 + j]!)
        const expected = logits.map((l) => Math.exp(l) / (Math.exp(logits[0]!) + Math.exp(logits[1]!)))
        answer.probabilities.forEach((q, j) => assert.ok(Math.abs(q - expected[j]!) < 1e-5, `class ${j}: ${q} vs ${expected[j]}`))
        assert.deepEqual(
          answer.ancestry.versions.map((v) => v.version),
          ['1', '0'],
        )
        assert.deepEqual(
          answer.ancestry.roots.map((v) => v.version),
          ['0'],
        )
        assert.ok(
          answer.ancestry.contributors.some((c) => c.contributor === trainer),
          JSON.stringify(answer.ancestry.contributors),
        )
        const recorded = await Promise.all(['1', '0'].map((version) => client.call('lineage_version', { subnet: subnet.id, version })))
        const datanets = [...new Set(recorded.flatMap((r) => r.datanet_versions.map((d) => `${d.datanet}@${d.version}`)))].sort()
        assert.deepEqual(
          answer.ancestry.datanet_versions.map((d) => `${d.datanet}@${(d as unknown as { version: string }).version}`).sort(),
          datanets,
        )
        assert.deepEqual([answer.receipt.id, answer.receipt.fee], [receipt, '1000000'])
        const refused = await http.call('model_infer', { version: { subnet: subnet.id, version: '99' }, input: [1, 2] })
        assert.deepEqual(
          [refused.error?.code, (refused.error?.data as { code: string } | undefined)?.code],
          [RPC_ERRORS.INFERENCE_REFUSED, 'UNKNOWN_VERSION'],
        )
      },
    )
  })

  describe('gov methods', () => {
    const GOV_METHODS: ServedMethod[] = [
      'gov_params',
      'gov_proposal',
      'gov_proposals',
      'gov_vote',
      'gov_votes',
      'gov_deposits',
      'gov_tally',
      'gov_upgradePlan',
      'gov_appliedUpgrades',
    ]
    happy(
      GOV_METHODS,
      "a text proposal: submitted below the minimum deposit, funded to it, voted by validator0's operator; its running tally is that vote's bonded power",
      async () => {
        const send = async (key: PrivateKeyOf, msgs: Uint8Array[]) => {
          const sent = await client.broadcastTx(await buildTx(client, key, msgs, { fee: FEE, gasLimit: GAS_LIMIT }), 'commit', 20_000)
          assert.equal(sent.result?.code, 0, JSON.stringify(sent.result))
        }
        const params = await client.call('gov_params')
        assert.equal(params.quorum, '0.334')
        const proposer = node.wallets.key(A.user)
        await send(proposer, [
          messages.govSubmitProposal({ messages: [], title: 'rpc e2e', summary: 'a text proposal', deposit: '1000ufdr' }),
        ])
        const mine = (await client.call('gov_proposals', { depositor: proposer.publicKey.address })).proposals
        assert.equal(mine.length, 1)
        const id = mine[0]!.id
        assert.deepEqual([mine[0]!.status, mine[0]!.total_deposit, mine[0]!.messages], ['deposit_period', '1000', []])
        assert.deepEqual(await client.call('gov_tally', { proposal: id }), {
          height: (await client.call('gov_tally', { proposal: id })).height,
          yes: '0',
          abstain: '0',
          no: '0',
          no_with_veto: '0',
          final: false,
        })
        await send(node.wallets.key(A.curator), [messages.govDeposit(id, `${BigInt(params.min_deposit) - 1000n}ufdr`)])
        const deposits = await client.call('gov_deposits', { proposal: id })
        assert.deepEqual([deposits.total, deposits.deposits.length], [params.min_deposit, 2])
        const voting = await client.call('gov_proposal', { id })
        assert.equal(voting.status, 'voting_period')
        assert.ok(voting.voting_end_time !== null)
        await send(devnetOperator(0), [messages.govVote(id, 'yes')])
        const vote = await client.call('gov_vote', { proposal: id, voter: operator })
        assert.deepEqual(vote.options, [{ option: 'yes', weight: '1' }])
        assert.deepEqual(
          (await client.call('gov_votes', { proposal: id })).votes.map((v) => v.voter),
          [operator],
        )
        const tally = await client.call('gov_tally', { proposal: id })
        const bonded = BigInt((await client.call('staking_pool')).bonded_tokens)
        assert.deepEqual(
          [tally.yes, tally.no, tally.final],
          [String(bonded), '0', false],
          'the only validator voted yes with all its bonded tokens',
        )
        assert.equal((await client.call('gov_upgradePlan')).plan, null)
        assert.deepEqual((await client.call('gov_appliedUpgrades')).upgrades, [])
      },
    )

    const SCOPE_METHODS: ServedMethod[] = ['gov_scope', 'gov_scopedProposal', 'gov_scopedProposals', 'gov_scopedTally']
    happy(
      SCOPE_METHODS,
      'a subnet put under governance by its admin, a scoped text proposal about it: its rules, record and running tally',
      async () => {
        const send = async (key: PrivateKeyOf, msgs: Uint8Array[]) => {
          const sent = await client.broadcastTx(await buildTx(client, key, msgs, { fee: FEE, gasLimit: GAS_LIMIT }), 'commit', 20_000)
          assert.equal(sent.result?.code, 0, JSON.stringify(sent.result))
        }
        const initial = encodeUpdateBlob({ dtype: 'int32', shape: [6], scale: 16384, values: Int32Array.of(1, 2, 3, 4, 5, 6) })
        const { cid } = (await raw('blob_put', { data: Buffer.from(initial).toString('base64'), pin: true })).result as { cid: string }
        const admin = node.wallets.key(A.user)
        await send(admin, [
          messages.subnetsCreate({
            name: 'governed',
            domain: 'test/e2e',
            modelSpec: canonicalModelSpec(mlpSpec([2, 2])),
            initialModelCid: cid,
            allowList: [],
            params: { validation_set: cid, membership: 'open' },
          }),
        ])
        const subnet = (await client.call('subnet_list')).subnets.find((x) => x.admin === admin.publicKey.address && x.name === 'governed')!
        assert.equal((await client.call('gov_scope', { scope: 'subnet', target: subnet.id })).governed, false)
        await send(admin, [
          messages.govEnableSubnetGovernance(subnet.id, {
            quorum: '0.5',
            threshold: '0.5',
            vetoThreshold: '0.334',
            votingPeriodMs: 600_000,
            minDeposit: 1000,
          }),
        ])
        const scope = await client.call('gov_scope', { scope: 'subnet', target: subnet.id })
        assert.deepEqual([scope.governed, scope.rules?.quorum, scope.rules?.min_deposit], [true, '0.5', '1000'])
        await send(admin, [
          messages.govSubmitScopedProposal({
            subnet: subnet.id,
            messages: [],
            title: 'scoped',
            summary: 'a text proposal',
            deposit: '1000ufdr',
          }),
        ])
        const { proposals } = await client.call('gov_scopedProposals', { target: subnet.id })
        assert.deepEqual(
          proposals.map((p) => [p.status, p.deposit]),
          [['voting_period', '1000']],
        )
        assert.equal((await client.call('gov_scopedProposal', { id: proposals[0]!.id })).title, 'scoped')
        const tally = await client.call('gov_scopedTally', { proposal: proposals[0]!.id })
        assert.deepEqual([tally.yes, tally.total, tally.final], ['0', '0', false])
      },
    )
  })

  describe('refusals', () => {
    it('tx_broadcast refuses a transaction already pending: mempool DUPLICATE, "already pending"', async () => {
      const tx = toHex(node.wallets.transfer(A.dup, A.payee, 1n))
      const call = (id: number) => ({ jsonrpc: '2.0', method: 'tx_broadcast', params: { tx, mode: 'sync' }, id })
      // Both in one batch: the second arrives while the first is certainly still pending.
      const answer = await http.post(JSON.stringify([call(1), call(2)]))
      assert.notEqual(answer, 'closed')
      const [first, second] = JSON.parse((answer as { text: string }).text)
      assert.equal(first.result.hash, hashOf(fromHex(tx)))
      assert.equal(second.error?.code, RPC_ERRORS.TX_REJECTED, `the second broadcast got ${JSON.stringify(second)}`)
      assert.deepEqual(
        { ...second.error.data, log: undefined },
        { hash: first.result.hash, code: MEMPOOL_CODES.DUPLICATE, codespace: 'mempool', log: undefined },
      )
      assert.match(second.error.data.log, /already pending/)
      // Once committed, the same bytes are still refused (committed recently), with the mempool's code.
      await node.waitForTx(first.result.hash)
      const again = await rpcError(() => client.broadcastTx(tx))
      assert.ok(again.is('TX_REJECTED'), again.message)
      assert.equal((again.context.data as { codespace: string }).codespace, 'mempool')
    })

    it('tx_broadcast refuses a replayed nonce with tx/REPLAYED and a future one with tx/NONCE_TOO_HIGH', async () => {
      await client.broadcastTx(node.wallets.transfer(A.replay, A.payee, 1n, { nonce: 0n }), 'commit', 20_000)
      const replayed = await rpcError(() => client.broadcastTx(node.wallets.transfer(A.replay, A.payee, 2n, { nonce: 0n })))
      assert.deepEqual(
        [(replayed.context.data as { codespace: string }).codespace, (replayed.context.data as { code: number }).code],
        ['tx', TX_CODES.REPLAYED],
      )
      const future = await rpcError(() => client.broadcastTx(node.wallets.transfer(A.replay, A.payee, 2n, { nonce: 5n })))
      assert.equal((future.context.data as { code: number }).code, TX_CODES.NONCE_TOO_HIGH)
    })

    it('names what is missing: no such block, height out of range, no such tx, subscribe over HTTP', async () => {
      assert.equal((await rpcError(() => client.block('ab'.repeat(32)))).context.rpcCode, RPC_ERRORS.NOT_FOUND)
      const ahead = await rpcError(() => client.block(10_000_000))
      assert.equal(ahead.context.rpcCode, RPC_ERRORS.HEIGHT_UNAVAILABLE)
      assert.deepEqual({ ...(ahead.context.data as object), latest: 0 }, { height: 10_000_000, earliest: 1, latest: 0 })
      assert.equal((await rpcError(() => client.tx('00'.repeat(32)))).context.rpcCode, RPC_ERRORS.NOT_FOUND)
      assert.equal((await raw('subscribe', { kind: 'newBlocks' })).error!.code, RPC_ERRORS.WEBSOCKET_REQUIRED)
      const bad = await rpcError(() =>
        client.account(node.wallets.address(0).slice(0, -1) + (node.wallets.address(0).endsWith('q') ? 'p' : 'q')),
      )
      assert.deepEqual([bad.context.rpcCode, (bad.context.data as { field: string }).field], [RPC_ERRORS.INVALID_PARAMS, 'params.address'])
    })
  })

  describe('JSON-RPC 2.0 specification examples (§7) on the node', () => {
    // Sent byte for byte as printed; the node has none of the examples' methods (subtract, sum,
    // get_data), so those answer -32601 where the specification shows a result.
    const NOT_FOUND = (id: string | number) => ({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id })
    const INVALID = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }
    const EXAMPLES: { name: string; request: string; response: unknown }[] = [
      { name: 'a Notification (update)', request: '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}', response: null },
      { name: 'a Notification (foobar)', request: '{"jsonrpc": "2.0", "method": "foobar"}', response: null },
      { name: 'rpc call of non-existent method', request: '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}', response: NOT_FOUND('1') },
      {
        name: 'rpc call with invalid JSON',
        request: '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]',
        response: { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
      },
      { name: 'rpc call with invalid Request object', request: '{"jsonrpc": "2.0", "method": 1, "params": "bar"}', response: INVALID },
      {
        name: 'rpc call Batch, invalid JSON',
        request: '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]',
        response: { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
      },
      { name: 'rpc call with an empty Array', request: '[]', response: INVALID },
      { name: 'rpc call with an invalid Batch (but not empty)', request: '[1]', response: [INVALID] },
      { name: 'rpc call with invalid Batch', request: '[1,2,3]', response: [INVALID, INVALID, INVALID] },
      {
        name: 'rpc call Batch',
        request:
          '[\n {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},\n {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},\n {"foo": "boo"},\n {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},\n {"jsonrpc": "2.0", "method": "get_data", "id": "9"}\n]',
        response: [NOT_FOUND('1'), NOT_FOUND('2'), INVALID, NOT_FOUND('5'), NOT_FOUND('9')],
      },
      {
        name: 'rpc call Batch (all notifications)',
        request:
          '[\n {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},\n {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}\n]',
        response: null,
      },
    ]

    for (const example of EXAMPLES) {
      it(`${example.name}, over HTTP and WebSocket`, async () => {
        const answer = await http.post(example.request)
        assert.notEqual(answer, 'closed')
        const { status, text } = answer as { status: number; text: string }
        if (example.response === null) assert.deepEqual([status, text], [204, ''])
        else assert.deepEqual([status, withoutData(JSON.parse(text))], [200, example.response])

        const ws = await openWs()
        ws.send(example.request)
        const marker = await ws.ask('{"jsonrpc":"2.0","method":"chain_health","id":"marker"}', 5000)
        if (example.response === null) {
          assert.equal(JSON.parse(marker).id, 'marker', 'a notification got an answer')
        } else {
          assert.deepEqual(withoutData(JSON.parse(marker)), example.response)
          assert.equal(JSON.parse(await ws.next(5000)).id, 'marker')
        }
      })
    }

    it("params by position and by name give the same answer (the examples' subtract, with chain_getBlock)", async () => {
      const byPosition = await raw('chain_getBlock', [2], 3)
      const byName = await raw('chain_getBlock', { height: 2 }, 4)
      assert.deepEqual([byPosition.id, byName.id], [3, 4])
      assert.deepEqual(byPosition.result, byName.result)
    })
  })

  describe('limits at their defaults', () => {
    it(`an HTTP body over ${DEFAULT_LIMITS.maxBodyBytes} bytes: 413, -32600 and the connection closed; over WebSocket: close 1009`, async () => {
      const body = `{"jsonrpc":"2.0","method":"tx_broadcast","params":["${'ab'.repeat(DEFAULT_LIMITS.maxBodyBytes / 2 + 1)}"],"id":1}`
      const own = new RawHttp(node.url, 1)
      try {
        const answer = await own.post(body)
        assert.notEqual(answer, 'closed')
        const { status, text } = answer as { status: number; text: string }
        assert.equal(status, 413)
        const error = JSON.parse(text).error
        assert.deepEqual([error.code, error.data.limit], [RPC_ERRORS.INVALID_REQUEST, DEFAULT_LIMITS.maxBodyBytes])
      } finally {
        own.close()
      }
      const ws = await openWs()
      ws.send(body)
      assert.equal(await ws.closed, 1009)
    })

    it(`a batch of ${DEFAULT_LIMITS.maxBatchSize + 1}: one -32600 error; of ${DEFAULT_LIMITS.maxBatchSize}: every answer`, async () => {
      const batch = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', method: 'chain_health', id: i })))
      const over = JSON.parse(((await http.post(batch(DEFAULT_LIMITS.maxBatchSize + 1))) as { text: string }).text)
      assert.deepEqual([over.error.code, over.error.data.limit, over.id], [RPC_ERRORS.INVALID_REQUEST, DEFAULT_LIMITS.maxBatchSize, null])
      const full = JSON.parse(((await http.post(batch(DEFAULT_LIMITS.maxBatchSize))) as { text: string }).text)
      assert.equal(full.length, DEFAULT_LIMITS.maxBatchSize)
      assert.ok(
        full.every((r: { result?: { healthy: boolean } }) => r.result?.healthy === true),
        'a call of the full batch failed',
      )
    })

    it(`JSON nested deeper than ${DEFAULT_LIMITS.maxJsonDepth}: -32600`, async () => {
      const nested = (n: number) => `{"jsonrpc":"2.0","method":"chain_health","params":${'['.repeat(n)}${']'.repeat(n)},"id":1}`
      const deep = JSON.parse(((await http.post(nested(DEFAULT_LIMITS.maxJsonDepth + 1))) as { text: string }).text)
      assert.deepEqual([deep.error.code, deep.error.data.limit], [RPC_ERRORS.INVALID_REQUEST, DEFAULT_LIMITS.maxJsonDepth])
      // Shallower nesting is parsed and reaches the method (whose params it then refuses).
      const shallow = JSON.parse(((await http.post(nested(10))) as { text: string }).text)
      assert.equal(shallow.error.code, RPC_ERRORS.INVALID_PARAMS)
    })

    it(`subscription ${DEFAULT_LIMITS.maxSubscriptionsPerClient + 1} on one WebSocket: -32004`, async () => {
      const ws = await openWs()
      const subscribe = (id: number) => ({
        jsonrpc: '2.0',
        method: 'subscribe',
        params: { kind: 'events', filter: { type: 'no-such-event' } },
        id,
      })
      const batch = JSON.parse(
        await ws.ask(JSON.stringify(Array.from({ length: DEFAULT_LIMITS.maxSubscriptionsPerClient }, (_, i) => subscribe(i))), 5000),
      )
      assert.ok(
        batch.every((r: { result?: { subscription: string } }) => typeof r.result?.subscription === 'string'),
        JSON.stringify(batch.find((r: { error?: unknown }) => r.error)) ?? '',
      )
      const over = JSON.parse(await ws.ask(JSON.stringify(subscribe(99)), 5000))
      assert.deepEqual(
        [over.error.code, over.error.data.limit],
        [RPC_ERRORS.TOO_MANY_SUBSCRIPTIONS, DEFAULT_LIMITS.maxSubscriptionsPerClient],
      )
    })

    it(`calls beyond the burst of ${DEFAULT_LIMITS.rateBurst} on one connection: -32003 rate`, async () => {
      const ws = await openWs()
      // Batch after batch, each sent once the previous one is answered, so the calls never reach
      // the in-flight limit, until the bucket runs dry: how soon depends on how fast this machine
      // answers (burst plus refill), so the loop runs until a refusal, bounded in batches.
      const maxBatches = 600
      const calls = (b: number) =>
        JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ jsonrpc: '2.0', method: 'chain_health', id: b * 100 + i })))
      const answers: { result?: { healthy: boolean }; error?: { code: number; data: { limit: string; retryAfterMs: number } } }[] = []
      const started = Date.now()
      let batches = 0
      let refusedAny = false
      while (batches < maxBatches && !refusedAny) {
        const batch = JSON.parse(await ws.ask(calls(batches++), 10_000)) as typeof answers
        refusedAny = batch.some((a) => a.error !== undefined)
        answers.push(...batch)
      }
      const seconds = (Date.now() - started) / 1000
      const refused = answers.filter((a) => a.error !== undefined)
      assert.equal(answers.length, batches * 100)
      assert.ok(refused.length > 0, `no call refused in ${seconds} s`)
      const wrong = refused.find(
        (a) => a.error!.code !== RPC_ERRORS.RATE_LIMITED || a.error!.data.limit !== 'rate' || !(a.error!.data.retryAfterMs > 0),
      )
      assert.equal(wrong, undefined, JSON.stringify(wrong))
      const served = answers.length - refused.length
      assert.ok(served >= DEFAULT_LIMITS.rateBurst, `only ${served} served before the first refusal`)
      assert.ok(served <= DEFAULT_LIMITS.rateBurst + DEFAULT_LIMITS.ratePerSecond * seconds + 1, `${served} served in ${seconds} s`)
    })

    it(`calls beyond ${DEFAULT_LIMITS.maxInFlightPerConnection} in flight on one connection: -32003 inFlight`, async () => {
      const ws = await openWs()
      // Commit-mode broadcasts stay in flight until a block includes them (≥ the commit delay).
      const call = (i: number) => ({
        jsonrpc: '2.0',
        method: 'tx_broadcast',
        params: [toHex(node.wallets.transfer(IN_FLIGHT_FIRST + i, A.payee, 1n)), 'commit', 30_000],
        id: i,
      })
      const bodies = Array.from({ length: IN_FLIGHT_CALLS / 100 }, (_, b) =>
        JSON.stringify(Array.from({ length: 100 }, (_, i) => call(b * 100 + i))),
      )
      for (const body of bodies) ws.send(body)
      const answers: { result?: { mode: string; result: { code: number } }; error?: { code: number; data: { limit: string } } }[] = []
      for (let b = 0; b < bodies.length; b++) answers.push(...JSON.parse(await ws.next(30_000)))
      const refused = answers.filter((a) => a.error !== undefined)
      assert.ok(
        refused.every((a) => a.error!.code === RPC_ERRORS.RATE_LIMITED && a.error!.data.limit === 'inFlight'),
        JSON.stringify(refused.find((a) => a.error!.code !== RPC_ERRORS.RATE_LIMITED || a.error!.data.limit !== 'inFlight')) ?? '',
      )
      assert.ok(refused.length > 0, 'nothing refused')
      const included = answers.filter((a) => a.result !== undefined)
      assert.ok(included.length >= DEFAULT_LIMITS.maxInFlightPerConnection, `${included.length} included`)
      assert.ok(
        included.every((a) => a.result!.mode === 'commit' && a.result!.result.code === 0),
        'an included transfer failed',
      )
    })

    it('tx_broadcast commit with a wait shorter than a block: -32002, and the transaction still commits', async () => {
      const tx = node.wallets.transfer(A.timeout, A.payee, 1n)
      const error = await rpcError(() => client.broadcastTx(tx, 'commit', 1))
      assert.equal(error.context.rpcCode, RPC_ERRORS.TIMEOUT)
      assert.deepEqual(error.context.data, { hash: hashOf(tx), timeoutMs: 1 })
      assert.equal((await node.waitForTx(hashOf(tx))).result.code, 0)
    })

    // One address can never reach maxConnections (1000) at the defaults: maxConnectionsPerIp (64)
    // binds first. test/unit/rpc/limits.test.ts covers the global bound with a small limit.
    it(`connections from one address beyond ${DEFAULT_LIMITS.maxConnectionsPerIp}: HTTP 429 with -32011, and accepted again once some close`, async () => {
      for (const ws of sockets.splice(0)) ws.close()
      const extra = 10
      const opened: { socket: Socket; received: Buffer[] }[] = []
      let connected = 0
      let closedByServer = 0
      try {
        for (let i = 0; i < DEFAULT_LIMITS.maxConnectionsPerIp + extra; i++) {
          const socket = connect(node.node.rpcPort, '127.0.0.1')
          const entry = { socket, received: [] as Buffer[] }
          socket.on('connect', () => connected++)
          socket.on('data', (chunk: Buffer) => entry.received.push(chunk))
          socket.on('close', () => closedByServer++)
          socket.on('error', () => {})
          opened.push(entry)
        }
        await waitFor('every socket to connect', async () => connected === opened.length, 20_000, 20)
        // The node also counts this test's other connections (clients, agents), fewer than 20.
        await waitFor('the server to close those over the limit', async () => closedByServer >= extra, 10_000, 20)
        assert.ok(closedByServer <= extra + 20, `${closedByServer} of ${connected} closed`)
        const refused = opened.filter((o) => o.received.length > 0).map((o) => Buffer.concat(o.received).toString('utf8'))
        assert.ok(refused.length >= extra, `${refused.length} answered`)
        for (const text of refused) {
          assert.match(text, /^HTTP\/1\.1 429 /)
          const body = JSON.parse(text.split('\r\n\r\n')[1]!)
          assert.deepEqual(body.error, {
            code: RPC_ERRORS.TOO_MANY_CONNECTIONS,
            message: `Too many connections: at most ${DEFAULT_LIMITS.maxConnectionsPerIp} connections per client address`,
            data: { limit: DEFAULT_LIMITS.maxConnectionsPerIp, scope: 'ip' },
          })
        }
      } finally {
        for (const { socket } of opened) socket.destroy()
      }
      await waitFor(
        'the server to accept again',
        async () => {
          const fresh = new RawHttp(node.url, 1)
          try {
            const answer = await fresh.post('{"jsonrpc":"2.0","method":"chain_health","id":1}', 2000)
            return answer !== 'closed' && answer.status === 200
          } finally {
            fresh.close()
          }
        },
        10_000,
        50,
      )
    })
  })

  // A suite of its own: mocha runs a suite's own tests before its child suites, and these must run last.
  describe('coverage and shutdown', () => {
    it('every method of the table has a passing happy-path case here', async () => {
      const discovered = ((await raw('rpc.discover')).result.methods as { name: string }[]).map((m) => m.name).sort()
      assert.deepEqual(
        discovered,
        Object.keys(SERVED_API).sort(),
        'the node serves another table than FEDRA_API + BLOB_API + MODEL_EVALUATE_API',
      )
      assert.deepEqual([...covered].sort(), discovered, 'methods without a happy-path case against the running node')
    })

    it('the node is still running, committing, and stops cleanly (exit 0)', async () => {
      const height = await node.height()
      await node.waitForHeight(height + 2)
      assert.equal(node.process.running, true)
      const code = await node.stop()
      assert.equal(code, 0, node.finalLog)
    })
  })
})

import assert from 'node:assert/strict'
import { ClientError, FedraClient, checkModuleQueryAnswer } from '../../../src/client/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { FEDRA_API, RPC_ERRORS, createRpcServer, type RpcServer } from '../../../src/rpc/index.js'
import { proofFromJson } from '../../../src/rpc/shapes.js'
import { BANK_ERRORS, defaultRegistry } from '../../../src/modules/index.js'
import { MEMPOOL_CODES } from '../../../src/node/mempool/index.js'
import { TX_CODES, verifyStateProof } from '../../../src/state/index.js'
import { testKey, transfer } from '../../helpers/chain.js'
import { RawWs, post, rpcError, silentLog, until } from '../../unit/rpc/support/wire.js'
import { TestNode } from './support/test-node.js'

const addr = (i: number) => testKey(i).publicKey.address
const accountPath = (i: number) => `auth/61${toHex(testKey(i).publicKey.addressBytes)}`

describe('RPC methods against the test node', function () {
  this.timeout(20_000)
  let node: TestNode
  let server: RpcServer
  let client: FedraClient
  let clockOffset = 0
  const hashes: { ok: string; failed: string } = { ok: '', failed: '' }

  before(async () => {
    node = await TestNode.start({ accounts: 8 })
    server = await createRpcServer({
      backend: node,
      listen: { port: 0 },
      log: silentLog,
      now: () => Date.now() + clockOffset,
      limits: { maxSubscriptionsPerClient: 3, maxReplayBlocks: 10 },
    })
    client = new FedraClient({ url: server.address.url, validateResults: true })
    const ok = transfer(0, 1, 5_000n, 0n)
    node.submitTx(ok)
    await node.produceBlock() // 1: 0 → 1
    const failing = transfer(2, 3, 10n ** 12n, 0n) // more than account 2 holds: included, fails in bank
    node.submitTx(transfer(2, 3, 7n, 0n))
    await node.produceBlock() // 2
    node.submitTx(failing)
    await node.produceBlock() // 3 (the failing one has nonce 0 again: admission refuses it, so it is not in)
    hashes.ok = toHex((await import('../../../src/state/index.js')).txHash(ok))
    void failing
  })
  after(async () => {
    client.close()
    await server.close()
    await node.stop()
  })

  describe('chain_*', () => {
    it('chain_status reports the latest block and its state root', async () => {
      const status = await client.status()
      assert.equal(status.nodeInfo.network, 'fedra-test-1')
      assert.equal(status.syncInfo.latestHeight, 3)
      const latest = await client.block(3)
      assert.equal(status.syncInfo.latestBlockId, latest.blockId)
      assert.equal(status.syncInfo.latestStateRoot, latest.header.stateRoot)
      assert.equal(status.validatorInfo!.votingPower, '10')
    })

    it('chain_health is healthy with a fresh block and not with a stale one', async () => {
      assert.equal((await client.health()).healthy, true)
      clockOffset = 10 * 60_000
      try {
        const health = await client.health()
        assert.equal(health.healthy, false)
        assert.ok(health.latestBlockAgeMs! >= 10 * 60_000)
      } finally {
        clockOffset = 0
      }
    })

    it('chain_getBlock by height, by hash, and the latest', async () => {
      const two = await client.block(2)
      assert.equal(two.header.height, 2)
      assert.equal(two.txs.length, 1)
      assert.deepEqual(await client.block(two.blockId), two)
      assert.equal((await client.block()).header.height, 3)
      const one = await client.block(1)
      assert.equal(two.header.prevBlockId, one.blockId)
      assert.equal(two.lastCommit!.blockId, one.blockId)
    })

    it('chain_getBlock refuses height and hash together, and says what is missing', async () => {
      const both = await rpcError(() => client.call('chain_getBlock', { height: 1, hash: 'aa'.repeat(32) }))
      assert.ok(both.is('INVALID_PARAMS'))
      assert.equal((both.context.data as { field: string }).field, 'params.hash')
      assert.ok((await rpcError(() => client.block('ab'.repeat(32)))).is('NOT_FOUND'))
      const future = await rpcError(() => client.block(99))
      assert.ok(future.is('HEIGHT_UNAVAILABLE'))
      assert.deepEqual(future.context.data, { height: 99, earliest: 1, latest: 3 })
      assert.ok((await rpcError(() => client.block(0))).is('HEIGHT_UNAVAILABLE'))
    })

    it('chain_getBlockResults gives per-transaction codes and events', async () => {
      const results = await client.blockResults(1)
      assert.equal(results.height, 1)
      assert.equal(results.txResults[0]!.code, 0)
      assert.equal(results.txResults[0]!.hash, hashes.ok)
      assert.deepEqual(
        results.txResults[0]!.events.map((e) => e.type),
        ['fee', 'tx', 'transfer'],
      )
    })

    it('chain_getCommit returns the header with the commit that decided it', async () => {
      const signed = await client.commit(2)
      assert.equal(signed.commit.blockId, signed.blockId)
      assert.equal(signed.header.height, 2)
      assert.equal(signed.commit.signatures.length, 1)
      assert.equal((await client.block(3)).lastCommit!.blockId, signed.blockId)
      await client.verifiedHeader(2)
    })

    it('chain_getValidators lists the set of a height', async () => {
      const set = await client.validators(1)
      assert.equal(set.validators.length, 1)
      assert.equal(set.validators[0]!.address, testKey(100).publicKey.address)
      assert.equal(set.totalPower, '10')
    })

    it('chain_genesis returns the genesis document', async () => {
      assert.equal(((await client.genesis()) as { chain_id: string }).chain_id, 'fedra-test-1')
    })

    it('net_info lists listen addresses and peers', async () => {
      const net = await client.netInfo()
      assert.equal(net.listening, true)
      assert.equal(net.peerCount, 0)
    })
  })

  describe('tx_* and mempool_*', () => {
    it('tx_broadcast sync admits a valid transaction and mempool_pending shows it', async () => {
      const tx = transfer(4, 5, 1n, 0n)
      const answer = await client.broadcastTx(tx, 'sync')
      assert.equal(answer.mode, 'sync')
      const pending = await client.pendingTxs()
      assert.equal(pending.total, 1)
      assert.equal(pending.txs[0]!.hash, answer.hash)
      assert.equal(pending.txs[0]!.tx, toHex(tx))
      await node.produceBlock()
    })

    it('tx_broadcast async answers with the hash at once', async () => {
      const tx = transfer(4, 5, 1n, 1n)
      const answer = await client.broadcastTx(tx, 'async')
      assert.equal(answer.mode, 'async')
      await until(() => node.pendingTxs(10).total === 1)
      await node.produceBlock()
      assert.equal((await client.tx(answer.hash)).result.code, 0)
    })

    it('tx_broadcast commit waits for inclusion and returns the result', async () => {
      const pending = client.broadcastTx(transfer(6, 7, 3n, 0n), 'commit', 5000)
      await until(() => node.pendingTxs(10).total === 1)
      await node.produceBlock()
      const answer = await pending
      assert.equal(answer.height, node.height)
      assert.equal(answer.index, 0)
      assert.equal(answer.result!.code, 0)
    })

    it('tx_broadcast commit times out with -32002 when no block includes it', async () => {
      const tx = transfer(6, 7, 3n, 1n)
      const error = await rpcError(() => client.broadcastTx(tx, 'commit', 100))
      assert.ok(error.is('TIMEOUT'))
      assert.equal((error.context.data as { timeoutMs: number }).timeoutMs, 100)
      await node.produceBlock()
    })

    it('tx_broadcast commit returns an included transaction that failed as a result with its code', async () => {
      const pending = client.broadcastTx(transfer(3, 4, 10n ** 15n, 0n), 'commit', 5000)
      await until(() => node.pendingTxs(10).total === 1)
      await node.produceBlock()
      const answer = await pending
      assert.equal(answer.result!.codespace, 'bank')
      assert.equal(answer.result!.code, BANK_ERRORS.INSUFFICIENT_FUNDS)
      hashes.failed = answer.hash
    })

    describe('refuses bad transactions with -32000 and the tx code', () => {
      const cases: [string, () => Uint8Array, keyof typeof TX_CODES][] = [
        ['a replayed nonce', () => transfer(0, 1, 1n, 0n), 'REPLAYED'],
        ['a nonce from the future', () => transfer(0, 1, 1n, 9n), 'NONCE_TOO_HIGH'],
        ['another chain', () => transfer(0, 1, 1n, 1n, { chainId: 'other-chain' }), 'WRONG_CHAIN'],
        [
          'a corrupted signature',
          () => {
            const tx = transfer(0, 1, 1n, 1n)
            tx[tx.length - 1]! ^= 1
            return tx
          },
          'BAD_SIGNATURE',
        ],
        ['garbage bytes', () => Uint8Array.of(1, 2, 3), 'MALFORMED'],
      ]
      for (const [name, make, code] of cases) {
        it(name, async () => {
          const error = await rpcError(() => client.broadcastTx(make(), 'sync'))
          assert.ok(error.is('TX_REJECTED'), error.message)
          const data = error.context.data as { code: number; codespace: string; log: string; hash: string }
          assert.equal(data.codespace, 'tx')
          assert.equal(data.code, TX_CODES[code])
          assert.equal(data.hash.length, 64)
          assert.ok(data.log.length > 0)
          assert.doesNotMatch(data.log, new RegExp(`${code}: ${code}`), 'the code is named once')
          assert.doesNotMatch(error.message, new RegExp(`${code}: ${code}`), 'the code is named once')
        })
      }
      it('a duplicate of a pending transaction (mempool codespace)', async () => {
        const tx = transfer(5, 6, 1n, 0n)
        await client.broadcastTx(tx)
        const error = await rpcError(() => client.broadcastTx(tx))
        assert.ok(error.is('TX_REJECTED'), error.message)
        const data = error.context.data as { code: number; codespace: string; log: string }
        assert.deepEqual([data.codespace, data.code], ['mempool', MEMPOOL_CODES.DUPLICATE])
        assert.match(data.log, /already pending/)
        await node.produceBlock()
      })
      it('a commit-mode broadcast that is refused does not wait', async () => {
        const started = Date.now()
        assert.ok((await rpcError(() => client.broadcastTx(transfer(0, 1, 1n, 0n), 'commit', 10_000))).is('TX_REJECTED'))
        assert.ok(Date.now() - started < 2000)
      })
      it('a tx param that is not hex is -32602 naming params.tx', async () => {
        const error = await rpcError(() => client.call('tx_broadcast', { tx: 'xyz' }))
        assert.ok(error.is('INVALID_PARAMS'))
        assert.equal((error.context.data as { field: string }).field, 'params.tx')
      })
    })

    it('tx_get returns a committed transaction with its decoded body and result', async () => {
      const tx = await client.tx(hashes.ok)
      assert.equal(tx.height, 1)
      assert.equal(tx.signer, addr(0))
      assert.equal(tx.body!.nonce, '0')
      assert.equal(tx.body!.messages[0]!.type, 'bank/MsgSend')
      assert.deepEqual((tx.body!.messages[0]!.value as { amount: unknown }).amount, [{ denom: 'ufdr', amount: '5000' }])
      assert.ok((await rpcError(() => client.tx('00'.repeat(32)))).is('NOT_FOUND'))
    })

    it('tx_search by signer, message type, event attribute and height range', async () => {
      const bySigner = await client.searchTxs({ signer: addr(0) })
      assert.deepEqual(
        bySigner.txs.map((t) => t.hash),
        [hashes.ok],
      )
      const byType = await client.searchTxs({ messageType: 'bank/MsgSend' })
      assert.ok(byType.txs.length >= 6)
      assert.ok(
        byType.txs.every(
          (t, i) =>
            i === 0 ||
            t.height > byType.txs[i - 1]!.height ||
            (t.height === byType.txs[i - 1]!.height && t.index > byType.txs[i - 1]!.index),
        ),
      )
      const byEvent = await client.searchTxs({ event: { type: 'transfer', key: 'recipient', value: addr(1) } })
      assert.deepEqual(
        byEvent.txs.map((t) => t.hash),
        [hashes.ok],
      )
      const inRange = await client.searchTxs({ minHeight: 2, maxHeight: 2 })
      assert.deepEqual(
        inRange.txs.map((t) => t.height),
        [2],
      )
      const failed = await client.searchTxs({ signer: addr(3) })
      assert.deepEqual(
        failed.txs.map((t) => t.hash),
        [hashes.failed],
      )
      assert.equal((await client.searchTxs({ signer: addr(0), messageType: 'nope/Msg' })).txs.length, 0)
    })

    it('tx_search pages with a cursor, in either order', async () => {
      const all = (await client.searchTxs({ limit: 100 })).txs.map((t) => t.hash)
      const paged: string[] = []
      let cursor: string | undefined
      for (let page = 0; page < 20; page++) {
        const result = await client.searchTxs(cursor === undefined ? { limit: 2 } : { limit: 2, cursor })
        paged.push(...result.txs.map((t) => t.hash))
        if (result.next === null) break
        cursor = result.next
      }
      assert.deepEqual(paged, all)
      const reversed = (await client.searchTxs({ limit: 100, order: 'desc' })).txs.map((t) => t.hash)
      assert.deepEqual(reversed, [...all].reverse())
      const bad = await rpcError(() => client.searchTxs({ cursor: 'not-a-cursor' }))
      assert.ok(bad.is('INVALID_PARAMS'))
      assert.equal((bad.context.data as { field: string }).field, 'params.cursor')
    })
  })

  describe('state_* and account_*', () => {
    it('account_get returns nonce, public key and balances', async () => {
      const account = await client.account(addr(0))
      assert.equal(account.nonce, '1')
      assert.equal(account.publicKey, testKey(0).publicKey.hex)
      assert.deepEqual(account.balances, [{ denom: 'ufdr', amount: String(1_000_000_000n - 5_000n - 200n) }])
      const fresh = await client.account(testKey(50).publicKey.address)
      assert.deepEqual([fresh.nonce, fresh.publicKey, fresh.balances], ['0', null, []])
    })

    it('account_get refuses an address with a bad checksum as -32602', async () => {
      const bad = addr(0).slice(0, -1) + (addr(0).endsWith('q') ? 'p' : 'q')
      const error = await rpcError(() => client.account(bad))
      assert.ok(error.is('INVALID_PARAMS'))
      assert.equal((error.context.data as { field: string }).field, 'params.address')
    })

    it("state_query returns a value with a proof that checks against that height's header", async () => {
      const answer = await client.queryState(accountPath(0), { height: 2, prove: true })
      assert.equal(answer.height, 2)
      assert.notEqual(answer.value, null)
      const header = (await client.block(2)).header
      assert.ok(
        verifyStateProof(
          Buffer.from(header.stateRoot, 'hex'),
          Buffer.from(answer.key, 'hex'),
          Buffer.from(answer.value!, 'hex'),
          proofFromJson(answer.proof!),
        ),
      )
      const plain = await client.queryState(accountPath(0))
      assert.equal(plain.proof, undefined)
    })

    it('state_query proves absence of a key', async () => {
      const answer = await client.queryState(accountPath(60), { prove: true })
      assert.equal(answer.value, null)
      const verified = await client.verifiedQuery(accountPath(60))
      assert.equal(verified.value, null)
    })

    it('state_moduleQuery answers a module query at a past height, and a proven one verifies in the client', async () => {
      const balance = (height?: number) =>
        client.moduleQuery('bank', 'balance', { address: addr(3), denom: 'ufdr' }, height === undefined ? {} : { height })
      const [one, three] = [await balance(1), await balance(3)]
      assert.deepEqual([one.height, one.module, one.query, three.height], [1, 'bank', 'balance', 3])
      // Block 2 moved 7 ufdr from account 2 to account 3.
      assert.equal(BigInt((three.result as { amount: string }).amount) - BigInt((one.result as { amount: string }).amount), 7n)
      assert.equal(one.reads, undefined)
      const verified = await client.verifiedModuleQuery(defaultRegistry(), 'bank', 'balance', { address: addr(3), denom: 'ufdr' }, 1)
      assert.deepEqual(verified, one.result)
      // A range query is answered at a past height too, but cannot be proven.
      assert.equal((await client.moduleQuery('bank', 'balances', { address: addr(3) }, { height: 1 })).height, 1)
      const unprovable = await rpcError(() => client.moduleQuery('bank', 'balances', { address: addr(3) }, { prove: true }))
      assert.ok(unprovable.is('QUERY_FAILED'))
      assert.deepEqual((unprovable.context.data as { codespace: string; code: string }).code, 'NOT_PROVABLE')
    })

    it('state_moduleQuery proofs catch a node that lies about a read, leaves one out, or sends another result', async () => {
      const params = { address: addr(3), denom: 'ufdr' }
      const answer = await client.moduleQuery('bank', 'balance', params, { height: 2, prove: true })
      const header = await client.verifiedHeader(2)
      const registry = defaultRegistry()
      assert.deepEqual(checkModuleQueryAnswer(answer, header, registry, params), answer.result)
      const read = answer.reads![0]!
      const lies = {
        'a tampered value': { ...answer, reads: [{ ...read, value: read.value!.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }] },
        'a read left out': { ...answer, reads: [] },
        'another result': { ...answer, result: { ...(answer.result as object), amount: '1' } },
        'no proofs': { ...answer, reads: undefined },
      }
      for (const [what, lie] of Object.entries(lies)) {
        assert.throws(
          () => checkModuleQueryAnswer(lie, header, registry, params),
          (error: unknown) => error instanceof ClientError && error.code === 'VERIFICATION_FAILED',
          what,
        )
      }
    })

    it('state_moduleQuery refuses an unknown query, bad names and an unavailable height', async () => {
      const unknown = await rpcError(() => client.moduleQuery('bank', 'nope'))
      assert.ok(unknown.is('QUERY_FAILED'))
      const badModule = await rpcError(() => client.call('state_moduleQuery', { module: 'Bank!', query: 'balance' }))
      assert.equal((badModule.context.data as { field: string }).field, 'params.module')
      assert.ok(
        (await rpcError(() => client.moduleQuery('bank', 'balance', { address: addr(3), denom: 'ufdr' }, { height: 1000 }))).is(
          'HEIGHT_UNAVAILABLE',
        ),
      )
    })

    it('state_query refuses a malformed path and an unavailable height', async () => {
      const error = await rpcError(() => client.queryState('auth/6'))
      assert.equal((error.context.data as { field: string }).field, 'params.path')
      assert.ok((await rpcError(() => client.queryState(accountPath(0), { height: 1000 }))).is('HEIGHT_UNAVAILABLE'))
    })
  })

  describe('subscriptions', () => {
    it('refuses subscribe over HTTP with -32006', async () => {
      const answer = JSON.parse(
        (await post(server.address.url, '{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"newBlocks"},"id":1}')).text,
      )
      assert.equal(answer.error.code, RPC_ERRORS.WEBSOCKET_REQUIRED)
    })

    it('newBlocks, txs and events streams deliver what the next block holds', async () => {
      const ws = new FedraClient({ url: server.address.wsUrl, validateResults: true })
      try {
        const blocks: number[] = []
        const txs: string[] = []
        const events: { type: string; txHash: string | null }[] = []
        await ws.subscribeBlocks((n) => blocks.push(n.result.header.height))
        await ws.subscribeTxs({ signer: addr(7) }, (n) => txs.push(n.result.hash))
        await ws.subscribeEvents({ type: 'transfer', attributes: { sender: addr(7) } }, (n) =>
          events.push({ type: n.result.event.type, txHash: n.result.txHash }),
        )
        const mine = await client.broadcastTx(transfer(7, 0, 11n, 0n))
        await client.broadcastTx(transfer(1, 0, 11n, 0n))
        await node.produceBlock()
        await until(() => blocks.length === 1 && txs.length === 1 && events.length === 1)
        assert.deepEqual(blocks, [node.height])
        assert.deepEqual(txs, [mine.hash])
        assert.deepEqual(events, [{ type: 'transfer', txHash: mine.hash }])
      } finally {
        ws.close()
      }
    })

    it('unsubscribe stops a stream', async () => {
      const raw = await RawWs.open(server.address.wsUrl)
      try {
        const { result } = JSON.parse(await raw.ask('{"jsonrpc":"2.0","method":"subscribe","params":["newBlocks"],"id":1}'))
        assert.deepEqual(
          JSON.parse(await raw.ask(`{"jsonrpc":"2.0","method":"unsubscribe","params":["${result.subscription}"],"id":2}`)).result,
          { unsubscribed: true },
        )
        assert.deepEqual(
          JSON.parse(await raw.ask(`{"jsonrpc":"2.0","method":"unsubscribe","params":["${result.subscription}"],"id":3}`)).result,
          { unsubscribed: false },
        )
        await node.produceBlock()
        const marker = JSON.parse(await raw.ask('{"jsonrpc":"2.0","method":"chain_status","id":4}'))
        assert.equal(marker.id, 4)
      } finally {
        raw.close()
      }
    })

    it('refuses more subscriptions per connection than the limit with -32004', async () => {
      const raw = await RawWs.open(server.address.wsUrl)
      try {
        for (let i = 0; i < 3; i++)
          assert.ok(JSON.parse(await raw.ask(`{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"newBlocks"},"id":${i}}`)).result)
        const over = JSON.parse(await raw.ask('{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"newBlocks"},"id":9}'))
        assert.equal(over.error.code, RPC_ERRORS.TOO_MANY_SUBSCRIPTIONS)
        assert.equal(over.error.data.limit, 3)
      } finally {
        raw.close()
      }
    })

    it('refuses a replay further back than maxReplayBlocks, and a filter of another kind', async () => {
      for (let i = node.height; i < 12; i++) await node.produceBlock()
      const raw = await RawWs.open(server.address.wsUrl)
      try {
        const old = JSON.parse(await raw.ask('{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"newBlocks","fromHeight":1},"id":1}'))
        assert.equal(old.error.code, RPC_ERRORS.HEIGHT_UNAVAILABLE)
        assert.equal(old.error.data.earliest, node.height - 9)
        const wrong = JSON.parse(
          await raw.ask('{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"newBlocks","filter":{"signer":"x"}},"id":2}'),
        )
        assert.equal(wrong.error.code, RPC_ERRORS.INVALID_PARAMS)
        const wrongKind = JSON.parse(
          await raw.ask(`{"jsonrpc":"2.0","method":"subscribe","params":{"kind":"events","filter":{"signer":"${addr(0)}"}},"id":3}`),
        )
        assert.equal(wrongKind.error.data.field, 'params.filter.signer')
      } finally {
        raw.close()
      }
    })
  })

  it('rpc.discover documents every method of the table', async () => {
    const doc = (await client.call('rpc.discover')) as { openrpc: string; methods: { name: string; params: unknown[]; result: unknown }[] }
    assert.equal(doc.openrpc, '1.2.6')
    assert.deepEqual(doc.methods.map((m) => m.name).sort(), Object.keys(FEDRA_API).sort())
    assert.deepEqual(
      server.table
        .list()
        .map((e) => e.spec.name)
        .sort(),
      Object.keys(FEDRA_API).sort(),
    )
  })
})

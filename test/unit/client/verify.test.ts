import assert from 'node:assert/strict'
import { ClientError, FedraClient } from '../../../src/client/index.js'
import type { Commit } from '../../../src/consensus/index.js'
import { toHex } from '../../../src/crypto/index.js'
import { type RpcBackend, type RpcServer, createRpcServer } from '../../../src/rpc/index.js'
import { testKey, transfer } from '../../helpers/chain.js'
import { TestNode } from '../../integration/rpc/support/test-node.js'
import { silentLog } from '../rpc/support/wire.js'

const accountPath = (i: number) => `auth/61${toHex(testKey(i).publicKey.addressBytes)}`

async function verificationError(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn()
  } catch (error) {
    if (error instanceof ClientError && error.code === 'VERIFICATION_FAILED') return error.context.reason ?? ''
    throw error
  }
  throw new Error('expected VERIFICATION_FAILED')
}

/** What a lying node may change in its answers. */
interface Lies {
  value?: boolean
  commitSignature?: boolean
  stateRoot?: boolean
}

/** The test node's answers, with the lies switched on in `lies` applied. */
function lyingBackend(node: TestNode, lies: Lies): RpcBackend {
  return new Proxy(node, {
    get(target, property, receiver) {
      if (property === 'queryState') {
        return (key: Uint8Array, height: number | undefined, prove: boolean) => {
          const answer = target.queryState(key, height, prove)
          if (!lies.value || answer.value === undefined) return answer
          const value = Uint8Array.from(answer.value)
          value[value.length - 1]! ^= 1
          return { ...answer, value }
        }
      }
      if (property === 'commit') {
        return (height: number): Commit | null => {
          const commit = target.commit(height)
          if (!lies.commitSignature || commit === null) return commit
          return {
            ...commit,
            signatures: commit.signatures.map((s) => ({ ...s, signature: Uint8Array.from(s.signature, (b, i) => (i === 0 ? b ^ 1 : b)) })),
          }
        }
      }
      if (property === 'blockByHeight') {
        return (height: number) => {
          const block = target.blockByHeight(height)
          if (!lies.stateRoot || block === null) return block
          return { ...block, header: { ...block.header, stateRoot: new Uint8Array(32).fill(7) } }
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('client verification of state reads', () => {
  let node: TestNode
  let honest: RpcServer
  let lying: RpcServer
  const lies: Lies = {}
  let client: FedraClient
  let liar: FedraClient

  before(async () => {
    node = await TestNode.start()
    node.submitTx(transfer(0, 1, 10n, 0n))
    await node.produceBlock()
    await node.produceBlock()
    honest = await createRpcServer({ backend: node, listen: { port: 0 }, log: silentLog })
    lying = await createRpcServer({ backend: lyingBackend(node, lies), listen: { port: 0 }, log: silentLog })
    client = new FedraClient({ url: honest.address.url })
    liar = new FedraClient({ url: lying.address.url })
  })
  afterEach(() => {
    lies.value = lies.commitSignature = lies.stateRoot = false
  })
  after(async () => {
    client.close()
    liar.close()
    await honest.close()
    await lying.close()
    await node.stop()
  })

  it('accepts an honest value, at the latest height and at an earlier one', async () => {
    const latest = await client.verifiedQuery(accountPath(0))
    assert.equal(latest.height, 2)
    assert.notEqual(latest.value, null)
    const earlier = await client.verifiedQuery(accountPath(0), 1)
    assert.equal(earlier.height, 1)
    assert.equal(toHex(earlier.header.stateRoot), (await client.block(1)).header.stateRoot)
  })

  describe('rejects a tampered proof', () => {
    it('with a flipped sibling hash', async () => {
      const answer = await client.queryState(accountPath(0), { prove: true })
      const sibling = answer.proof!.siblings[0]!
      answer.proof!.siblings[0] = (sibling[0] === 'a' ? 'b' : 'a') + sibling.slice(1)
      assert.match(await verificationError(() => client.verifyAnswer(accountPath(0), answer)), /state root/)
    })

    it('with a changed leaf', async () => {
      const answer = await client.queryState(accountPath(0), { prove: true })
      answer.proof!.leaf!.valueHash = '00'.repeat(32)
      assert.match(await verificationError(() => client.verifyAnswer(accountPath(0), answer)), /state root/)
    })

    it('claiming absence of a present key', async () => {
      const answer = await client.queryState(accountPath(0), { prove: true })
      assert.match(await verificationError(() => client.verifyAnswer(accountPath(0), { ...answer, value: null })), /state root/)
    })

    it('for another key than asked', async () => {
      const answer = await client.queryState(accountPath(1), { prove: true })
      assert.match(await verificationError(() => client.verifyAnswer(accountPath(0), answer)), /another key/)
    })

    it('without a proof', async () => {
      const answer = await client.queryState(accountPath(0))
      assert.match(await verificationError(() => client.verifyAnswer(accountPath(0), answer)), /no proof/)
    })
  })

  describe('rejects a lying node', () => {
    it('that changes the value', async () => {
      lies.value = true
      assert.match(await verificationError(() => liar.verifiedQuery(accountPath(0))), /state root/)
    })

    it('that forges a commit signature', async () => {
      lies.commitSignature = true
      assert.match(await verificationError(() => liar.verifiedQuery(accountPath(0))), /bad commit signature/)
    })

    it('that serves a header with another state root', async () => {
      lies.stateRoot = true
      assert.match(await verificationError(() => liar.verifiedHeader(1)), /block id/)
    })
  })
})

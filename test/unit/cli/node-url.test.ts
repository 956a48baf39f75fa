import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from '../../../src/cli/errors.js'
import { resolveNodeUrl } from '../../../src/cli/node-url.js'
import { tempDir } from '../../helpers/chain.js'

describe('which node a client command talks to (resolveNodeUrl)', () => {
  const dir = tempDir()
  const devnet = join(dir.path, 'devnet')
  const home = join(dir.path, 'home')
  let saved: string | undefined
  before(() => {
    mkdirSync(devnet, { recursive: true })
    writeFileSync(join(devnet, 'devnet.json'), JSON.stringify({ nodes: [{ rpcPort: 40001 }, { rpcPort: 40002 }] }))
    mkdirSync(join(home, 'config'), { recursive: true })
    writeFileSync(join(home, 'config', 'config.json'), JSON.stringify({ rpc: { listen: '0.0.0.0:40100' } }))
    saved = process.env.FEDRA_NODE
    delete process.env.FEDRA_NODE
  })
  after(() => {
    if (saved !== undefined) process.env.FEDRA_NODE = saved
    dir.remove()
  })

  it('--node wins, with or without a scheme', () => {
    assert.equal(resolveNodeUrl({ node: '127.0.0.1:1234', home: devnet }), 'http://127.0.0.1:1234/')
    assert.equal(resolveNodeUrl({ node: 'ws://10.0.0.1:5/', home: devnet }), 'ws://10.0.0.1:5/')
  })

  it('then FEDRA_NODE', () => {
    process.env.FEDRA_NODE = 'http://127.0.0.1:9/'
    try {
      assert.equal(resolveNodeUrl({ home: devnet }), 'http://127.0.0.1:9/')
    } finally {
      delete process.env.FEDRA_NODE
    }
  })

  it("then a devnet directory's first node, then a node home's rpc.listen", () => {
    assert.equal(resolveNodeUrl({ home: devnet }), 'http://127.0.0.1:40001/')
    assert.equal(resolveNodeUrl({ home: home }), 'http://127.0.0.1:40100/')
  })

  it("then CometBFT's default port", () => {
    assert.equal(resolveNodeUrl({ home: join(dir.path, 'nothing-here') }), 'http://127.0.0.1:26657/')
  })

  it('refuses an address that is no URL', () => {
    assert.throws(
      () => resolveNodeUrl({ node: 'http://[nope' }),
      (e: unknown) => e instanceof CliError && e.code === 'USAGE' && /is not a node address/.test(e.message),
    )
  })
})

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { toHex } from '../../../src/crypto/index.js'
import { StateDB, StateError } from '../../../src/state/index.js'
import { openApp, runBlocks, seededRandom, tempDir, transferBlocks } from '../../helpers/chain.js'

const BLOCKS = transferBlocks(40, 20)

async function referenceRoots(): Promise<string[]> {
  const dir = tempDir()
  const app = await openApp(dir.path)
  const roots = [toHex(app.db.rootHash), ...(await runBlocks(app, BLOCKS, () => app.assertInvariants())).map(toHex)]
  await app.db.close()
  dir.remove()
  return roots
}

describe('determinism and durability of committed state', () => {
  let expected: string[]
  before(async () => {
    expected = await referenceRoots()
  })

  it('gives identical roots on two fresh stores', async () => {
    assert.deepEqual(await referenceRoots(), expected)
    assert.equal(new Set(expected).size, expected.length, 'every block changes the root')
  })

  it('gives identical roots on a store closed and reopened midway', async () => {
    const dir = tempDir()
    try {
      let app = await openApp(dir.path)
      const first = await runBlocks(app, BLOCKS.slice(0, 17))
      await app.db.close()
      app = await openApp(dir.path)
      assert.equal(app.height, 17)
      assert.equal(toHex(app.db.rootHash), expected[17])
      const rest = await runBlocks(app, BLOCKS.slice(17))
      await app.db.close()
      assert.deepEqual([...first, ...rest].map(toHex), expected.slice(1))
    } finally {
      dir.remove()
    }
  })

  it('reopens at the last committed height with the right root after SIGKILL at random instants', async function () {
    this.timeout(120_000)
    const random = seededRandom(Date.now() & 0xffff)
    for (let attempt = 0; attempt < 5; attempt++) {
      const dir = tempDir()
      try {
        const killAfter = 1 + Math.floor(random() * 25)
        const extraMs = Math.floor(random() * 40)
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/commit-blocks.ts', dir.path, String(BLOCKS.length)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        })
        let reported = 0
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('child made no progress in 60 s')), 60_000)
          child.stdout.on('data', (chunk: Buffer) => {
            for (const line of chunk.toString().split('\n')) if (line) reported = Number(line)
            if (reported >= killAfter) {
              clearTimeout(timer)
              // Land the kill at an arbitrary point of a later commit.
              setTimeout(() => resolve(), extraMs)
            }
          })
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
        })
        child.kill('SIGKILL')
        await exited
        const app = await openApp(dir.path)
        assert.ok(app.height >= reported, `reopened at ${app.height}, child had reported ${reported}`)
        assert.equal(toHex(app.db.rootHash), expected[app.height], `root at height ${app.height}`)
        app.assertInvariants()
        await app.db.close()
      } finally {
        dir.remove()
      }
    }
  })

  it('refuses to open a store whose leaves were altered behind its back', async () => {
    const dir = tempDir()
    try {
      const app = await openApp(dir.path)
      await runBlocks(app, BLOCKS.slice(0, 2))
      await app.db.close()
      const { Level } = await import('level')
      const raw = new Level<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' })
      for await (const [key] of raw.iterator({ gte: Uint8Array.of(0x73), lt: Uint8Array.of(0x74), limit: 1 }))
        await raw.put(key, Uint8Array.of(1, 2, 3))
      await raw.close()
      await assert.rejects(StateDB.open(dir.path), (e: unknown) => e instanceof StateError && e.code === 'STORE_CORRUPT')
    } finally {
      dir.remove()
    }
  })

  it('refuses to commit a height out of order', async () => {
    const dir = tempDir()
    try {
      const app = await openApp(dir.path)
      await assert.rejects(
        app.db.commit(5, app.db.prepare(new Map())),
        (e: unknown) => e instanceof StateError && e.code === 'HEIGHT_MISMATCH',
      )
      await app.db.close()
    } finally {
      dir.remove()
    }
  })

  it("serves proofs at kept heights that verify against that height's root", async () => {
    const { verifyStateProof } = await import('../../../src/state/index.js')
    const dir = tempDir()
    try {
      const app = await openApp(dir.path)
      await runBlocks(app, BLOCKS.slice(0, 3))
      const [key, value] = app.db.iterate(new TextEncoder().encode('bank/b')).next().value!
      const atOne = app.db.query(key!, 1)
      assert.equal(toHex(atOne.root), expected[1])
      assert.equal(verifyStateProof(atOne.root, key!, atOne.value ?? null, atOne.proof), true)
      const now = app.db.query(key!)
      assert.deepEqual(now.value, value)
      assert.equal(verifyStateProof(now.root, key!, value!, now.proof), true)
      await app.db.close()
    } finally {
      dir.remove()
    }
  })
})
